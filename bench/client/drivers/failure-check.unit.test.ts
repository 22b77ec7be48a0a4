import { describe, expect, it } from 'vitest';
import type { ClientDriver } from './driver.ts';
import { assertFailuresSurface } from './failure-check.ts';

/**
 * A driver over an in-memory set of paths: enough to tell a driver that reports refusals from one
 * that swallows them. Not a ZooKeeper stand-in; only the check's own logic is under test.
 */
function inMemoryDriver(options: {
  swallow?: 'create' | 'getData' | 'multi';
  multi?: 'atomic' | 'partial' | 'none';
}) {
  const nodes = new Set(['/parent']);
  const refuse = (operation: string, path: string) =>
    options.swallow === operation ? Promise.resolve() : Promise.reject(new Error(`${operation} ${path}`));
  const driver: ClientDriver = {
    contender: 'ts',
    clientVersion: 'in-memory',
    create: (path) => {
      if (nodes.has(path)) return refuse('create', path);
      nodes.add(path);
      return Promise.resolve();
    },
    getData: (path) =>
      nodes.has(path)
        ? Promise.resolve(Buffer.alloc(0))
        : refuse('getData', path).then(() => Buffer.alloc(0)),
    exists: (path) => (nodes.has(path) ? Promise.resolve() : Promise.reject(new Error(`exists ${path}`))),
    setData: (path) => (nodes.has(path) ? Promise.resolve() : Promise.reject(new Error(`setData ${path}`))),
    getChildren: () => Promise.resolve([]),
    catchUp: () => Promise.resolve(),
    createAll:
      options.multi === 'none'
        ? { unsupported: 'no multi' }
        : (paths) => {
            if (options.multi === 'partial') {
              for (const path of paths) {
                if (nodes.has(path)) return Promise.reject(new Error(`multi ${path}`));
                nodes.add(path);
              }
              return Promise.resolve();
            }
            if (paths.some((path) => nodes.has(path))) return refuse('multi', paths.join(','));
            for (const path of paths) nodes.add(path);
            return Promise.resolve();
          },
    watchDataChanges: { unsupported: 'no persistent watches' },
    watchData: () => Promise.resolve(),
    registeredWatches: { unsupported: 'does not say' },
    close: () => Promise.resolve(),
  };
  return driver;
}

describe('assertFailuresSurface', () => {
  it('passes a driver whose refused requests reject, with or without multi', async () => {
    await expect(
      assertFailuresSurface(inMemoryDriver({ multi: 'atomic' }), '/parent'),
    ).resolves.toBeUndefined();
    await expect(
      assertFailuresSurface(inMemoryDriver({ multi: 'none' }), '/parent'),
    ).resolves.toBeUndefined();
  });

  it('fails a driver that resolves a refused request', async () => {
    await expect(assertFailuresSurface(inMemoryDriver({ swallow: 'create' }), '/parent')).rejects.toThrow(
      /create of an existing node resolved/,
    );
    await expect(assertFailuresSurface(inMemoryDriver({ swallow: 'getData' }), '/parent')).rejects.toThrow(
      /getData of a missing node resolved/,
    );
    await expect(
      assertFailuresSurface(inMemoryDriver({ swallow: 'multi', multi: 'atomic' }), '/parent'),
    ).rejects.toThrow(/multi with a create of an existing node resolved/);
  });

  it('fails a multi that applied part of a refused transaction', async () => {
    await expect(assertFailuresSurface(inMemoryDriver({ multi: 'partial' }), '/parent')).rejects.toThrow(
      /a failed multi left \/parent\/no-such-node-\d+ behind/,
    );
  });
});

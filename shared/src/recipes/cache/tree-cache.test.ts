import { describe, expect, it } from 'vitest';
import {
  ANYONE_ID,
  Perms,
  ZooKeeperClient,
  deleteRecursive,
  ensurePath,
  op,
  parseConnectString,
} from '../../client/index.ts';
import { TcpProxy, connectCuttable, eventually, useZooKeeper } from '../../../test-support/index.ts';
import type { CacheEvent } from './cache-events.ts';
import { EventModel, randomMutations, readTree, viewOf } from '../../../test-support/cache-events.ts';
import { TreeCache, type CacheWatchMode } from './tree-cache.ts';

const zk = useZooKeeper('tree-cache');

async function createTree(client: ZooKeeperClient, nodes: Record<string, string>): Promise<void> {
  for (const [path, data] of Object.entries(nodes)) {
    await ensurePath(client, path, { parentMode: 'persistent' });
    await client.setData(path, data);
  }
}

async function started(client: ZooKeeperClient, path: string, watchMode: CacheWatchMode = 'auto') {
  // The cache's server must have every write made so far, through whatever server, before the first
  // read: otherwise a node written just before would arrive as an event after 'initialized'.
  await client.sync('/');
  const cache = new TreeCache(client, path, { watchMode });
  const model = new EventModel(cache);
  await cache.start({ timeoutMs: 10_000 });
  return { cache, model };
}

describe.each(['auto', 'oneShot'] as const)('TreeCache (watchMode %s)', (watchMode) => {
  it('loads the whole tree, then reports it once in initialized', async () => {
    const client = await zk.connect();
    const root = `/initial-${watchMode}`;
    await createTree(client, {
      [root]: 'root',
      [`${root}/a`]: '1',
      [`${root}/a/b`]: '2',
      [`${root}/c`]: '3',
    });
    const cache = new TreeCache(client, root, { watchMode });
    const events: string[] = [];
    cache.on('created', (node) => events.push(`created ${node.path}`));
    cache.on('initialized', (nodes) => events.push(`initialized ${[...nodes.keys()].join(',')}`));
    await cache.start();
    expect(events).toEqual([`initialized ${root},${root}/a,${root}/a/b,${root}/c`]);
    expect(cache.isInitialized).toBe(true);
    expect(cache.watchMode).toBe(watchMode === 'auto' ? 'persistent' : 'oneShot');
    expect(viewOf(cache.snapshot().values())).toEqual(await readTree(client, root));
    expect(cache.get(`${root}/a/b`)?.data.toString()).toBe('2');
    expect(cache.children(root)).toEqual(['a', 'c']);
    expect(cache.children(`${root}/missing`)).toBeUndefined();
    expect(cache.size).toBe(4);
    await cache.close();
  });

  it('reports creations, changes and deletions at every depth, children before parents', async () => {
    const client = await zk.connect();
    const writer = await zk.connect();
    const root = `/events-${watchMode}`;
    await client.create(root, 'r');
    const { cache, model } = await started(client, root, watchMode);
    await writer.create(`${root}/a`, 'a');
    await writer.create(`${root}/a/b`, 'b');
    await writer.create(`${root}/a/b/c`, 'c');
    await eventually(() => expect(cache.get(`${root}/a/b/c`)?.data.toString()).toBe('c'));
    await writer.setData(`${root}/a/b`, 'b2');
    await writer.setData(root, 'r2');
    await eventually(() => expect(cache.get(root)?.data.toString()).toBe('r2'));
    await deleteRecursive(writer, `${root}/a`);
    await eventually(() => expect(cache.size).toBe(1));
    expect(model.log).toEqual([
      'initialized',
      `created ${root}/a`,
      `created ${root}/a/b`,
      `created ${root}/a/b/c`,
      `changed ${root}/a/b`,
      `changed ${root}`,
      `deleted ${root}/a/b/c`,
      `deleted ${root}/a/b`,
      `deleted ${root}/a`,
    ]);
    expect(model.violations).toEqual([]);
    await cache.close();
  });

  it('starts on a missing root, fills when it appears, empties when it goes', async () => {
    const client = await zk.connect();
    const writer = await zk.connect();
    const root = `/late-${watchMode}`;
    const { cache, model } = await started(client, root, watchMode);
    expect(cache.size).toBe(0);
    await writer.create(root, 'here');
    await writer.create(`${root}/x`, 'x');
    await eventually(() => expect(cache.get(`${root}/x`)?.data.toString()).toBe('x'));
    await deleteRecursive(writer, root);
    await eventually(() => expect(cache.size).toBe(0));
    expect(model.log).toEqual([
      'initialized',
      `created ${root}`,
      `created ${root}/x`,
      `deleted ${root}/x`,
      `deleted ${root}`,
    ]);
    // And again: the root's return is noticed after its deletion too.
    await writer.create(root, 'back');
    await eventually(() => expect(cache.get(root)?.data.toString()).toBe('back'));
    await cache.close();
  });

  it('reports a node deleted and created again as deleted + created, never as changed', async () => {
    const client = await zk.connect();
    const writer = await zk.connect();
    const root = `/reincarnation-${watchMode}`;
    await createTree(client, { [root]: '', [`${root}/n`]: 'same' });
    const { cache, model } = await started(client, root, watchMode);
    const before = cache.get(`${root}/n`)!;
    await writer.multi([op.delete(`${root}/n`), op.create(`${root}/n`, 'same')]);
    await eventually(() => expect(cache.get(`${root}/n`)?.stat.czxid).toBeGreaterThan(before.stat.czxid));
    expect(model.log.slice(1)).toEqual([`deleted ${root}/n`, `created ${root}/n`]);
    await cache.close();
  });

  it('stays equal to the tree under random concurrent mutations from two writers', async () => {
    const client = await zk.connect();
    const writers = [await zk.connect(), await zk.connect()];
    const root = `/random-${watchMode}`;
    await client.create(root);
    await randomMutations(writers[0]!, root, { operations: 60, seed: 7 });
    const { cache, model } = await started(client, root, watchMode);
    await Promise.all(
      writers.map((writer, index) =>
        randomMutations(writer, root, { operations: 250, seed: 100 + index, concurrency: 6 }),
      ),
    );
    await eventually(
      async () => expect(viewOf(cache.snapshot().values())).toEqual(await readTree(client, root)),
      {
        timeoutMs: 15_000,
      },
    );
    // The events alone, applied to the initial snapshot, give the same tree: nothing missed or doubled.
    expect(model.view()).toEqual(await readTree(client, root));
    expect(model.violations).toEqual([]);
    await cache.close();
  });

  it('follows a deep tree', async () => {
    const client = await zk.connect();
    const writer = await zk.connect();
    const root = `/deep-${watchMode}`;
    let path = root;
    await client.create(root);
    for (let level = 0; level < 20; level++) await client.create((path = `${path}/l${level}`), `${level}`);
    const { cache, model } = await started(client, root, watchMode);
    expect(cache.size).toBe(21);
    let deeper = path;
    for (let level = 20; level < 40; level++)
      await writer.create((deeper = `${deeper}/l${level}`), `${level}`);
    await writer.setData(`${path}/l20`, 'changed');
    await eventually(() => expect(cache.size).toBe(41));
    await deleteRecursive(writer, `${root}/l0`);
    await eventually(() => expect(cache.size).toBe(1));
    expect(model.violations).toEqual([]);
    expect(model.log.filter((entry) => entry.startsWith('deleted'))).toHaveLength(40);
    await cache.close();
  });

  it('after a dropped connection reports exactly what changed meanwhile (CURATOR-391 included)', async () => {
    const { client, proxy, cut, restore } = await connectCuttable(zk);
    try {
      const writer = await zk.connect();
      const root = `/disconnect-${watchMode}`;
      await createTree(writer, {
        [root]: '',
        [`${root}/changed`]: '1',
        [`${root}/gone`]: 'g',
        [`${root}/gone/child`]: 'gc',
        [`${root}/reborn`]: 'same',
        [`${root}/rewritten`]: 'same',
        [`${root}/untouched`]: 'u',
      });
      const { cache, model } = await started(client, root, watchMode);
      const sessionId = client.sessionId;
      const watches = client.watchCount;
      const mark = model.log.length;

      await cut();
      await writer.setData(`${root}/changed`, '2');
      await deleteRecursive(writer, `${root}/gone`);
      await writer.create(`${root}/new`, 'n');
      await writer.delete(`${root}/reborn`);
      await writer.create(`${root}/reborn`, 'same'); // same data, same version 0: only czxid differs
      await writer.setData(`${root}/rewritten`, 'same'); // same bytes, new mzxid
      restore();

      await eventually(async () => expect(model.view()).toEqual(await readTree(writer, root)), {
        timeoutMs: 15_000,
      });
      await eventually(() => expect(model.log.slice(mark)).toContain('resynced reconnected'));
      expect(client.sessionId).toBe(sessionId);
      expect(model.changesSince(mark)).toEqual(
        [
          `changed ${root}/changed`,
          `changed ${root}/rewritten`,
          `created ${root}/new`,
          `created ${root}/reborn`,
          `deleted ${root}/gone`,
          `deleted ${root}/gone/child`,
          `deleted ${root}/reborn`,
        ].sort(),
      );
      const rebornEvents = model.log.filter((entry) => entry.endsWith(`${root}/reborn`));
      expect(rebornEvents).toEqual([`deleted ${root}/reborn`, `created ${root}/reborn`]);
      expect(model.violations).toEqual([]);
      expect(viewOf(cache.snapshot().values())).toEqual(await readTree(writer, root));
      // Nothing was watched twice: one persistent watch, or a data and a child watch per node.
      await eventually(() => expect(client.watchCount).toBe(watchMode === 'auto' ? watches : 2 * cache.size));
      await cache.close();
      expect(client.watchCount).toBe(0);
    } finally {
      await proxy.close();
    }
  });

  it('after a session expiry re-adds the watch, re-reads and reports the differences', async () => {
    const { client, proxy, recorder, cut, restore, expire } = await connectCuttable(zk);
    try {
      const writer = await zk.connect();
      const root = `/expiry-${watchMode}`;
      await createTree(writer, { [root]: '', [`${root}/a`]: 'a', [`${root}/b`]: 'b' });
      const { cache, model } = await started(client, root, watchMode);
      const oldSession = client.sessionId;
      const mark = model.log.length;

      await cut();
      await expire();
      await writer.setData(`${root}/a`, 'a2');
      await writer.delete(`${root}/b`);
      await writer.create(`${root}/c`, 'c');
      restore();
      await recorder.waitFor('lost');
      await recorder.waitFor('connected');
      await model.waitForResync(mark, 'newSession', () => readTree(writer, root));
      expect(client.sessionId).not.toBe(oldSession);
      expect(model.changesSince(mark)).toEqual([
        `changed ${root}/a`,
        `created ${root}/c`,
        `deleted ${root}/b`,
      ]);
      expect(viewOf(cache.snapshot().values())).toEqual(await readTree(writer, root));

      // The new watch works.
      await writer.create(`${root}/d`, 'd');
      await eventually(() => expect(cache.get(`${root}/d`)?.data.toString()).toBe('d'));
      await cache.close();
      expect(client.watchCount).toBe(0);
    } finally {
      await proxy.close();
    }
  });

  it('leaves no watch behind on close, even when closed during the initial read', async () => {
    const client = await zk.connect();
    const root = `/close-${watchMode}`;
    await client.create(root);
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        client
          .create(`${root}/n${i}`)
          .then(() =>
            Promise.all(Array.from({ length: 20 }, (__, j) => client.create(`${root}/n${i}/m${j}`, 'x'))),
          ),
      ),
    );
    const { cache } = await started(client, root, watchMode);
    expect(client.watchCount).toBeGreaterThan(0);
    await cache.close();
    expect(client.watchCount).toBe(0);

    const early = new TreeCache(client, root, { watchMode });
    const starting = early.start();
    await new Promise((resolve) => setImmediate(resolve));
    await early.close();
    await expect(starting).rejects.toMatchObject({ code: 'CLOSED' });
    expect(client.watchCount).toBe(0);
    expect(early.size).toBeLessThanOrEqual(211);
  });

  it('delivers its events through an async iterator', async () => {
    const client = await zk.connect();
    const writer = await zk.connect();
    const root = `/iterator-${watchMode}`;
    await client.create(root);
    const cache = new TreeCache(client, root, { watchMode });
    const seen: string[] = [];
    const reading = (async () => {
      for await (const event of cache.events()) {
        seen.push(summarize(event));
        if (event.type === 'deleted') break;
      }
    })();
    await cache.start();
    await writer.create(`${root}/x`, '1');
    await eventually(() => expect(cache.get(`${root}/x`)).toBeDefined());
    await writer.setData(`${root}/x`, '2');
    await eventually(() => expect(cache.get(`${root}/x`)?.data.toString()).toBe('2'));
    await writer.delete(`${root}/x`);
    await reading;
    expect(seen).toEqual([
      'initialized 1',
      `created ${root}/x`,
      `changed ${root}/x 1→2`,
      `deleted ${root}/x`,
    ]);
    await cache.close();
  });
});

function summarize(event: CacheEvent): string {
  switch (event.type) {
    case 'initialized':
      return `initialized ${event.nodes.size}`;
    case 'changed':
      return `changed ${event.node.path} ${event.previous.data.toString()}→${event.node.data.toString()}`;
    case 'resynced':
      return `resynced ${event.reason}`;
    default:
      return `${event.type} ${event.node.path}`;
  }
}

describe('TreeCache limits and failures', () => {
  it('caches only maxDepth levels', async () => {
    const client = await zk.connect();
    const writer = await zk.connect();
    await createTree(client, { '/depth/a/b/c': 'c', '/depth/d': 'd' });
    const cache = new TreeCache(client, '/depth', { maxDepth: 1 });
    const model = new EventModel(cache);
    await cache.start();
    expect([...cache.snapshot().keys()]).toEqual(['/depth', '/depth/a', '/depth/d']);
    await writer.create('/depth/a/b/c/e');
    await writer.create('/depth/f', 'f');
    await eventually(() => expect(cache.get('/depth/f')).toBeDefined());
    expect(model.log).toEqual(['initialized', 'created /depth/f']);
    expect(cache.children('/depth/a')).toEqual([]);
    await cache.close();
  });

  it('falls back to one-shot watches when asked, with the same results', async () => {
    const client = await zk.connect();
    await createTree(client, { '/fallback/a': '1' });
    const cache = new TreeCache(client, '/fallback', { watchMode: 'oneShot' });
    await cache.start();
    expect(cache.watchMode).toBe('oneShot');
    // One data and one child watch per node (the server keeps them; the client counts paths × kinds).
    expect(client.watchCount).toBe(4);
    await cache.close();
    expect(client.watchCount).toBe(0);
  });

  it('rejects start when the root cannot be read (NOAUTH), instead of failing silently (CURATOR-328)', async () => {
    const client = await zk.connect();
    await client.create('/secret', 'x', { acl: [{ perms: Perms.WRITE | Perms.DELETE, id: ANYONE_ID }] });
    const cache = new TreeCache(client, '/secret');
    const errors: unknown[] = [];
    cache.on('error', (error) => errors.push(error));
    await expect(cache.start({ timeoutMs: 5000 })).rejects.toMatchObject({ code: 'NOAUTH' });
    expect(client.watchCount).toBe(0);
    await expect(cache.start()).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
  });

  it('reports an unreadable node below the root as an error and caches the rest', async () => {
    const client = await zk.connect();
    await client.create('/partial');
    await client.create('/partial/open', 'o');
    await client.create('/partial/closed', 'c', { acl: [{ perms: Perms.WRITE, id: ANYONE_ID }] });
    const cache = new TreeCache(client, '/partial');
    const errors: unknown[] = [];
    cache.on('error', (error) => errors.push(error));
    await cache.start({ timeoutMs: 5000 });
    expect([...cache.snapshot().keys()]).toEqual(['/partial', '/partial/open']);
    expect(errors).toEqual([expect.objectContaining({ code: 'NOAUTH', path: '/partial/closed' })]);
    await cache.close();
  });

  it('rejects start at the deadline when no server is reachable', async () => {
    const target = parseConnectString(zk.ensembleConnectString).servers[0]!;
    const proxy = await TcpProxy.start(target);
    proxy.setMode('refuse');
    const client = new ZooKeeperClient(proxy.address + zk.chroot, { logger: {} });
    client.start();
    try {
      const cache = new TreeCache(client, '/unreachable');
      await expect(cache.start({ timeoutMs: 300 })).rejects.toMatchObject({ code: 'TIMEOUT' });
      expect(client.watchCount).toBe(0);
    } finally {
      await client.close();
      await proxy.close();
    }
  });

  it('closes when its client closes', async () => {
    const client = await zk.connect();
    const cache = new TreeCache(client, '/closing-client');
    await cache.start();
    const closed = new Promise<void>((resolve) => cache.once('closed', () => resolve()));
    await client.close();
    await closed;
    expect(cache.isInitialized).toBe(false);
  });

  it('validates its arguments', async () => {
    const client = await zk.connect();
    expect(() => new TreeCache(client, 'no-slash')).toThrow(/invalid path/);
    expect(() => new TreeCache(client, '/a/')).toThrow(/invalid path/);
    expect(() => new TreeCache(client, '/a', { maxDepth: -1 })).toThrow(
      expect.objectContaining({ code: 'BAD_ARGUMENT' }),
    );
    expect(() => new TreeCache(client, '/a', { maxDepth: 1.5 })).toThrow(/maxDepth/);
    expect(
      () => new TreeCache(client, '/a', { watchMode: 'sometimes' as unknown as CacheWatchMode }),
    ).toThrow(/watchMode/);
    const cache = new TreeCache(client, '/a');
    await expect(cache.start({ timeoutMs: -5 })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
  });
});

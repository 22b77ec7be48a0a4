import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ZooKeeperClient } from '../../client/index.ts';
import { adjustCounts } from '../../../interop/node/holder-count.ts';
import {
  eventually,
  startCuratorPeer,
  useZooKeeper,
  type JsonLinePeer,
} from '../../../test-support/index.ts';
import { ReadWriteLock, type LockKind } from './read-write-lock.ts';

/**
 * Wire compatibility with Apache Curator 5.4.0's InterProcessReadWriteLock (a JVM) on the same paths
 * of the same ensemble. Curator locks belong to threads: each Curator lock side is driven by one actor.
 */
const zk = useZooKeeper('read-write-lock-interop');
let curator: JsonLinePeer;

beforeAll(async () => {
  curator = await startCuratorPeer();
  await curator.call('client.open', { connect: zk.connectString });
}, 60_000);

afterAll(async () => {
  await curator?.close();
});

/** Whether `pending` is still unsettled once the other side has had a good chance to act. */
async function stillPending(pending: Promise<unknown>, ms = 500): Promise<boolean> {
  const marker = Symbol('pending');
  const winner = await Promise.race([
    pending,
    new Promise((resolve) => setTimeout(() => resolve(marker), ms)),
  ]);
  return winner === marker;
}

const call = <T = unknown>(action: string, args: Record<string, unknown>, actor: string): Promise<T> =>
  curator.call<T>(`readWriteLock.${action}`, args, { actor });

describe('ReadWriteLock and Curator InterProcessReadWriteLock on one path', () => {
  it('a TypeScript writer blocks Curator readers and writers, and a Curator writer blocks ours', async () => {
    const path = '/interop/rw-writers';
    const ours = new ReadWriteLock(await zk.connect(), path, { id: 'ts' });
    await curator.call('readWriteLock.create', { name: 'w1', path, id: 'java' });

    const write = await ours.writeLock.acquire();
    expect(await call('acquire', { name: 'w1', kind: 'read', timeoutMs: 300 }, 'reader')).toBe(false);
    expect(await call('acquire', { name: 'w1', kind: 'write', timeoutMs: 300 }, 'writer')).toBe(false);
    const curatorReads = call('acquire', { name: 'w1', kind: 'read' }, 'reader');
    await eventually(async () => expect(await ours.contenderNodes()).toHaveLength(2));
    await write.release();
    expect(await curatorReads).toBe(true);

    // Curator's reader holds: our writer waits for it, our reader joins it.
    expect(await ours.writeLock.tryAcquire()).toBeNull();
    const read = await ours.readLock.acquire({ timeoutMs: 2000 });
    await read.release();
    await call('release', { name: 'w1', kind: 'read' }, 'reader');

    expect(await call('acquire', { name: 'w1', kind: 'write' }, 'writer')).toBe(true);
    const [holder] = await call<string[]>('participants', { name: 'w1', kind: 'write' }, 'writer');
    expect(holder).toMatch(/\/_c_[0-9a-f-]{36}-__WRIT__\d{10}$/);
    expect(await ours.readLock.tryAcquire()).toBeNull();
    expect(await ours.writeLock.tryAcquire()).toBeNull();
    const ourRead = ours.readLock.acquire({ timeoutMs: 10_000 });
    await eventually(async () => expect(await ours.contenderNodes()).toHaveLength(2));
    await call('release', { name: 'w1', kind: 'write' }, 'writer');
    await (await ourRead).release();
    expect(await ours.participants()).toEqual([]);
  });

  it('TypeScript readers share with Curator readers, and a writer of either waits for all of them', async () => {
    const path = '/interop/rw-readers';
    const [ourReaderClient, ourWriterClient] = await Promise.all([zk.connect(), zk.connect()]);
    const ourReader = new ReadWriteLock(ourReaderClient, path, { id: 'ts-reader' });
    const ourWriter = new ReadWriteLock(ourWriterClient, path, { id: 'ts-writer' });
    await curator.call('readWriteLock.create', { name: 'r1', path, id: 'java-reader' });
    await curator.call('readWriteLock.create', { name: 'r2', path, id: 'java-writer' });

    const read = await ourReader.readLock.acquire();
    expect(await call('acquire', { name: 'r1', kind: 'read', timeoutMs: 2000 }, 'r1')).toBe(true);
    await ourReaderClient.sync(path); // Curator's node went through its own connection
    expect(await ourReader.participants()).toEqual([
      { kind: 'read', id: 'ts-reader' },
      { kind: 'read', id: 'java-reader' },
    ]);
    expect(await call('acquire', { name: 'r2', kind: 'write', timeoutMs: 300 }, 'r2')).toBe(false);
    expect(await ourWriter.writeLock.tryAcquire()).toBeNull();

    const ourWrite = ourWriter.writeLock.acquire({ timeoutMs: 10_000 });
    await eventually(async () => expect(await ourReader.contenderNodes()).toHaveLength(3));
    await read.release();
    expect(await call('isHeld', { name: 'r1', kind: 'read' }, 'r1')).toBe(true);
    expect(ourWriter.writeLock.isHeld).toBe(false);
    await call('release', { name: 'r1', kind: 'read' }, 'r1');
    const write = await ourWrite;
    expect(await call('acquire', { name: 'r2', kind: 'read', timeoutMs: 300 }, 'r2')).toBe(false);
    await write.release();
  });

  it('a Curator writer queued behind our downgraded writer waits until our reader is done', async () => {
    const path = '/interop/rw-downgrade';
    const ours = new ReadWriteLock(await zk.connect(), path);
    await curator.call('readWriteLock.create', { name: 'd1', path });
    const write = await ours.writeLock.acquire();
    const curatorWrites = call('acquire', { name: 'd1', kind: 'write' }, 'd1');
    await eventually(async () => expect(await ours.contenderNodes()).toHaveLength(2));
    const read = await ours.readLock.acquire({ timeoutMs: 1000, reentrantFrom: write });
    await write.release();
    // Curator 5.4.0 sorts our read node (named after our writer's sequence) before its writer.
    expect(await stillPending(curatorWrites)).toBe(true);
    expect(await call('isHeld', { name: 'd1', kind: 'write' }, 'probe')).toBe(false);
    expect(await ours.contenderNodes()).toHaveLength(2);
    await read.release();
    expect(await curatorWrites).toBe(true);
    await call('release', { name: 'd1', kind: 'write' }, 'd1');
  });

  it('never lets a writer in with anyone else: 2 TypeScript + 2 Curator participants mixing reads and writes', async () => {
    const path = '/interop/rw-contention';
    const statePath = '/interop/rw-state';
    const setup = await zk.connect();
    await setup.create(statePath, '0,0').catch(() => {});
    const kinds: LockKind[] = ['read', 'read', 'write', 'read', 'write', 'read', 'read', 'write'];
    for (const index of [1, 2]) {
      await curator.call('client.open', { client: `c${index}`, connect: zk.connectString });
      await curator.call('readWriteLock.create', { client: `c${index}`, name: `mix${index}`, path });
    }
    const ourSide = async (client: ZooKeeperClient): Promise<[string, number, number][]> => {
      const lock = new ReadWriteLock(client, path);
      const seen: [string, number, number][] = [];
      for (const kind of kinds) {
        const side = kind === 'read' ? lock.readLock : lock.writeLock;
        const lease = await side.acquire();
        try {
          const counts = await adjustCounts(
            client,
            statePath,
            kind === 'read' ? [1, 0] : [0, 1],
            lease.signal,
          );
          seen.push([kind, counts[0]!, counts[1]!]);
          await new Promise((resolve) => setTimeout(resolve, 15));
          await adjustCounts(client, statePath, kind === 'read' ? [-1, 0] : [0, -1], lease.signal);
        } finally {
          await lease.release();
        }
      }
      return seen;
    };
    const results = await Promise.all([
      ...[1, 2].map(async () => ourSide(await zk.connect())),
      ...[1, 2].map((index) =>
        curator.call<[string, number, number][]>(
          'readWriteLock.holdRounds',
          { client: `c${index}`, name: `mix${index}`, statePath, kinds, holdMs: 15 },
          { actor: `c${index}`, timeoutMs: 60_000 },
        ),
      ),
    ]);
    const holds = results.flat();
    expect(holds).toHaveLength(4 * kinds.length);
    const writes = holds.filter(([kind]) => kind === 'write');
    const reads = holds.filter(([kind]) => kind === 'read');
    // A writer saw nobody else inside; a reader never saw a writer.
    expect(writes.filter(([, readers, writers]) => readers !== 0 || writers !== 1)).toEqual([]);
    expect(reads.filter(([, , writers]) => writers !== 0)).toEqual([]);
    // Readers did share the lock.
    expect(Math.max(...reads.map(([, readers]) => readers))).toBeGreaterThanOrEqual(2);
    await setup.sync(statePath);
    expect((await setup.getData(statePath)).data.toString()).toBe('0,0');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ZooKeeperClient } from '../../client/index.ts';
import {
  startCuratorPeer,
  startKazooPeer,
  useZooKeeper,
  type JsonLinePeer,
} from '../../../test-support/index.ts';
import { Mutex } from './mutex.ts';

/**
 * Wire compatibility with the real libraries: Apache Curator 5.4.0 (a JVM) and Kazoo 2.8 (Python)
 * contend with our Mutex on the same paths of the same ensemble.
 */
const zk = useZooKeeper('mutex-interop');
let curator: JsonLinePeer;
let kazoo: JsonLinePeer;

beforeAll(async () => {
  [curator, kazoo] = await Promise.all([startCuratorPeer(), startKazooPeer()]);
  await curator.call('client.open', { connect: zk.connectString });
  await kazoo.call('client.open', { connect: zk.connectString });
}, 60_000);

afterAll(async () => {
  await Promise.all([curator?.close(), kazoo?.close()]);
});

type Hold = [number, number];

/** Our side of the mutual-exclusion check: the same critical section as the peers run. */
async function holdAndIncrement(
  client: ZooKeeperClient,
  path: string,
  counterPath: string,
  rounds: number,
): Promise<Hold[]> {
  const mutex = new Mutex(client, path);
  const holds: Hold[] = [];
  for (let round = 0; round < rounds; round++) {
    const lease = await mutex.acquire();
    const start = Date.now();
    try {
      const value = Number((await client.getData(counterPath, { signal: lease.signal })).data.toString());
      await new Promise((resolve) => setTimeout(resolve, 5));
      await client.setData(counterPath, String(value + 1), { signal: lease.signal });
    } finally {
      holds.push([start, Date.now()]);
      await lease.release();
    }
  }
  return holds;
}

function overlaps(holds: readonly Hold[]): number {
  const sorted = [...holds].sort((a, b) => a[0] - b[0]);
  let count = 0;
  for (let i = 1; i < sorted.length; i++) if (sorted[i]![0] < sorted[i - 1]![1]) count++;
  return count;
}

describe('Mutex and Curator InterProcessMutex on one path', () => {
  it('exclude each other in both directions', async () => {
    const client = await zk.connect();
    await curator.call('mutex.create', { name: 'hand', path: '/interop/curator-hand' });
    const ours = new Mutex(client, '/interop/curator-hand');
    const lease = await ours.acquire();
    expect(await curator.call('mutex.acquire', { name: 'hand', timeoutMs: 300 }, { actor: 'hand' })).toBe(
      false,
    );
    const curatorWaits = curator.call('mutex.acquire', { name: 'hand' }, { actor: 'hand' });
    await lease.release();
    expect(await curatorWaits).toBe(true);
    expect(await ours.tryAcquire()).toBeNull();
    const [holder] = await curator.call<string[]>('mutex.participants', { name: 'hand' }, { actor: 'hand' });
    expect(holder).toMatch(/\/_c_[0-9a-f-]{36}-lock-\d{10}$/);
    await curator.call('mutex.release', { name: 'hand' }, { actor: 'hand' });
    const again = await ours.acquire({ timeoutMs: 5000 });
    await again.release();
  });

  it('never overlap under contention: 3 TypeScript + 3 Curator contenders, 10 holds each, no lost update', async () => {
    const path = '/interop/curator-contention';
    const counterPath = '/interop/curator-counter';
    const setup = await zk.connect();
    await setup.create(counterPath, '0').catch(() => {});
    const clients = await Promise.all([1, 2, 3].map(() => zk.connect()));
    for (const index of [1, 2, 3]) {
      await curator.call('client.open', { client: `c${index}`, connect: zk.connectString });
      await curator.call('mutex.create', { client: `c${index}`, name: `m${index}`, path });
    }
    const results = await Promise.all([
      ...clients.map((client) => holdAndIncrement(client, path, counterPath, 10)),
      ...[1, 2, 3].map((index) =>
        curator.call<Hold[]>(
          'mutex.holdAndIncrement',
          { client: `c${index}`, name: `m${index}`, counterPath, rounds: 10, holdMs: 5 },
          { actor: `c${index}`, timeoutMs: 120_000 },
        ),
      ),
    ]);
    const holds = results.flat();
    expect(holds).toHaveLength(60);
    expect(overlaps(holds)).toBe(0);
    await setup.sync(counterPath); // the last increments went through other connections
    expect((await setup.getData(counterPath)).data.toString()).toBe('60');
  });
});

describe('Mutex and Kazoo Lock (extra_lock_patterns=("-lock-",)) on one path', () => {
  it('exclude each other in both directions', async () => {
    const client = await zk.connect();
    await kazoo.call('lock.create', { name: 'hand', path: '/interop/kazoo-hand', id: 'py' });
    const ours = new Mutex(client, '/interop/kazoo-hand', { id: 'ts' });
    const lease = await ours.acquire();
    expect(
      await kazoo
        .call('lock.acquire', { name: 'hand', timeoutMs: 300 }, { actor: 'hand' })
        .catch((e: Error) => e.message),
    ).toMatch(/LockTimeout/);
    const kazooWaits = kazoo.call('lock.acquire', { name: 'hand' }, { actor: 'hand' });
    await lease.release();
    expect(await kazooWaits).toBe(true);
    expect(await ours.tryAcquire()).toBeNull();
    expect(await ours.participants()).toEqual(['py']);
    await kazoo.call('lock.release', { name: 'hand' }, { actor: 'hand' });
    const again = await ours.acquire({ timeoutMs: 5000 });
    await again.release();
  });

  it('never overlap under contention: 3 TypeScript + 3 Kazoo contenders, 10 holds each, no lost update', async () => {
    const path = '/interop/kazoo-contention';
    const counterPath = '/interop/kazoo-counter';
    const setup = await zk.connect();
    await setup.create(counterPath, '0').catch(() => {});
    const clients = await Promise.all([1, 2, 3].map(() => zk.connect()));
    for (const index of [1, 2, 3]) {
      await kazoo.call('client.open', { client: `k${index}`, connect: zk.connectString });
      await kazoo.call('lock.create', { client: `k${index}`, name: `l${index}`, path });
    }
    const results = await Promise.all([
      ...clients.map((client) => holdAndIncrement(client, path, counterPath, 10)),
      ...[1, 2, 3].map((index) =>
        kazoo.call<Hold[]>(
          'lock.holdAndIncrement',
          { client: `k${index}`, name: `l${index}`, counterPath, rounds: 10, holdMs: 5 },
          { actor: `k${index}`, timeoutMs: 120_000 },
        ),
      ),
    ]);
    const holds = results.flat();
    expect(holds).toHaveLength(60);
    expect(overlaps(holds)).toBe(0);
    await setup.sync(counterPath); // the last increments went through other connections
    expect((await setup.getData(counterPath)).data.toString()).toBe('60');
  });
});

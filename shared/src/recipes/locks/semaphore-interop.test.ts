import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ZooKeeperClient } from '../../client/index.ts';
import { adjustCounts } from '../../../interop/node/holder-count.ts';
import {
  eventually,
  startCuratorPeer,
  useZooKeeper,
  type JsonLinePeer,
} from '../../../test-support/index.ts';
import { SemaphoreMutex } from './semaphore-mutex.ts';
import { Semaphore } from './semaphore.ts';

/**
 * Wire compatibility with Apache Curator 5.4.0's InterProcessSemaphoreV2 and
 * InterProcessSemaphoreMutex (a JVM) on the same paths of the same ensemble.
 */
const zk = useZooKeeper('semaphore-interop');
let curator: JsonLinePeer;

beforeAll(async () => {
  curator = await startCuratorPeer();
  await curator.call('client.open', { connect: zk.connectString });
}, 60_000);

afterAll(async () => {
  await curator?.close();
});

const call = <T = unknown>(action: string, args: Record<string, unknown>, actor = 'main'): Promise<T> =>
  curator.call<T>(`semaphore.${action}`, args, { actor });

/** Our side of the holder count: the same rounds as SemaphoreCommands.holdRounds. */
async function holdRounds(
  client: ZooKeeperClient,
  acquire: () => Promise<{ signal: AbortSignal; release(): Promise<void> }>,
  counterPath: string,
  rounds: number,
): Promise<number[]> {
  const seen: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const lease = await acquire();
    try {
      seen.push((await adjustCounts(client, counterPath, [1], lease.signal))[0]!);
      await new Promise((resolve) => setTimeout(resolve, 10));
      await adjustCounts(client, counterPath, [-1], lease.signal);
    } finally {
      await lease.release();
    }
  }
  return seen;
}

describe('Semaphore and Curator InterProcessSemaphoreV2 with the same maxLeases', () => {
  it('count each other’s leases in both directions', async () => {
    const path = '/interop/sem-hand';
    const ours = new Semaphore(await zk.connect(), path, 2, { id: 'ts' });
    await call('create', { name: 'h', path, maxLeases: 2, data: 'java' });
    const first = await ours.acquire();
    expect(await call('acquire', { name: 'h', timeoutMs: 2000 })).toBe(1);
    // Curator's lease was written through its own connection, maybe to another server.
    await eventually(async () => expect(await ours.participants()).toEqual(['ts', 'java']));
    const curatorSees = await call<string[]>('participants', { name: 'h' });
    expect(curatorSees).toHaveLength(2);
    expect(curatorSees.every((node) => /^_c_[0-9a-f-]{36}-lease-\d{10}$/.test(node))).toBe(true);

    // Full: neither side gets a third lease.
    expect(await ours.tryAcquire()).toBeNull();
    expect(await call('acquire', { name: 'h', timeoutMs: 300 })).toBe(0);
    const ourWait = ours.acquire({ timeoutMs: 10_000 });
    await eventually(async () => expect(await ours.participants()).toHaveLength(3));
    await call('release', { name: 'h' });
    const second = await ourWait;

    // Now we hold both: Curator waits until one of ours is released.
    const curatorWaits = call('acquire', { name: 'h', timeoutMs: 10_000 }, 'waiter');
    await eventually(async () => expect(await ours.participants()).toHaveLength(3));
    await first.release();
    expect(await curatorWaits).toBe(1);
    await second.release();
    await call('release', { name: 'h' });
    await eventually(async () => expect(await ours.participants()).toEqual([]));
  });

  it('acquireMany and Curator acquire(qty) share one budget', async () => {
    const path = '/interop/sem-many';
    const ours = new Semaphore(await zk.connect(), path, 3);
    await call('create', { name: 'm', path, maxLeases: 3 });
    const two = await ours.acquireMany(2);
    expect(await call('acquire', { name: 'm', qty: 2, timeoutMs: 300 })).toBe(0);
    expect(await call('acquire', { name: 'm', qty: 1, timeoutMs: 2000 })).toBe(1);
    await Promise.all(two.map((lease) => lease.release()));
    expect(await call('acquire', { name: 'm', qty: 2, timeoutMs: 2000 })).toBe(2);
    await expect(ours.acquireMany(1, { timeoutMs: 300 })).rejects.toMatchObject({ code: 'TIMEOUT' });
    await call('release', { name: 'm' });
  });

  it('never exceed maxLeases together: 2 TypeScript + 2 Curator participants, peak holder count is 2', async () => {
    const path = '/interop/sem-contention';
    const counterPath = '/interop/sem-holders';
    const setup = await zk.connect();
    await setup.create(counterPath, '0').catch(() => {});
    for (const index of [1, 2]) {
      await curator.call('client.open', { client: `c${index}`, connect: zk.connectString });
      await call('create', { client: `c${index}`, name: `s${index}`, path, maxLeases: 2 });
    }
    const results = await Promise.all([
      ...[1, 2].map(async () => {
        const client = await zk.connect();
        const semaphore = new Semaphore(client, path, 2);
        return holdRounds(client, () => semaphore.acquire(), counterPath, 10);
      }),
      ...[1, 2].map((index) =>
        curator.call<number[]>(
          'semaphore.holdRounds',
          { client: `c${index}`, name: `s${index}`, counterPath, rounds: 10, holdMs: 10 },
          { actor: `c${index}`, timeoutMs: 60_000 },
        ),
      ),
    ]);
    const seen = results.flat();
    expect(seen).toHaveLength(40);
    expect(Math.max(...seen)).toBe(2);
    await setup.sync(counterPath);
    expect((await setup.getData(counterPath)).data.toString()).toBe('0');
  });

  it('read maxLeases from Curator’s SharedCount, and both let waiters in when Curator raises it', async () => {
    const path = '/interop/sem-counted';
    const countPath = '/interop/sem-count';
    await call('create', { name: 'sc', path, countPath, countSeed: 1 });
    expect((await (await zk.connect()).getData(countPath)).data).toEqual(Buffer.from([0, 0, 0, 1]));
    expect(await call('acquire', { name: 'sc', timeoutMs: 2000 })).toBe(1);
    const ours = new Semaphore(await zk.connect(), path, { countPath });
    expect(await ours.tryAcquire()).toBeNull();
    const waiting = ours.acquire({ timeoutMs: 10_000 });
    await eventually(async () => expect(await ours.participants()).toHaveLength(2));
    await call('setCount', { name: 'sc', count: 2 });
    const lease = await waiting;
    expect(lease.isHeld).toBe(true);
    expect(await call('acquire', { name: 'sc', timeoutMs: 300 })).toBe(0);
    await lease.release();
    await call('release', { name: 'sc' });
  });
});

describe('SemaphoreMutex and Curator InterProcessSemaphoreMutex on one path', () => {
  it('exclude each other in both directions', async () => {
    const path = '/interop/semmutex-hand';
    const ours = new SemaphoreMutex(await zk.connect(), path);
    await call('createMutex', { name: 'x', path });
    const lease = await ours.acquire();
    expect(await call('mutexAcquire', { name: 'x', timeoutMs: 300 })).toBe(false);
    const curatorWaits = call('mutexAcquire', { name: 'x' }, 'x');
    await eventually(async () => expect(await ours.participants()).toHaveLength(2));
    await lease.release();
    expect(await curatorWaits).toBe(true);
    expect(await ours.tryAcquire()).toBeNull();
    await expect(ours.acquire({ timeoutMs: 300 })).rejects.toMatchObject({ code: 'TIMEOUT' });
    await call('mutexRelease', { name: 'x' }, 'x');
    const again = await ours.acquire({ timeoutMs: 5000 });
    await again.release();
  });

  it('never overlap under contention: 2 TypeScript + 2 Curator participants, peak holder count is 1', async () => {
    const path = '/interop/semmutex-contention';
    const counterPath = '/interop/semmutex-holders';
    const setup = await zk.connect();
    await setup.create(counterPath, '0').catch(() => {});
    for (const index of [1, 2]) {
      await curator.call('client.open', { client: `m${index}`, connect: zk.connectString });
      await call('createMutex', { client: `m${index}`, name: `sm${index}`, path });
    }
    const results = await Promise.all([
      ...[1, 2].map(async () => {
        const client = await zk.connect();
        const mutex = new SemaphoreMutex(client, path);
        return holdRounds(client, () => mutex.acquire(), counterPath, 8);
      }),
      ...[1, 2].map((index) =>
        curator.call<number[]>(
          'semaphore.mutexHoldRounds',
          { client: `m${index}`, name: `sm${index}`, counterPath, rounds: 8, holdMs: 10 },
          { actor: `m${index}`, timeoutMs: 60_000 },
        ),
      ),
    ]);
    const seen = results.flat();
    expect(seen).toHaveLength(32);
    expect(seen.every((holders) => holders === 1)).toBe(true);
    await setup.sync(counterPath);
    expect((await setup.getData(counterPath)).data.toString()).toBe('0');
  });
});

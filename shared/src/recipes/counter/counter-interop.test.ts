import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  startCuratorPeer,
  startKazooPeer,
  useZooKeeper,
  type JsonLinePeer,
} from '../../../test-support/index.ts';
import { DistributedAtomicLong } from './distributed-atomic-long.ts';
import { SharedCount } from './shared-count.ts';

/**
 * Byte compatibility with the real libraries: Apache Curator 5.4.0 (SharedCount,
 * DistributedAtomicInteger, DistributedAtomicLong) and Kazoo 2.8 (Counter with support_curator=True)
 * count on the same nodes as our SharedCount and DistributedAtomicLong.
 */
const zk = useZooKeeper('counter-interop');
let curator: JsonLinePeer;
let kazoo: JsonLinePeer;

beforeAll(async () => {
  [curator, kazoo] = await Promise.all([startCuratorPeer(), startKazooPeer()]);
  await curator.call('client.open', { connect: zk.connectString });
  await kazoo.call('client.open', { connect: zk.connectString });
}, 120_000);

afterAll(async () => {
  await Promise.all([curator?.close(), kazoo?.close()]);
});

describe('SharedCount with Curator SharedCount / DistributedAtomicInteger and Kazoo Counter', () => {
  it('all read what the others write (4 big-endian bytes)', async () => {
    const path = '/interop/count-bytes';
    const ours = new SharedCount(await zk.connect(), path, 258);
    await ours.start();
    await curator.call('counter.sharedCount.create', { name: 'bytes', path, seed: 0 });
    expect(await curator.call('counter.sharedCount.get', { name: 'bytes' })).toMatchObject({ value: 258 });
    await curator.call('counter.atomicInteger.create', { name: 'bytes-int', path });
    expect(await curator.call('counter.atomicInteger.get', { name: 'bytes-int' })).toBe(258);
    await kazoo.call('counter.create', { name: 'bytes', path });
    expect(await kazoo.call('counter.value', { name: 'bytes' })).toBe(258);

    // Curator writes a negative count; our watch and Kazoo see it.
    await curator.call('counter.sharedCount.set', { name: 'bytes', value: -2 });
    await eventually(() => expect(ours.count).toBe(-2));
    await eventually(async () => expect(await kazoo.call('counter.value', { name: 'bytes' })).toBe(-2));
    // Kazoo adds; we and Curator's watch see it.
    expect(await kazoo.call('counter.add', { name: 'bytes', delta: 7 })).toEqual({
      preValue: -2,
      postValue: 5,
    });
    await eventually(() => expect(ours.count).toBe(5));
    const curatorHeard = curator.waitForEvent('countChanged', (data) => data.value === 6);
    await ours.increment();
    await curatorHeard;
    await curator.call('counter.sharedCount.close', { name: 'bytes' });
    await ours.close();
  });

  it('concurrent increments from TypeScript, Curator and Kazoo end at the exact sum', async () => {
    const path = '/interop/count-sum';
    const clients = await Promise.all([1, 2].map(() => zk.connect()));
    const ours = clients.map((client) => new SharedCount(client, path, 0));
    await Promise.all(ours.map((count) => count.start()));
    await curator.call('client.open', { client: 'c2', connect: zk.connectString });
    await curator.call('counter.sharedCount.create', { name: 'sum-shared', path });
    await curator.call('counter.atomicInteger.create', { client: 'c2', name: 'sum-int', path });
    await kazoo.call('client.open', { client: 'k2', connect: zk.connectString });
    await kazoo.call('counter.create', { name: 'sum-k1', path });
    await kazoo.call('counter.create', { client: 'k2', name: 'sum-k2', path });

    const perParticipant = 25;
    await Promise.all([
      ...ours.map(async (count) => {
        for (let i = 0; i < perParticipant; i++) await count.increment();
      }),
      curator.call(
        'counter.sharedCount.increments',
        { name: 'sum-shared', count: perParticipant },
        { actor: 'shared', timeoutMs: 60_000 },
      ),
      curator.call(
        'counter.atomicInteger.increments',
        { name: 'sum-int', count: perParticipant },
        { actor: 'int', timeoutMs: 60_000 },
      ),
      kazoo.call(
        'counter.increments',
        { name: 'sum-k1', count: perParticipant },
        { actor: 'k1', timeoutMs: 60_000 },
      ),
      kazoo.call(
        'counter.increments',
        { name: 'sum-k2', count: perParticipant },
        { actor: 'k2', timeoutMs: 60_000 },
      ),
    ]);
    const expected = 6 * perParticipant;
    await clients[0]!.sync(path);
    expect((await clients[0]!.getData(path)).data.readInt32BE(0)).toBe(expected);
    await eventually(() => expect(ours.map((count) => count.count)).toEqual([expected, expected]));
    await eventually(async () =>
      expect(await curator.call('counter.sharedCount.get', { name: 'sum-shared' })).toMatchObject({
        value: expected,
      }),
    );
    await curator.call('counter.sharedCount.close', { name: 'sum-shared' });
    await Promise.all(ours.map((count) => count.close()));
  });
});

describe('DistributedAtomicLong with Curator DistributedAtomicLong', () => {
  it('reads and writes the same 8 bytes, with the same compare-and-set results', async () => {
    // Reads by one client may trail another client's acknowledged write (ZooKeeper reads are not
    // linearizable across sessions), so cross-library reads are retried until they catch up.
    const path = '/interop/along-bytes';
    const client = await zk.connect();
    const ours = new DistributedAtomicLong(client, path);
    await curator.call('counter.atomicLong.create', { name: 'along', path });
    expect(await curator.call('counter.atomicLong.initialize', { name: 'along', value: '258' })).toBe(true);
    expect(await ours.initialize(1)).toBe(false);
    await eventually(async () => expect(await ours.get()).toMatchObject({ postValue: 258n }));
    const big = 2n ** 40n + 258n;
    expect(await ours.add(2n ** 40n)).toMatchObject({ succeeded: true, preValue: 258n, postValue: big });
    await eventually(async () =>
      expect(await curator.call('counter.atomicLong.get', { name: 'along' })).toMatchObject({
        postValue: String(big),
      }),
    );
    expect(
      await curator.call('counter.atomicLong.compareAndSet', { name: 'along', expected: '1', value: '2' }),
    ).toMatchObject({ succeeded: false, preValue: String(big) });
    expect(
      await curator.call('counter.atomicLong.compareAndSet', {
        name: 'along',
        expected: String(big),
        value: '-5',
      }),
    ).toMatchObject({ succeeded: true, postValue: '-5' });
    // Our compareAndSet syncs before reading, so Curator's write is seen at once.
    expect(await ours.compareAndSet(-5, 9_007_199_254_740_993n)).toMatchObject({
      succeeded: true,
      preValue: -5n,
    });
    expect(await curator.call('counter.atomicLong.increment', { name: 'along' })).toMatchObject({
      succeeded: true,
      preValue: '9007199254740993',
      postValue: '9007199254740994',
    });
    await client.sync(path); // Curator's increment went through its own connection
    expect((await client.getData(path)).data.toString('hex')).toBe('0020000000000002');
  });

  it('concurrent increments from both end at the exact sum, every post value handed out once', async () => {
    const path = '/interop/along-sum';
    const clients = await Promise.all([1, 2, 3].map(() => zk.connect()));
    const ours = clients.map(
      (client) => new DistributedAtomicLong(client, path, { retry: { maxAttempts: Infinity } }),
    );
    for (const index of [1, 2, 3]) {
      await curator.call('client.open', { client: `l${index}`, connect: zk.connectString });
      await curator.call('counter.atomicLong.create', { client: `l${index}`, name: `sum-${index}`, path });
    }
    const [fromUs, fromCurator] = await Promise.all([
      Promise.all(
        ours.map(async (counter) => {
          const values: string[] = [];
          for (let i = 0; i < 30; i++) values.push(String((await counter.increment()).postValue));
          return values;
        }),
      ),
      Promise.all(
        [1, 2, 3].map((index) =>
          curator.call<string[]>(
            'counter.atomicLong.increments',
            { name: `sum-${index}`, count: 30 },
            { actor: `l${index}`, timeoutMs: 60_000 },
          ),
        ),
      ),
    ]);
    const all = [...fromUs.flat(), ...fromCurator.flat()];
    expect(all).toHaveLength(180);
    expect(new Set(all).size).toBe(180);
    await clients[0]!.sync(path);
    expect((await ours[0]!.get()).postValue).toBe(180n);
  });
});

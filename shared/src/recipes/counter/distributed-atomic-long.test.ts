import { describe, expect, it } from 'vitest';
import { useZooKeeper } from '../../../test-support/index.ts';
import { DistributedAtomicInteger } from './distributed-atomic-integer.ts';
import { DistributedAtomicLong } from './distributed-atomic-long.ts';

const zk = useZooKeeper('atomic-long');

describe('DistributedAtomicLong', () => {
  it('reads a missing node as 0 and creates it with 8 big-endian bytes on the first update', async () => {
    const client = await zk.connect();
    const counter = new DistributedAtomicLong(client, '/atomic/fresh/counter');
    expect(await counter.get()).toMatchObject({ succeeded: true, preValue: 0n, postValue: 0n, stat: null });
    expect(await counter.add(258)).toMatchObject({
      succeeded: true,
      preValue: 0n,
      postValue: 258n,
      attempts: 1,
    });
    expect((await client.getData('/atomic/fresh/counter')).data.toString('hex')).toBe('0000000000000102');
    // The parent was created as a container, like Curator's creatingParentContainersIfNeeded.
    expect(await client.exists('/atomic/fresh')).not.toBeNull();
  });

  it('increments, decrements, adds and subtracts with Curator’s results', async () => {
    const counter = new DistributedAtomicLong(await zk.connect(), '/atomic/ops');
    expect(await counter.increment()).toMatchObject({ succeeded: true, preValue: 0n, postValue: 1n });
    expect(await counter.increment()).toMatchObject({ preValue: 1n, postValue: 2n });
    expect(await counter.decrement()).toMatchObject({ preValue: 2n, postValue: 1n });
    expect(await counter.add(10n)).toMatchObject({ preValue: 1n, postValue: 11n });
    expect(await counter.subtract(20)).toMatchObject({ preValue: 11n, postValue: -9n });
    const result = await counter.get();
    expect(result.postValue).toBe(-9n);
    expect(result.stat?.version).toBe(4);
  });

  it('compareAndSet succeeds only on the expected value; trySet, forceSet and initialize', async () => {
    const client = await zk.connect();
    const counter = new DistributedAtomicLong(client, '/atomic/cas');
    expect(await counter.initialize(5)).toBe(true);
    expect(await counter.initialize(6)).toBe(false);
    expect(await counter.compareAndSet(4, 100)).toMatchObject({
      succeeded: false,
      preValue: 5n,
      postValue: 5n,
      attempts: 1,
    });
    expect(await counter.compareAndSet(5, 100)).toMatchObject({
      succeeded: true,
      preValue: 5n,
      postValue: 100n,
    });
    expect(await counter.trySet(-1n)).toMatchObject({ succeeded: true, preValue: 100n, postValue: -1n });
    await counter.forceSet(7);
    expect((await counter.get()).postValue).toBe(7n);
    // forceSet creates a missing node too; compareAndSet(0, x) works on a missing node (it reads as 0).
    const other = new DistributedAtomicLong(client, '/atomic/cas-missing');
    expect(await other.compareAndSet(0, 3)).toMatchObject({ succeeded: true, postValue: 3n });
    await client.delete('/atomic/cas-missing');
    await other.forceSet(9n);
    expect((await other.get()).postValue).toBe(9n);
  });

  it('wraps around like a Java long', async () => {
    const counter = new DistributedAtomicLong(await zk.connect(), '/atomic/wrap');
    await counter.forceSet((1n << 63n) - 1n);
    expect(await counter.increment()).toMatchObject({ postValue: -(1n << 63n) });
  });

  it('loses no update under contention: 6 clients × 15 increments', async () => {
    const clients = await Promise.all(Array.from({ length: 6 }, () => zk.connect()));
    const counters = clients.map(
      (client) =>
        new DistributedAtomicLong(client, '/atomic/contended', { retry: { maxAttempts: Infinity } }),
    );
    const postValues: bigint[] = [];
    await Promise.all(
      counters.map(async (counter) => {
        for (let i = 0; i < 15; i++) {
          const result = await counter.increment();
          expect(result.succeeded).toBe(true);
          postValues.push(result.postValue);
        }
      }),
    );
    // Every increment saw its own post value: no two callers were handed the same number.
    expect(new Set(postValues).size).toBe(90);
    // The clients are spread over the servers: read after a sync, or a follower may still be behind.
    await clients[0]!.sync('/atomic/contended');
    expect((await counters[0]!.get()).postValue).toBe(90n);
  });

  it('reports succeeded: false when a bounded retry policy runs out, and then writes nothing', async () => {
    const clients = await Promise.all(Array.from({ length: 6 }, () => zk.connect()));
    const counters = clients.map(
      (client) =>
        new DistributedAtomicLong(client, '/atomic/bounded', { retry: { maxAttempts: 1, baseSleepMs: 0 } }),
    );
    let succeeded = 0;
    let failed = 0;
    await Promise.all(
      counters.map(async (counter) => {
        for (let i = 0; i < 15; i++) {
          const result = await counter.increment();
          if (result.succeeded) succeeded++;
          else {
            failed++;
            expect(result.postValue).toBe(result.preValue);
          }
        }
      }),
    );
    expect(succeeded + failed).toBe(90);
    await clients[0]!.sync('/atomic/bounded');
    expect((await counters[0]!.get()).postValue).toBe(BigInt(succeeded));
  });

  it('refuses data of the wrong length as CORRUPT_DATA, naming the bytes', async () => {
    const client = await zk.connect();
    await client.create('/atomic/corrupt', Buffer.from([1, 2, 3]));
    const counter = new DistributedAtomicLong(client, '/atomic/corrupt');
    await expect(counter.increment()).rejects.toMatchObject({
      code: 'CORRUPT_DATA',
      message: expect.stringMatching(/expected 8 bytes \(or none\), found 3: 010203/) as unknown,
    });
    await client.setData('/atomic/corrupt', '');
    expect(await counter.increment()).toMatchObject({ preValue: 0n, postValue: 1n });
  });

  it('rejects bad input clearly', async () => {
    const client = await zk.connect();
    expect(() => new DistributedAtomicLong(client, '/a//b')).toThrow(/invalid path/);
    expect(() => new DistributedAtomicLong(client, '/a', { retry: { maxAttempts: 0 } })).toThrow(
      /maxAttempts/,
    );
    expect(() => new DistributedAtomicLong(client, '/a', { retry: { baseSleepMs: -1 } })).toThrow(
      /baseSleepMs/,
    );
    const counter = new DistributedAtomicLong(client, '/atomic/bad');
    await expect(counter.add(1.5)).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(counter.add(Number.MAX_SAFE_INTEGER + 2)).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(counter.add('1' as never)).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(counter.forceSet(1n << 63n)).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(counter.increment({ timeoutMs: -5 })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    expect(await client.exists('/atomic/bad')).toBeNull();
  });
});

describe('DistributedAtomicInteger', () => {
  it('stores 4 big-endian bytes and wraps like a Java int', async () => {
    const client = await zk.connect();
    const counter = new DistributedAtomicInteger(client, '/atomic/int');
    expect(await counter.subtract(2)).toMatchObject({ succeeded: true, preValue: 0, postValue: -2 });
    expect((await client.getData('/atomic/int')).data.toString('hex')).toBe('fffffffe');
    await counter.forceSet(2 ** 31 - 1);
    expect(await counter.increment()).toMatchObject({ postValue: -(2 ** 31) });
    await expect(counter.add(2 ** 31)).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
  });
});

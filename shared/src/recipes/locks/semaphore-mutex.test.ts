import { describe, expect, it } from 'vitest';
import { eventually, useZooKeeper } from '../../../test-support/index.ts';
import { SemaphoreMutex } from './semaphore-mutex.ts';

const zk = useZooKeeper('semaphore-mutex');

describe('SemaphoreMutex', () => {
  it('holds one lease node of a one-lease semaphore and excludes every other holder', async () => {
    const [client, other] = await Promise.all([zk.connect(), zk.connect()]);
    const mutex = new SemaphoreMutex(client, '/semmutex/basic', { id: 'one' });
    const lease = await mutex.acquire();
    expect(lease.path).toMatch(/^\/semmutex\/basic\/leases\/_c_[0-9a-f-]{36}-lease-\d{10}$/);
    expect(mutex.isHeld).toBe(true);
    expect(await mutex.participants()).toEqual(['one']);
    const rival = new SemaphoreMutex(other, '/semmutex/basic');
    expect(await rival.tryAcquire()).toBeNull();
    const waiting = rival.acquire();
    await mutex.release();
    expect(mutex.isHeld).toBe(false);
    const rivalLease = await waiting;
    expect(rivalLease.fencingToken).toBeGreaterThan(lease.fencingToken);
    expect(rival.isHeld).toBe(true);
    await rivalLease.release();
    expect(rival.isHeld).toBe(false);
  });

  it('is not re-entrant: a second acquire from the same object waits for the first hold to end', async () => {
    const client = await zk.connect();
    const mutex = new SemaphoreMutex(client, '/semmutex/not-reentrant');
    const first = await mutex.acquire();
    await expect(mutex.acquire({ timeoutMs: 300 })).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(first.isHeld).toBe(true);
    const second = mutex.acquire({ timeoutMs: 10_000 });
    await eventually(async () =>
      expect((await client.getChildren('/semmutex/not-reentrant/leases')).children).toHaveLength(2),
    );
    await first.release();
    const secondLease = await second;
    expect(secondLease).not.toBe(first);
    expect(mutex.isHeld).toBe(true);
    await mutex.release();
    await expect(mutex.release()).rejects.toMatchObject({ code: 'NOT_HELD' });
  });

  it('never lets concurrent tasks sharing one object overlap', async () => {
    const client = await zk.connect();
    const mutex = new SemaphoreMutex(client, '/semmutex/shared-tasks');
    let step = 0;
    const intervals: { enter: number; exit: number }[] = [];
    await Promise.all(
      [0, 1, 2].map(async () => {
        for (let round = 0; round < 3; round++) {
          const lease = await mutex.acquire({ timeoutMs: 20_000 });
          const enter = step++;
          await client.exists('/semmutex/shared-tasks', { signal: lease.signal });
          intervals.push({ enter, exit: step++ });
          await lease.release();
        }
      }),
    );
    const ordered = intervals.sort((x, y) => x.enter - y.enter);
    expect(ordered).toHaveLength(9);
    for (let index = 1; index < ordered.length; index++) {
      expect(ordered[index]!.enter).toBeGreaterThan(ordered[index - 1]!.exit);
    }
  });

  it('rejects bad input clearly', async () => {
    const client = await zk.connect();
    expect(() => new SemaphoreMutex(client, 'nope')).toThrow(/invalid path/);
    expect(() => new SemaphoreMutex(client, '/x', { connectionPolicy: 'eventually' as never })).toThrow(
      /connectionPolicy/,
    );
    const mutex = new SemaphoreMutex(client, '/semmutex/bad');
    await expect(mutex.release()).rejects.toMatchObject({ code: 'NOT_HELD' });
    await expect(mutex.acquire({ timeoutMs: -1 })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    const lease = await mutex.acquire();
    await lease.release();
    await expect(lease.release()).rejects.toMatchObject({ code: 'NOT_HELD' });
  });
});

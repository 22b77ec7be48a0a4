import { describe, expect, it } from 'vitest';
import type { WatchedEvent } from '../../client/index.ts';
import { eventually, useZooKeeper } from '../../../test-support/index.ts';
import { RecipeError } from '../core/errors.ts';
import { Mutex } from './mutex.ts';

const zk = useZooKeeper('mutex');

describe('Mutex', () => {
  it('creates a Curator-style protected node, holds it, and deletes it on release', async () => {
    const client = await zk.connect();
    const mutex = new Mutex(client, '/locks/basic', { id: 'worker-1' });
    const lease = await mutex.acquire();
    expect(lease.isHeld).toBe(true);
    expect(lease.path).toMatch(/^\/locks\/basic\/_c_[0-9a-f-]{36}-lock-\d{10}$/);
    expect(lease.fencingToken).toBeGreaterThan(0n);
    expect(lease.sessionId).toBe(client.sessionId);
    expect((await client.getData(lease.path)).data.toString()).toBe('worker-1');
    expect(await mutex.participants()).toEqual(['worker-1']);
    await lease.release();
    expect(lease.isHeld).toBe(false);
    expect(lease.endReason).toBe('released');
    expect(await client.exists(lease.path)).toBeNull();
  });

  it('two tasks sharing one Mutex take turns: the second waits for the first, then holds alone', async () => {
    const client = await zk.connect();
    const mutex = new Mutex(client, '/locks/shared-object');
    const first = await mutex.acquire();
    let secondSettled = false;
    const second = mutex.acquire().finally(() => (secondSettled = true));
    // Real round trips give the second acquire every chance to settle; a re-entrant shortcut would
    // have resolved it within a microtask.
    for (let trip = 0; trip < 5; trip++) await client.exists('/locks/shared-object');
    expect(secondSettled).toBe(false);
    expect(await mutex.contenderNodes()).toHaveLength(1); // the waiting task has no node yet
    expect(await mutex.tryAcquire()).toBeNull();
    await first.release();
    const secondLease = await second;
    expect(secondLease).not.toBe(first);
    expect(secondLease.isHeld).toBe(true);
    expect(secondLease.fencingToken).toBeGreaterThan(first.fencingToken);
    await secondLease.release();
  });

  it('never lets concurrent tasks on one object overlap, and serves them in call order', async () => {
    const client = await zk.connect();
    await client.create('/shared-counter', '0');
    const mutex = new Mutex(client, '/locks/shared-tasks');
    let step = 0;
    const intervals: { task: number; enter: number; exit: number }[] = [];
    const grants: number[] = [];
    await Promise.all(
      [0, 1, 2, 3].map(async (task) => {
        for (let round = 0; round < 5; round++) {
          const lease = await mutex.acquire({ timeoutMs: 20_000 });
          grants.push(task);
          const enter = step++;
          // A read-modify-write with round trips in between: overlapping holders would lose updates.
          const value = Number(
            (await client.getData('/shared-counter', { signal: lease.signal })).data.toString(),
          );
          await client.setData('/shared-counter', String(value + 1), { signal: lease.signal });
          intervals.push({ task, enter, exit: step++ });
          await lease.release();
        }
      }),
    );
    expect(intervals).toHaveLength(20);
    const ordered = [...intervals].sort((x, y) => x.enter - y.enter);
    for (let index = 1; index < ordered.length; index++) {
      expect(ordered[index]!.enter).toBeGreaterThan(ordered[index - 1]!.exit);
    }
    expect((await client.getData('/shared-counter')).data.toString()).toBe('20');
    // All four asked at once; each release hands over to the longest waiter: round robin.
    expect(grants.slice(0, 8)).toEqual([0, 1, 2, 3, 0, 1, 2, 3]);
  });

  it('re-enters only with the proof of holding: the same lease, counted; the node goes with the last release', async () => {
    const client = await zk.connect();
    const mutex = new Mutex(client, '/locks/reentrant');
    const outer = await mutex.acquire();
    const inner = await mutex.acquire({ reentrantFrom: outer });
    expect(inner).toBe(outer);
    expect(await mutex.tryAcquire({ reentrantFrom: outer })).toBe(outer);
    let otherSettled = false;
    const other = mutex.acquire().finally(() => (otherSettled = true));
    await mutex.release();
    await outer.release();
    expect(mutex.isHeld).toBe(true);
    expect(await client.exists(outer.path)).not.toBeNull();
    expect(otherSettled).toBe(false);
    await outer.release();
    expect(outer.isHeld).toBe(false);
    expect(await client.exists(outer.path)).toBeNull();
    const otherLease = await other;
    expect(otherLease).not.toBe(outer);
    // An ended lease, or a lease of another lock, proves nothing.
    await expect(mutex.acquire({ reentrantFrom: outer })).rejects.toMatchObject({ code: 'NOT_HELD' });
    const foreign = await new Mutex(client, '/locks/reentrant-other').acquire();
    await expect(mutex.acquire({ reentrantFrom: foreign })).rejects.toMatchObject({ code: 'NOT_HELD' });
    await foreign.release();
    await otherLease.release();
    await expect(mutex.release()).rejects.toMatchObject({ code: 'NOT_HELD' });
    await expect(outer.release()).rejects.toMatchObject({ code: 'NOT_HELD' });
  });

  it('a caller waiting behind another caller of the same object honours its timeout and its signal', async () => {
    const client = await zk.connect();
    const mutex = new Mutex(client, '/locks/shared-waits');
    const holder = await mutex.acquire();
    const started = Date.now();
    const timedOut = await mutex.acquire({ timeoutMs: 300 }).catch((e: unknown) => e);
    expect(timedOut).toBeInstanceOf(RecipeError);
    expect(timedOut).toMatchObject({ code: 'TIMEOUT', path: '/locks/shared-waits' });
    expect(Date.now() - started).toBeLessThan(2000);

    const controller = new AbortController();
    const aborted = mutex.acquire({ signal: controller.signal });
    const behind = mutex.acquire({ timeoutMs: 20_000 });
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ code: 'ABORTED' });
    await expect(mutex.acquire({ signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'ABORTED' });
    expect(await mutex.contenderNodes()).toHaveLength(1);
    // The callers that gave up left the line: the one behind them is next.
    await holder.release();
    const next = await behind;
    expect(next.isHeld).toBe(true);
    await next.release();
    expect(mutex.isHeld).toBe(false);
  });

  it('excludes other holders, hands over in arrival order, and fencing tokens grow', async () => {
    const clients = await Promise.all([1, 2, 3, 4].map(() => zk.connect()));
    const mutexes = clients.map((client) => new Mutex(client, '/locks/fifo'));
    const first = await mutexes[0]!.acquire();
    const order: number[] = [];
    const tokens: bigint[] = [first.fencingToken];
    const waiting: Promise<void>[] = [];
    for (const index of [1, 2, 3]) {
      waiting.push(
        mutexes[index]!.acquire().then(async (lease) => {
          order.push(index);
          tokens.push(lease.fencingToken);
          await lease.release();
        }),
      );
      // Queue strictly one after another: wait until this waiter's node exists.
      await eventually(async () => expect(await mutexes[0]!.contenderNodes()).toHaveLength(index + 1));
    }
    expect(await new Mutex(clients[1]!, '/locks/fifo').tryAcquire()).toBeNull();
    await first.release();
    await Promise.all(waiting);
    expect(order).toEqual([1, 2, 3]);
    expect([...tokens].sort((a, b) => (a < b ? -1 : 1))).toEqual(tokens);
  });

  it('keeps mutual exclusion among many concurrent contenders (no lost updates)', async () => {
    const clients = await Promise.all(Array.from({ length: 6 }, () => zk.connect()));
    await clients[0]!.create('/counter', '0');
    let inside = 0;
    let maxInside = 0;
    await Promise.all(
      clients.map(async (client) => {
        const mutex = new Mutex(client, '/locks/counter');
        for (let round = 0; round < 10; round++) {
          const lease = await mutex.acquire();
          inside++;
          maxInside = Math.max(maxInside, inside);
          const value = Number((await client.getData('/counter', { signal: lease.signal })).data.toString());
          await client.setData('/counter', String(value + 1), { signal: lease.signal });
          inside--;
          await lease.release();
        }
      }),
    );
    expect(maxInside).toBe(1);
    await clients[0]!.sync('/counter'); // the last increments went through other clients
    expect((await clients[0]!.getData('/counter')).data.toString()).toBe('60');
  });

  it('wakes exactly one waiter per release: 20 waiters, one notification each hand-over', async () => {
    const holderClient = await zk.connect();
    const waiters = await Promise.all(Array.from({ length: 20 }, () => zk.connect()));
    const notifications: WatchedEvent[] = [];
    for (const client of waiters) client.on('notification', (event) => notifications.push(event));
    const holder = await new Mutex(holderClient, '/locks/herd').acquire();
    const acquired: (() => Promise<void>)[] = [];
    const done = waiters.map((client) =>
      new Mutex(client, '/locks/herd').acquire().then((lease) => {
        acquired.push(() => lease.release());
      }),
    );
    for (const pending of done) pending.catch(() => {}); // reported by the await at the end
    await eventually(async () =>
      expect(await new Mutex(holderClient, '/locks/herd').contenderNodes()).toHaveLength(21),
    );
    // Every waiter has looked at the line and set its one watch: a release before that would let a
    // waiter find its predecessor gone without being notified.
    await eventually(() => expect(waiters.every((client) => client.watchCount === 1)).toBe(true));
    expect(notifications).toHaveLength(0);
    await holder.release();
    for (let handOver = 1; handOver <= 20; handOver++) {
      await eventually(() => expect(acquired).toHaveLength(handOver));
      expect(notifications).toHaveLength(handOver);
      expect(notifications.at(-1)?.type).toBe('deleted');
      await acquired[handOver - 1]!();
    }
    await Promise.all(done);
  });

  it('times out with a RecipeError and leaves no node behind', async () => {
    const client = await zk.connect();
    const other = await zk.connect();
    const held = await new Mutex(client, '/locks/timeout').acquire();
    const mutex = new Mutex(other, '/locks/timeout');
    const started = Date.now();
    const error = await mutex.acquire({ timeoutMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecipeError);
    expect(error).toMatchObject({ code: 'TIMEOUT', path: '/locks/timeout' });
    expect(Date.now() - started).toBeLessThan(2000);
    await eventually(async () => expect(await mutex.contenderNodes()).toHaveLength(1));
    await held.release();
    expect(mutex.isHeld).toBe(false);
  });

  it('an AbortSignal cancels a waiting acquire', async () => {
    const client = await zk.connect();
    const other = await zk.connect();
    const held = await new Mutex(client, '/locks/abort').acquire();
    const controller = new AbortController();
    const pending = new Mutex(other, '/locks/abort').acquire({ signal: controller.signal });
    await eventually(async () => expect((await client.getChildren('/locks/abort')).children).toHaveLength(2));
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
    await eventually(async () => expect((await client.getChildren('/locks/abort')).children).toHaveLength(1));
    await held.release();
  });

  it('treats a Kazoo-named lock node as a contender, ignores foreign children', async () => {
    const client = await zk.connect();
    await client.create('/locks/mixed', '', { mode: 'container' }).catch(() => {});
    const kazooNode = await client.create('/locks/mixed/0123456789abcdef0123456789abcdef__lock__', 'kazoo', {
      mode: 'ephemeralSequential',
    });
    await client.create('/locks/mixed/not-a-contender', 'x', { mode: 'ephemeral' });
    const mutex = new Mutex(await zk.connect(), '/locks/mixed');
    expect(await mutex.tryAcquire()).toBeNull();
    const pending = mutex.acquire();
    await client.delete(kazooNode);
    const lease = await pending;
    expect(lease.isHeld).toBe(true);
    await lease.release();
  });

  it('rejects bad input clearly', async () => {
    const client = await zk.connect();
    expect(() => new Mutex(client, 'no-slash')).toThrow(/invalid path/);
    expect(() => new Mutex(client, '/x', { connectionPolicy: 'never' as never })).toThrow(/connectionPolicy/);
    await expect(new Mutex(client, '/locks/bad').acquire({ timeoutMs: -1 })).rejects.toMatchObject({
      code: 'BAD_ARGUMENT',
    });
  });

  it('the lock directory is a container: the server removes it once unused', async () => {
    const client = await zk.connect();
    const lease = await new Mutex(client, '/locks/ephemeral-dir').acquire();
    await lease.release();
    await eventually(async () => expect(await client.exists('/locks/ephemeral-dir')).toBeNull(), {
      timeoutMs: 15_000,
    });
  });
});

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

  it('is re-entrant per Mutex object: the node goes with the last release', async () => {
    const client = await zk.connect();
    const mutex = new Mutex(client, '/locks/reentrant');
    const outer = await mutex.acquire();
    const inner = await mutex.acquire();
    expect(inner).toBe(outer);
    await mutex.release();
    expect(mutex.isHeld).toBe(true);
    expect(await client.exists(outer.path)).not.toBeNull();
    await mutex.release();
    expect(mutex.isHeld).toBe(false);
    expect(await client.exists(outer.path)).toBeNull();
    await expect(mutex.release()).rejects.toMatchObject({ code: 'NOT_HELD' });
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

import { describe, expect, it } from 'vitest';
import type { WatchedEvent, ZooKeeperClient } from '../../client/index.ts';
import { expireSession } from '../../ensemble/index.ts';
import { eventually, useZooKeeper } from '../../../test-support/index.ts';
import { RecipeError } from '../core/errors.ts';
import { ReadWriteLock } from './read-write-lock.ts';

const zk = useZooKeeper('read-write-lock');

/** Whether `pending` is still unsettled once the event loop has had a good chance to run it. */
async function stillPending(pending: Promise<unknown>, ms = 300): Promise<boolean> {
  const marker = Symbol('pending');
  const winner = await Promise.race([
    pending,
    new Promise((resolve) => setTimeout(() => resolve(marker), ms)),
  ]);
  return winner === marker;
}

async function locks(
  count: number,
  path: string,
): Promise<{ clients: ZooKeeperClient[]; locks: ReadWriteLock[] }> {
  const clients = await Promise.all(Array.from({ length: count }, () => zk.connect()));
  return {
    clients,
    locks: clients.map((client, index) => new ReadWriteLock(client, path, { id: `rw-${index}` })),
  };
}

describe('ReadWriteLock', () => {
  it('creates Curator-named protected nodes and deletes them on release', async () => {
    const {
      clients,
      locks: [reader, writer],
    } = await locks(2, '/rw/layout');
    const reading = await reader!.readLock.acquire();
    expect(reading.path).toMatch(/^\/rw\/layout\/_c_[0-9a-f-]{36}-__READ__\d{10}$/);
    expect((await clients[0]!.getData(reading.path)).data.toString()).toBe('rw-0');
    expect(reading.fencingToken).toBeGreaterThan(0n);
    const waiting = writer!.writeLock.acquire();
    await eventually(async () => expect(await reader!.contenderNodes()).toHaveLength(2));
    expect(await reader!.participants()).toEqual([
      { kind: 'read', id: 'rw-0' },
      { kind: 'write', id: 'rw-1' },
    ]);
    await reading.release();
    expect(await clients[0]!.exists(reading.path)).toBeNull();
    const writing = await waiting;
    expect(writing.path).toMatch(/^\/rw\/layout\/_c_[0-9a-f-]{36}-__WRIT__\d{10}$/);
    expect(writing.fencingToken).toBeGreaterThan(reading.fencingToken);
    await writing.release();
    await clients[0]!.sync('/rw/layout'); // released through the writer's client
    expect(await reader!.contenderNodes()).toEqual([]);
  });

  it('readers share the lock; a writer excludes readers and writers', async () => {
    const {
      locks: [a, b, c],
    } = await locks(3, '/rw/share');
    const readA = await a!.readLock.acquire();
    const readB = await b!.readLock.acquire({ timeoutMs: 2000 });
    expect(readA.isHeld && readB.isHeld).toBe(true);
    expect(await c!.writeLock.tryAcquire()).toBeNull();
    await readA.release();
    await readB.release();

    const writing = await c!.writeLock.acquire();
    expect(await a!.readLock.tryAcquire()).toBeNull();
    expect(await b!.writeLock.tryAcquire()).toBeNull();
    await writing.release();
    const readAgain = await a!.readLock.tryAcquire();
    expect(readAgain?.isHeld).toBe(true);
    await readAgain!.release();
  });

  it('is fair: a queued writer holds back readers that arrive after it', async () => {
    const {
      locks: [first, writer, late],
    } = await locks(3, '/rw/fair');
    const firstRead = await first!.readLock.acquire();
    const order: string[] = [];
    const writing = writer!.writeLock.acquire().then((lease) => {
      order.push('writer');
      return lease;
    });
    await eventually(async () => expect(await first!.contenderNodes()).toHaveLength(2));
    const lateRead = late!.readLock.acquire().then((lease) => {
      order.push('late reader');
      return lease;
    });
    await eventually(async () => expect(await first!.contenderNodes()).toHaveLength(3));
    expect(await stillPending(lateRead)).toBe(true);
    await firstRead.release();
    const writeLease = await writing;
    expect(await stillPending(lateRead)).toBe(true);
    await writeLease.release();
    await (await lateRead).release();
    expect(order).toEqual(['writer', 'late reader']);
  });

  it('a reader waits only for writers before it, never for one queued after it (no Kazoo 2.8 deadlock)', async () => {
    const {
      locks: [firstWriter, reader, laterWriter],
    } = await locks(3, '/rw/lower-only');
    const firstWrite = await firstWriter!.writeLock.acquire();
    const reading = reader!.readLock.acquire();
    await eventually(async () => expect(await reader!.contenderNodes()).toHaveLength(2));
    const laterWrite = laterWriter!.writeLock.acquire();
    await eventually(async () => expect(await reader!.contenderNodes()).toHaveLength(3));
    await firstWrite.release();
    const readLease = await reading;
    expect(readLease.isHeld).toBe(true);
    expect(await stillPending(laterWrite)).toBe(true);
    await readLease.release();
    await (await laterWrite).release();
  });

  it('re-enters per side only with the proof of holding; a release too many is refused', async () => {
    const {
      clients,
      locks: [lock],
    } = await locks(1, '/rw/reentrant');
    const outer = await lock!.writeLock.acquire();
    expect(await lock!.writeLock.acquire({ reentrantFrom: outer })).toBe(outer);
    await lock!.writeLock.release();
    expect(lock!.writeLock.isHeld).toBe(true);
    await outer.release();
    expect(lock!.writeLock.isHeld).toBe(false);
    expect(await clients[0]!.exists(outer.path)).toBeNull();
    await expect(lock!.writeLock.release()).rejects.toMatchObject({ code: 'NOT_HELD' });
    await expect(lock!.writeLock.acquire({ reentrantFrom: outer })).rejects.toMatchObject({
      code: 'NOT_HELD',
    });

    const read = await lock!.readLock.acquire();
    expect(await lock!.readLock.tryAcquire({ reentrantFrom: read })).toBe(read);
    await read.release();
    await read.release();
    await expect(read.release()).rejects.toMatchObject({ code: 'NOT_HELD' });
  });

  it('two tasks sharing one object: a write waits for the other task, reads share, writes overlap nothing', async () => {
    const client = await zk.connect();
    const lock = new ReadWriteLock(client, '/rw/shared-object');
    const writing = await lock.writeLock.acquire();
    const settled = { read: false, write: false };
    const otherRead = lock.readLock.acquire().finally(() => (settled.read = true));
    const otherWrite = lock.writeLock.acquire().finally(() => (settled.write = true));
    for (const pending of [otherRead, otherWrite]) pending.catch(() => {}); // reported by the awaits below
    await eventually(async () => expect(await lock.contenderNodes()).toHaveLength(3));
    for (let trip = 0; trip < 5; trip++) await client.exists('/rw/shared-object');
    expect(settled).toEqual({ read: false, write: false });
    await writing.release();
    const read = await otherRead;
    expect(await stillPending(otherWrite)).toBe(true);
    await read.release();
    await (await otherWrite).release();

    // Two callers' reads on one object are two holds: a side-level release cannot tell whose.
    const firstRead = await lock.readLock.acquire();
    const secondRead = await lock.readLock.acquire({ timeoutMs: 5000 });
    expect(secondRead).not.toBe(firstRead);
    await expect(lock.readLock.release()).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await firstRead.release();
    await secondRead.release();

    let step = 0;
    const intervals: { kind: 'read' | 'write'; enter: number; exit: number }[] = [];
    await Promise.all(
      (['write', 'read', 'write', 'read'] as const).map(async (kind) => {
        for (let round = 0; round < 4; round++) {
          const lease = await lock[kind === 'read' ? 'readLock' : 'writeLock'].acquire({ timeoutMs: 20_000 });
          const enter = step++;
          await client.exists('/rw/shared-object', { signal: lease.signal });
          await client.exists('/rw/shared-object', { signal: lease.signal });
          intervals.push({ kind, enter, exit: step++ });
          await lease.release();
        }
      }),
    );
    expect(intervals).toHaveLength(16);
    for (const write of intervals.filter((interval) => interval.kind === 'write')) {
      for (const other of intervals) {
        if (other === write) continue;
        expect(other.exit < write.enter || other.enter > write.exit).toBe(true);
      }
    }
  });

  it('downgrades with the write lease as proof: granted at once, and a queued writer waits for that reader too', async () => {
    const {
      locks: [lock, queued, otherReader],
    } = await locks(3, '/rw/downgrade');
    const write = await lock!.writeLock.acquire();
    const queuedWrite = queued!.writeLock.acquire();
    await eventually(async () => expect(await lock!.contenderNodes()).toHaveLength(2));
    const read = await lock!.readLock.acquire({ timeoutMs: 1000, reentrantFrom: write });
    // Curator 5.5+ layout: the read node carries the writer's sequence, so it sorts at its place.
    expect(read.path.slice(-10)).toBe(write.path.slice(-10));
    expect(read.path).toMatch(/_c_[0-9a-f-]{36}-__READ__\d{10}$/);
    await write.release();
    expect(lock!.readLock.isHeld).toBe(true);
    expect(await stillPending(queuedWrite)).toBe(true);
    // Readers that queued behind the writer still wait for it.
    expect(await otherReader!.readLock.tryAcquire()).toBeNull();
    await read.release();
    const queuedLease = await queuedWrite;
    expect(queuedLease.isHeld).toBe(true);
    await queuedLease.release();
  });

  it('refuses to upgrade a held read lock to the write lock (it would deadlock); without proof it waits like another task', async () => {
    const {
      locks: [lock],
    } = await locks(1, '/rw/upgrade');
    const read = await lock!.readLock.acquire();
    const error = await lock!.writeLock
      .acquire({ timeoutMs: 1000, reentrantFrom: read })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecipeError);
    expect(error).toMatchObject({ code: 'BAD_ARGUMENT', path: '/rw/upgrade' });
    expect((error as Error).message).toMatch(/upgrade/);
    expect(read.isHeld).toBe(true);
    expect(await lock!.contenderNodes()).toHaveLength(1);
    await expect(lock!.writeLock.acquire({ timeoutMs: 300 })).rejects.toMatchObject({ code: 'TIMEOUT' });
    await eventually(async () => expect(await lock!.contenderNodes()).toHaveLength(1));
    await read.release();
    const write = await lock!.writeLock.acquire({ timeoutMs: 1000 });
    await write.release();
  });

  it('times out or aborts with a RecipeError and leaves no node behind', async () => {
    const {
      locks: [holder, reader, writer],
    } = await locks(3, '/rw/timeout');
    const write = await holder!.writeLock.acquire();
    await expect(reader!.readLock.acquire({ timeoutMs: 200 })).rejects.toMatchObject({ code: 'TIMEOUT' });
    const controller = new AbortController();
    const aborted = writer!.writeLock.acquire({ signal: controller.signal });
    await eventually(async () => expect(await holder!.contenderNodes()).toHaveLength(2));
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ code: 'ABORTED' });
    await eventually(async () => expect(await holder!.contenderNodes()).toHaveLength(1));
    await write.release();
  });

  it('wakes one waiting writer per release: 10 writers, one notification per hand-over', async () => {
    const holderClient = await zk.connect();
    const waiters = await Promise.all(Array.from({ length: 10 }, () => zk.connect()));
    const notifications: WatchedEvent[] = [];
    for (const client of waiters) client.on('notification', (event) => notifications.push(event));
    const holder = await new ReadWriteLock(holderClient, '/rw/herd').writeLock.acquire();
    const releases: (() => Promise<void>)[] = [];
    const done = waiters.map((client) =>
      new ReadWriteLock(client, '/rw/herd').writeLock.acquire().then((lease) => {
        releases.push(() => lease.release());
      }),
    );
    for (const pending of done) pending.catch(() => {}); // reported by the await at the end
    await eventually(async () =>
      expect(await new ReadWriteLock(holderClient, '/rw/herd').contenderNodes()).toHaveLength(11),
    );
    // Every waiter has set its one watch: released earlier, a waiter would find its predecessor gone
    // without a notification.
    await eventually(() => expect(waiters.every((client) => client.watchCount === 1)).toBe(true));
    expect(notifications).toHaveLength(0);
    await holder.release();
    for (let handOver = 1; handOver <= 10; handOver++) {
      await eventually(() => expect(releases).toHaveLength(handOver));
      expect(notifications).toHaveLength(handOver);
      await releases[handOver - 1]!();
    }
    await Promise.all(done);
  });

  it('connection policy: a dropped connection ends the lease ("suspended"), unless the policy is "lost"', async () => {
    const [strictClient, lenientClient, other] = await Promise.all([
      zk.connect(),
      zk.connect(),
      zk.connect(),
    ]);
    const strict = await new ReadWriteLock(strictClient, '/rw/policy').readLock.acquire();
    const lenient = await new ReadWriteLock(lenientClient, '/rw/policy', {
      connectionPolicy: 'lost',
    }).readLock.acquire();
    strictClient.dropConnection();
    lenientClient.dropConnection();
    await eventually(() => expect(strict.endReason).toBe('suspended'));
    await strictClient.waitForConnected();
    await lenientClient.waitForConnected();
    // The strict holder's node is deleted once it is back; the lenient one still holds.
    await eventually(async () => expect(await strictClient.exists(strict.path)).toBeNull());
    expect(lenient.isHeld).toBe(true);
    await other.sync(lenient.path);
    expect(await other.exists(lenient.path)).not.toBeNull();

    // An expired session ends even the lenient lease, and a waiting writer gets the lock.
    const waitingWriter = new ReadWriteLock(other, '/rw/policy').writeLock.acquire({ timeoutMs: 15_000 });
    await eventually(async () => expect((await other.getChildren('/rw/policy')).children).toHaveLength(2));
    await expireSession(zk.ensembleConnectString, {
      sessionId: lenientClient.sessionId,
      sessionPassword: lenientClient.sessionPassword,
    });
    await eventually(() => expect(lenient.endReason).toBe('lost'));
    const write = await waitingWriter;
    expect(write.isHeld).toBe(true);
    await write.release();
  });

  it('rejects bad input clearly', async () => {
    const client = await zk.connect();
    expect(() => new ReadWriteLock(client, 'relative/path')).toThrow(/invalid path/);
    expect(() => new ReadWriteLock(client, '/trailing/')).toThrow(/invalid path/);
    expect(() => new ReadWriteLock(client, '/x', { connectionPolicy: 'sometimes' as never })).toThrow(
      /connectionPolicy/,
    );
    const lock = new ReadWriteLock(client, '/rw/bad');
    await expect(lock.readLock.acquire({ timeoutMs: -5 })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(lock.writeLock.acquire({ timeoutMs: Number.NaN })).rejects.toMatchObject({
      code: 'BAD_ARGUMENT',
    });
    await expect(lock.readLock.release()).rejects.toMatchObject({ code: 'NOT_HELD' });
  });
});

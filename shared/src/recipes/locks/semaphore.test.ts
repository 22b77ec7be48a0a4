import { describe, expect, it } from 'vitest';
import type { WatchedEvent } from '../../client/index.ts';
import { expireSession } from '../../ensemble/index.ts';
import { childrenOrNone, eventually, useZooKeeper } from '../../../test-support/index.ts';
import type { Lease } from '../core/lease.ts';
import { Semaphore } from './semaphore.ts';

const zk = useZooKeeper('semaphore');

/** Whether `pending` is still unsettled once the event loop has had a good chance to run it. */
async function stillPending(pending: Promise<unknown>, ms = 300): Promise<boolean> {
  const marker = Symbol('pending');
  const winner = await Promise.race([
    pending,
    new Promise((resolve) => setTimeout(() => resolve(marker), ms)),
  ]);
  return winner === marker;
}

function int32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeInt32BE(value);
  return bytes;
}

describe('Semaphore', () => {
  it('creates Curator SemaphoreV2 lease nodes, with the node czxid as fencing token', async () => {
    const client = await zk.connect();
    const semaphore = new Semaphore(client, '/sem/layout', 2, { id: 'worker-1' });
    const lease = await semaphore.acquire();
    expect(lease.path).toMatch(/^\/sem\/layout\/leases\/_c_[0-9a-f-]{36}-lease-\d{10}$/);
    const { data, stat } = await client.getData(lease.path);
    expect(data.toString()).toBe('worker-1');
    expect(stat.ephemeralOwner).toBe(client.sessionId);
    expect(lease.fencingToken).toBe(stat.czxid);
    expect(await semaphore.participants()).toEqual(['worker-1']);
    // The gate is let go once the lease is granted.
    await eventually(async () => expect(await childrenOrNone(client, '/sem/layout/locks')).toEqual([]));
    await lease.release();
    expect(lease.endReason).toBe('released');
    expect(await client.exists(lease.path)).toBeNull();
  });

  it('hands out at most maxLeases leases; a waiter gets one when a holder releases', async () => {
    const clients = await Promise.all([1, 2, 3].map(() => zk.connect()));
    const [a, b, c] = clients.map(
      (client, index) => new Semaphore(client, '/sem/max', 2, { id: `s${index}` }),
    );
    const leaseA = await a!.acquire();
    const leaseB = await b!.acquire();
    expect(await c!.tryAcquire()).toBeNull();
    const waiting = c!.acquire();
    expect(await stillPending(waiting)).toBe(true);
    // Written through b and c, read through a (maybe another server): wait for it to catch up.
    await eventually(async () => expect(await a!.participants()).toEqual(['s0', 's1', 's2']));
    await leaseA.release();
    const leaseC = await waiting;
    expect(leaseC.fencingToken).toBeGreaterThan(leaseB.fencingToken);
    await Promise.all([leaseB.release(), leaseC.release()]);
    // The deletes went through other clients, maybe other servers: catch up before reading.
    await clients[0]!.sync('/sem/max/leases');
    expect(await childrenOrNone(clients[0]!, '/sem/max/leases')).toEqual([]);
  });

  it('acquireMany takes all the leases it asks for together, or none', async () => {
    const [first, second] = await Promise.all([zk.connect(), zk.connect()]);
    const semaphore = new Semaphore(first, '/sem/many', 3);
    const two = await semaphore.acquireMany(2);
    expect(two).toHaveLength(2);
    expect(new Set(two.map((lease) => lease.path)).size).toBe(2);
    const one = await semaphore.acquire();
    const waiting = new Semaphore(second, '/sem/many', 3).acquireMany(2);
    await two[0]!.release();
    expect(await stillPending(waiting)).toBe(true);
    await two[1]!.release();
    const pair = await waiting;
    expect(pair.every((lease) => lease.isHeld)).toBe(true);
    await expect(
      new Semaphore(second, '/sem/many', 3).acquireMany(2, { timeoutMs: 300 }),
    ).rejects.toMatchObject({
      code: 'TIMEOUT',
    });
    await Promise.all([one, ...pair].map((lease) => lease.release()));
    await eventually(async () => expect(await childrenOrNone(first, '/sem/many/leases')).toEqual([]));
  });

  it('never has more than maxLeases holders among many contenders, and does reach maxLeases', async () => {
    const clients = await Promise.all(Array.from({ length: 6 }, () => zk.connect()));
    let holders = 0;
    let peak = 0;
    await Promise.all(
      clients.map(async (client) => {
        const semaphore = new Semaphore(client, '/sem/peak', 2);
        for (let round = 0; round < 6; round++) {
          const lease = await semaphore.acquire();
          holders++;
          peak = Math.max(peak, holders);
          await client.getData('/', { signal: lease.signal });
          await new Promise((resolve) => setTimeout(resolve, 10));
          holders--;
          await lease.release();
        }
      }),
    );
    expect(peak).toBe(2);
  });

  it('has no herd: a waiter is woken at most twice in its whole wait, whatever the number of waiters', async () => {
    const holderClient = await zk.connect();
    const waiters = await Promise.all(Array.from({ length: 10 }, () => zk.connect()));
    // Per waiter, because the two wake-ups of one hand-over reach different clients at different
    // moments: counted per hand-over, a late one would be charged to the next hand-over.
    const notifications = waiters.map(() => [] as WatchedEvent[]);
    waiters.forEach((client, index) =>
      client.on('notification', (event) => notifications[index]!.push(event)),
    );
    const first = await new Semaphore(holderClient, '/sem/herd', 1).acquire();
    // It lets go of the gate in the background: wait, or a waiter could queue behind that node.
    await eventually(async () => expect(await childrenOrNone(holderClient, '/sem/herd/locks')).toEqual([]));
    const leases: Lease[] = [];
    const done = waiters.map((client) =>
      new Semaphore(client, '/sem/herd', 1).acquire().then((lease) => {
        leases.push(lease);
      }),
    );
    // Reported by the await below; without this a failed assertion first would leave them unhandled.
    for (const pending of done) pending.catch(() => {});
    // Ten gate nodes: one waits on the leases, nine on their predecessor at the gate.
    await eventually(async () =>
      expect(await childrenOrNone(holderClient, '/sem/herd/locks')).toHaveLength(10),
    );
    await eventually(async () =>
      expect(await childrenOrNone(holderClient, '/sem/herd/leases')).toHaveLength(2),
    );
    expect(notifications.flat()).toHaveLength(0);
    await first.release();
    for (let handOver = 1; handOver <= 10; handOver++) {
      await eventually(() => expect(leases).toHaveLength(handOver));
      await leases[handOver - 1]!.release();
    }
    await Promise.all(done);
    // Each waiter: the deletion of its predecessor at the gate, then (as gate holder) one change of
    // the leases directory. With a herd every release would wake every waiter: up to 10 each.
    for (const events of notifications) {
      expect(events.filter((event) => event.type === 'deleted').length).toBeLessThanOrEqual(1);
      expect(events.filter((event) => event.type === 'childrenChanged').length).toBeLessThanOrEqual(1);
    }
    expect(
      notifications
        .flat()
        .every(
          (event) =>
            (event.type === 'childrenChanged' && event.path === '/sem/herd/leases') ||
            (event.type === 'deleted' && event.path.startsWith('/sem/herd/locks/')),
        ),
    ).toBe(true);
  });

  it('times out or aborts with a RecipeError and leaves neither lease nor gate node behind', async () => {
    const [holderClient, other] = await Promise.all([zk.connect(), zk.connect()]);
    const held = await new Semaphore(holderClient, '/sem/timeout', 1).acquire();
    const semaphore = new Semaphore(other, '/sem/timeout', 1);
    const started = Date.now();
    await expect(semaphore.acquire({ timeoutMs: 300 })).rejects.toMatchObject({
      code: 'TIMEOUT',
      recipe: 'Semaphore',
      path: '/sem/timeout',
    });
    expect(Date.now() - started).toBeLessThan(2000);
    const controller = new AbortController();
    const aborted = semaphore.acquire({ signal: controller.signal });
    await eventually(async () => expect(await childrenOrNone(other, '/sem/timeout/leases')).toHaveLength(2));
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ code: 'ABORTED' });
    await eventually(async () => {
      expect(await childrenOrNone(other, '/sem/timeout/leases')).toHaveLength(1);
      expect(await childrenOrNone(other, '/sem/timeout/locks')).toHaveLength(0);
    });
    await held.release();
  });

  it('reads maxLeases from a 4-byte count node and lets waiters in when it grows', async () => {
    const [admin, a, b] = await Promise.all([zk.connect(), zk.connect(), zk.connect()]);
    await admin.create('/sem/counted-max', int32(1));
    const first = await new Semaphore(a, '/sem/counted', { countPath: '/sem/counted-max' }).acquire();
    const second = new Semaphore(b, '/sem/counted', { countPath: '/sem/counted-max' }).acquire();
    expect(await stillPending(second)).toBe(true);
    await admin.setData('/sem/counted-max', int32(2));
    const secondLease = await second;
    expect(first.isHeld && secondLease.isHeld).toBe(true);

    await admin.setData('/sem/counted-max', 'not four bytes');
    await expect(
      new Semaphore(b, '/sem/counted', { countPath: '/sem/counted-max' }).acquire(),
    ).rejects.toMatchObject({
      code: 'CORRUPT_DATA',
    });
    await expect(
      new Semaphore(b, '/sem/counted', { countPath: '/sem/no-such-count' }).acquire(),
    ).rejects.toMatchObject({
      code: 'BAD_ARGUMENT',
    });
    await Promise.all([first.release(), secondLease.release()]);
    await eventually(async () => expect(await childrenOrNone(admin, '/sem/counted/leases')).toEqual([]));
  });

  it('an acquirer whose connection drops while it waits at the gate starts over and still gets its turn', async () => {
    const [holderClient, dropping, patient] = await Promise.all([zk.connect(), zk.connect(), zk.connect()]);
    const held = await new Semaphore(holderClient, '/sem/gate-lost', 1).acquire();
    const first = new Semaphore(dropping, '/sem/gate-lost', 1).acquire({ timeoutMs: 20_000 });
    await eventually(async () =>
      expect(await childrenOrNone(holderClient, '/sem/gate-lost/leases')).toHaveLength(2),
    );
    dropping.dropConnection();
    const second = new Semaphore(patient, '/sem/gate-lost', 1).acquire({ timeoutMs: 20_000 });
    await held.release();
    const leases: Lease[] = [];
    for (const pending of [first, second]) {
      void pending.then((lease) => leases.push(lease));
    }
    // Whoever comes first releases, and the other gets the lease: no two waiters deadlock.
    await eventually(() => expect(leases).toHaveLength(1), { timeoutMs: 20_000 });
    await leases[0]!.release();
    await eventually(() => expect(leases).toHaveLength(2), { timeoutMs: 20_000 });
    await leases[1]!.release();
    await eventually(async () =>
      expect(await childrenOrNone(holderClient, '/sem/gate-lost/leases')).toEqual([]),
    );
  });

  it('connection policy: a dropped connection ends leases ("suspended"); with "lost" only an expiry does', async () => {
    const [strictClient, lenientClient, other] = await Promise.all([
      zk.connect(),
      zk.connect(),
      zk.connect(),
    ]);
    const strict = await new Semaphore(strictClient, '/sem/policy', 2).acquire();
    const lenient = await new Semaphore(lenientClient, '/sem/policy', 2, {
      connectionPolicy: 'lost',
    }).acquire();
    strictClient.dropConnection();
    lenientClient.dropConnection();
    await eventually(() => expect(strict.endReason).toBe('suspended'));
    await Promise.all([strictClient.waitForConnected(), lenientClient.waitForConnected()]);
    await eventually(async () => expect(await other.exists(strict.path)).toBeNull());
    expect(lenient.isHeld).toBe(true);
    await expect(strict.release()).rejects.toMatchObject({ code: 'NOT_HELD' });

    const third = await new Semaphore(other, '/sem/policy', 2).acquire({ timeoutMs: 5000 });
    const waiting = new Semaphore(other, '/sem/policy', 2).acquire({ timeoutMs: 15_000 });
    expect(await stillPending(waiting)).toBe(true);
    await expireSession(zk.ensembleConnectString, {
      sessionId: lenientClient.sessionId,
      sessionPassword: lenientClient.sessionPassword,
    });
    await eventually(() => expect(lenient.endReason).toBe('lost'));
    const fourth = await waiting;
    await Promise.all([third.release(), fourth.release()]);
  });

  it('rejects bad input clearly', async () => {
    const client = await zk.connect();
    expect(() => new Semaphore(client, 'relative', 1)).toThrow(/invalid path/);
    expect(() => new Semaphore(client, '/a//b', 1)).toThrow(/invalid path/);
    expect(() => new Semaphore(client, '/sem/bad', { countPath: 'relative' })).toThrow(/invalid path/);
    for (const max of [0, -1, 1.5, Number.NaN, Infinity]) {
      expect(() => new Semaphore(client, '/sem/bad', max)).toThrow(/maxLeases must be an integer ≥ 1/);
    }
    expect(() => new Semaphore(client, '/sem/bad', '2' as never)).toThrow(/maxLeases/);
    expect(() => new Semaphore(client, '/sem/bad', 1, { connectionPolicy: 'never' as never })).toThrow(
      /connectionPolicy/,
    );
    const semaphore = new Semaphore(client, '/sem/bad', 2);
    for (const count of [0, -1, 1.5]) {
      await expect(semaphore.acquireMany(count)).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    }
    await expect(semaphore.acquireMany(3)).rejects.toThrow(/cannot acquire 3 leases from a semaphore of 2/);
    await expect(semaphore.acquire({ timeoutMs: -1 })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    const lease = await semaphore.acquire();
    await lease.release();
    await expect(lease.release()).rejects.toMatchObject({ code: 'NOT_HELD' });
    expect(await childrenOrNone(client, '/sem/bad/leases')).toEqual([]);
  });
});

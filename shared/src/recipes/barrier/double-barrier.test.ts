import { describe, expect, it } from 'vitest';
import type { ZooKeeperClient } from '../../client/index.ts';
import { expireSession } from '../../ensemble/index.ts';
import { StateRecorder, childrenOrNone, eventually, useZooKeeper } from '../../../test-support/index.ts';
import { localAddress } from '../core/local-address.ts';
import { DistributedDoubleBarrier, READY_NODE } from './double-barrier.ts';

const zk = useZooKeeper('double-barrier');

async function expire(client: ZooKeeperClient): Promise<void> {
  const others = zk.ensembleConnectString.split(',').filter((server) => server !== client.connectedServer);
  await expireSession(others.join(','), {
    sessionId: client.sessionId,
    sessionPassword: client.sessionPassword,
  });
}

async function members(client: ZooKeeperClient, path: string): Promise<string[]> {
  return (await childrenOrNone(client, path)).filter((child) => child !== READY_NODE);
}

describe('DistributedDoubleBarrier', () => {
  it('lets nobody in before memberQty members have entered, then everyone; Curator’s layout', async () => {
    const path = '/double/enter';
    const clients = await Promise.all([1, 2, 3].map(() => zk.connect()));
    const barriers = clients.map((client) => new DistributedDoubleBarrier(client, path, 3));
    const entered: number[] = [];
    const first = barriers
      .slice(0, 2)
      .map((barrier, index) => barrier.enter().then(() => entered.push(index)));
    await eventually(async () => expect(await members(clients[0]!, path)).toHaveLength(2));
    expect(entered).toEqual([]);
    expect(await clients[0]!.exists(`${path}/${READY_NODE}`)).toBeNull();
    await barriers[2]!.enter();
    await Promise.all(first);
    expect(entered.sort()).toEqual([0, 1]);

    const names = await members(clients[0]!, path);
    expect(names.sort()).toEqual(barriers.map((barrier) => barrier.memberName).sort());
    for (const name of names) {
      expect(name).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      const { data, stat } = await clients[0]!.getData(`${path}/${name}`);
      expect(data.toString()).toBe(localAddress());
      expect(stat.ephemeralOwner).not.toBe(0n);
    }
    const ready = await clients[0]!.getData(`${path}/${READY_NODE}`);
    expect(ready.stat.ephemeralOwner).toBe(0n);
    expect(ready.data.toString()).toBe(localAddress());
    // Nothing left to fire later.
    expect(clients.map((client) => client.watchCount)).toEqual([0, 0, 0]);
    await Promise.all(barriers.map((barrier) => barrier.leave()));
  });

  it('lets nobody out before every member has left; then removes the gate and the container', async () => {
    const path = '/double/leave';
    const clients = await Promise.all([1, 2, 3].map(() => zk.connect()));
    const barriers = clients.map((client) => new DistributedDoubleBarrier(client, path, 3));
    await Promise.all(barriers.map((barrier) => barrier.enter()));
    const left: number[] = [];
    const leaving = barriers
      .slice(0, 2)
      .map((barrier, index) => barrier.leave().then(() => left.push(index)));
    // Both leavers are waiting (each has its one watch set) for the third, whose node is still there.
    await eventually(() => expect([clients[0]!.watchCount, clients[1]!.watchCount]).toEqual([1, 1]));
    expect(await members(clients[0]!, path)).toContain(barriers[2]!.memberName);
    expect(left).toEqual([]);
    await barriers[2]!.leave();
    await Promise.all(leaving);
    expect(await clients[0]!.exists(`${path}/${READY_NODE}`)).toBeNull();
    await eventually(async () => expect(await clients[0]!.exists(path)).toBeNull(), { timeoutMs: 15_000 });
  });

  it('memberQty is a threshold, not a limit: a late member passes at once', async () => {
    const path = '/double/threshold';
    const barriers = await Promise.all(
      [1, 2, 3].map(async () => new DistributedDoubleBarrier(await zk.connect(), path, 2)),
    );
    await Promise.all(barriers.slice(0, 2).map((barrier) => barrier.enter()));
    await barriers[2]!.enter({ timeoutMs: 5000 });
    await Promise.all(barriers.map((barrier) => barrier.leave({ timeoutMs: 10_000 })));
  });

  it('re-counts after a session loss instead of passing (GH-1290), re-creating its member node', async () => {
    const path = '/double/expiry';
    const client = await zk.connect({ sessionTimeoutMs: 4000 });
    const states = new StateRecorder(client);
    const lonely = new DistributedDoubleBarrier(client, path, 2);
    let entered = false;
    const entering = lonely.enter().then(() => {
      entered = true;
    });
    await eventually(async () => expect(await members(client, path)).toEqual([lonely.memberName]));
    const firstOwner = (await client.exists(lonely.memberPath))!.ephemeralOwner;
    await expire(client);
    await states.waitFor('lost');
    await states.waitFor('connected');
    // Back on a new session: still waiting, and a member again.
    await eventually(async () => {
      const stat = await client.exists(lonely.memberPath);
      expect(stat?.ephemeralOwner).toBe(client.sessionId);
    });
    expect(client.sessionId).not.toBe(firstOwner);
    // Waiting again on the gate, not through it.
    await eventually(() => expect(client.watchCount).toBe(1));
    expect(entered).toBe(false);
    const second = new DistributedDoubleBarrier(await zk.connect(), path, 2);
    await second.enter({ timeoutMs: 5000 });
    await entering;
    expect(entered).toBe(true);
    await Promise.all([lonely.leave({ timeoutMs: 10_000 }), second.leave({ timeoutMs: 10_000 })]);
  });

  it('a member whose session was lost after entering can still leave with the others', async () => {
    const path = '/double/lost-member';
    const lostClient = await zk.connect({ sessionTimeoutMs: 4000 });
    const states = new StateRecorder(lostClient);
    const barriers = [
      new DistributedDoubleBarrier(lostClient, path, 2),
      new DistributedDoubleBarrier(await zk.connect(), path, 2),
    ];
    await Promise.all(barriers.map((barrier) => barrier.enter()));
    await expire(lostClient);
    await states.waitFor('connected');
    await Promise.all(barriers.map((barrier) => barrier.leave({ timeoutMs: 10_000 })));
    expect(await members(lostClient, path)).toEqual([]);
  });

  it('a timed-out enter removes its member node, so it does not count for the others', async () => {
    const path = '/double/timeout';
    const client = await zk.connect();
    const barrier = new DistributedDoubleBarrier(client, path, 2);
    const started = Date.now();
    await expect(barrier.enter({ timeoutMs: 300 })).rejects.toMatchObject({ code: 'TIMEOUT', path });
    expect(Date.now() - started).toBeLessThan(3000);
    await eventually(async () => expect(await members(client, path)).toEqual([]));
    expect(client.watchCount).toBe(0);
    const controller = new AbortController();
    const pending = barrier.enter({ signal: controller.signal });
    await eventually(async () => expect(await members(client, path)).toHaveLength(1));
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
    await expect(barrier.enter({ timeoutMs: 0 })).rejects.toMatchObject({ code: 'TIMEOUT' });
    await eventually(async () => expect(await members(client, path)).toEqual([]));
  });

  it('rejects bad input clearly', async () => {
    const client = await zk.connect();
    for (const quantity of [0, -1, 1.5, Number.NaN]) {
      expect(() => new DistributedDoubleBarrier(client, '/double/bad', quantity)).toThrow(/memberQty/);
    }
    expect(() => new DistributedDoubleBarrier(client, 'double', 2)).toThrow(/invalid path/);
    await expect(
      new DistributedDoubleBarrier(client, '/double/bad', 2).enter({ timeoutMs: -1 }),
    ).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
  });
});

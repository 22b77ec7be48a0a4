import { describe, expect, it } from 'vitest';
import type { WatchedEvent, ZooKeeperClient } from '../../client/index.ts';
import { READ_ACL_UNSAFE, deleteRecursive, parseConnectString } from '../../client/index.ts';
import { expireSession } from '../../ensemble/index.ts';
import { StateRecorder, TcpProxy, eventually, useZooKeeper } from '../../../test-support/index.ts';
import { sleep } from '../core/deadline.ts';
import { RecipeError } from '../core/errors.ts';
import type { Lease, LeaseEndReason } from '../core/lease.ts';
import { LeaderLatch } from './leader-latch.ts';

const zk = useZooKeeper('leader-latch');

/** A started latch with its leadership changes recorded. */
async function startLatch(
  client: ZooKeeperClient,
  path: string,
  id: string,
  options: ConstructorParameters<typeof LeaderLatch>[2] = {},
): Promise<{ latch: LeaderLatch; leases: Lease[]; ended: LeaseEndReason[] }> {
  const latch = new LeaderLatch(client, path, { id, ...options });
  const leases: Lease[] = [];
  const ended: LeaseEndReason[] = [];
  latch.on('isLeader', (lease) => leases.push(lease));
  latch.on('notLeader', (reason) => ended.push(reason));
  await latch.start();
  return { latch, leases, ended };
}

describe('LeaderLatch', () => {
  it('creates a Curator-style protected latch node holding the id, and leads alone', async () => {
    const client = await zk.connect();
    const { latch, leases } = await startLatch(client, '/election/basic', 'node-a');
    expect(latch.ourPath).toMatch(/^\/election\/basic\/_c_[0-9a-f-]{36}-latch-\d{10}$/);
    const lease = await latch.waitForLeadership({ timeoutMs: 5000 });
    expect(latch.hasLeadership).toBe(true);
    expect(latch.leadership).toBe(lease);
    expect(leases).toEqual([lease]);
    const { data, stat } = await client.getData(latch.ourPath!);
    expect(data.toString()).toBe('node-a');
    expect(stat.ephemeralOwner).toBe(client.sessionId);
    expect(lease.path).toBe(latch.ourPath);
    expect(lease.fencingToken).toBe(stat.czxid);
    expect(lease.sessionId).toBe(client.sessionId);
    expect(await latch.participants()).toEqual([{ id: 'node-a', isLeader: true, path: latch.ourPath }]);
    expect((await latch.leader())?.id).toBe('node-a');
    await latch.close();
    expect(lease.endReason).toBe('closed');
    expect(latch.hasLeadership).toBe(false);
    expect(latch.state).toBe('closed');
    expect(await client.exists(lease.path)).toBeNull();
  });

  it('writes empty data when no id is given (no host-address fallback, as Curator)', async () => {
    const client = await zk.connect();
    const latch = new LeaderLatch(client, '/election/anonymous');
    await latch.start();
    expect((await client.getData(latch.ourPath!)).data).toHaveLength(0);
    expect(await latch.participants()).toMatchObject([{ id: '', isLeader: true }]);
    await latch.close();
  });

  it('elects exactly one leader; closing it hands over in line order with growing fencing tokens', async () => {
    const clients = await Promise.all([0, 1, 2, 3].map(() => zk.connect()));
    const latches: Awaited<ReturnType<typeof startLatch>>[] = [];
    for (const [index, client] of clients.entries()) {
      latches.push(await startLatch(client, '/election/order', `p${index}`));
    }
    const tokens: bigint[] = [];
    for (let leader = 0; leader < 4; leader++) {
      const lease = await latches[leader]!.latch.waitForLeadership({ timeoutMs: 5000 });
      tokens.push(lease.fencingToken);
      expect(latches.filter(({ latch }) => latch.hasLeadership)).toHaveLength(1);
      // Reads from another client may lag a moment behind the latest creates and deletes.
      await eventually(async () => {
        const participants = await latches[leader]!.latch.participants();
        expect(participants.map((participant) => participant.id)).toEqual(
          ['p0', 'p1', 'p2', 'p3'].slice(leader),
        );
        expect(participants.map((participant) => participant.isLeader)).toEqual(
          [true, false, false, false].slice(0, 4 - leader),
        );
      });
      await latches[leader]!.latch.close();
      expect(lease.isHeld).toBe(false);
    }
    expect([...tokens].sort((a, b) => (a < b ? -1 : 1))).toEqual(tokens);
    expect(new Set(tokens).size).toBe(4);
    // close() is silent by default, as Curator's CloseMode.SILENT.
    expect(latches.map(({ ended }) => ended)).toEqual([[], [], [], []]);
  });

  it('close({ notifyLeader: true }) tells the listeners, as Curator’s CloseMode.NOTIFY_LEADER', async () => {
    const { latch, ended } = await startLatch(await zk.connect(), '/election/notify', 'n');
    await latch.waitForLeadership({ timeoutMs: 5000 });
    await latch.close({ notifyLeader: true });
    expect(ended).toEqual(['closed']);
  });

  it('followers watch only their predecessor: one hand-over wakes one follower', async () => {
    const leaderClient = await zk.connect();
    const followerClients = await Promise.all(Array.from({ length: 10 }, () => zk.connect()));
    const notifications: WatchedEvent[] = [];
    for (const client of followerClients) client.on('notification', (event) => notifications.push(event));
    const { latch: leader } = await startLatch(leaderClient, '/election/herd', 'leader');
    await leader.waitForLeadership({ timeoutMs: 5000 });
    const followers = [];
    for (const [index, client] of followerClients.entries()) {
      followers.push((await startLatch(client, '/election/herd', `f${index}`)).latch);
    }
    // Every follower's watch is in place once each has looked at the line at least once.
    await eventually(() => expect(followerClients.every((client) => client.watchCount === 1)).toBe(true));
    expect(notifications).toHaveLength(0);
    const leaderPath = leader.ourPath;
    await leader.close();
    await followers[0]!.waitForLeadership({ timeoutMs: 5000 });
    expect(notifications).toHaveLength(1);
    expect(notifications[0]).toMatchObject({ type: 'deleted', path: leaderPath });
    await Promise.all(followers.map((follower) => follower.close()));
  });

  it('lease.release() steps down: the next participant leads and this one rejoins at the back', async () => {
    const a = await startLatch(await zk.connect(), '/election/step-down', 'a');
    const b = await startLatch(await zk.connect(), '/election/step-down', 'b');
    const first = await a.latch.waitForLeadership({ timeoutMs: 5000 });
    const firstPath = a.latch.ourPath;
    await first.release();
    expect(first.endReason).toBe('released');
    expect(a.ended).toEqual(['released']);
    const second = await b.latch.waitForLeadership({ timeoutMs: 5000 });
    expect(second.fencingToken).toBeGreaterThan(first.fencingToken);
    await eventually(async () =>
      expect((await b.latch.participants()).map((participant) => participant.id)).toEqual(['b', 'a']),
    );
    expect(a.latch.ourPath).not.toBe(firstPath);
    expect(a.latch.hasLeadership).toBe(false);
    await b.latch.close();
    const third = await a.latch.waitForLeadership({ timeoutMs: 5000 });
    expect(third.fencingToken).toBeGreaterThan(second.fencingToken);
    await a.latch.close();
  });

  it('a dropped connection ends leadership at once; back on the same session it leads again with the same token', async () => {
    const client = await zk.connect();
    const { latch, leases, ended } = await startLatch(client, '/election/suspend', 's');
    const before = await latch.waitForLeadership({ timeoutMs: 5000 });
    const nodeBefore = latch.ourPath;
    let abortedWhileSuspended = false;
    before.signal.addEventListener('abort', () => {
      abortedWhileSuspended = client.state === 'suspended' && !latch.hasLeadership;
    });
    const sessionBefore = client.sessionId;
    client.dropConnection();
    await eventually(() => expect(leases).toHaveLength(2));
    expect(abortedWhileSuspended).toBe(true);
    expect(before.endReason).toBe('suspended');
    expect(before.signal.reason).toMatchObject({ code: 'LOST' });
    expect(ended).toEqual(['suspended']);
    expect(client.sessionId).toBe(sessionBefore);
    const after = leases[1]!;
    expect(after).not.toBe(before);
    expect(after.isHeld).toBe(true);
    expect(after.fencingToken).toBe(before.fencingToken);
    expect(latch.ourPath).toBe(nodeBefore);
    await latch.close();
  });

  it('with connectionPolicy "lost", leadership survives a dropped connection', async () => {
    const client = await zk.connect();
    const { latch, leases, ended } = await startLatch(client, '/election/lenient', 'l', {
      connectionPolicy: 'lost',
    });
    const lease = await latch.waitForLeadership({ timeoutMs: 5000 });
    const states = new StateRecorder(client);
    client.dropConnection();
    await states.waitFor('reconnected');
    expect(states.names).toEqual(['suspended', 'reconnected']);
    // Give the election loop time to look again after the reconnect: nothing may change.
    await sleep(300);
    expect(await latch.participants()).toHaveLength(1);
    expect(lease.isHeld).toBe(true);
    expect(leases).toEqual([lease]);
    expect(ended).toEqual([]);
    await latch.close();
  });

  it('after session expiry the node is re-created at the back of the line, and the next participant leads', async () => {
    const expiring = await zk.connect();
    const { latch: first, leases: firstLeases, ended } = await startLatch(expiring, '/election/expiry', 'x');
    const second = await startLatch(await zk.connect(), '/election/expiry', 'y');
    const lease = await first.waitForLeadership({ timeoutMs: 5000 });
    const oldSession = expiring.sessionId;
    await expireSession(zk.ensembleConnectString, {
      sessionId: expiring.sessionId,
      sessionPassword: expiring.sessionPassword,
    });
    const next = await second.latch.waitForLeadership({ timeoutMs: 15_000 });
    expect(next.fencingToken).toBeGreaterThan(lease.fencingToken);
    // A session closed by the servers is news to its client only once its own server drops the
    // connection, which may come a moment after the successor heard of the deletion: the window
    // fencing tokens are for.
    await eventually(() => expect(lease.isHeld).toBe(false));
    expect(['suspended', 'lost']).toContain(ended[0]);
    // The expired participant is back in line, with a node of its new session.
    await eventually(async () =>
      expect((await second.latch.participants()).map((participant) => participant.id)).toEqual(['y', 'x']),
    );
    expect(expiring.sessionId).not.toBe(oldSession);
    expect((await expiring.exists(first.ourPath!))?.ephemeralOwner).toBe(expiring.sessionId);
    await second.latch.close();
    const again = await first.waitForLeadership({ timeoutMs: 5000 });
    expect(again.fencingToken).toBeGreaterThan(next.fencingToken);
    expect(firstLeases).toHaveLength(2);
    await first.close();
  });

  it('re-creates the latch path deleted while it was disconnected, and leads again (CURATOR-724)', async () => {
    const target = parseConnectString(zk.ensembleConnectString).servers[0]!;
    const proxy = await TcpProxy.start(target);
    try {
      const client = await zk.connectVia(proxy.address, { sessionTimeoutMs: 6000 });
      const admin = await zk.connect();
      const { latch, leases } = await startLatch(client, '/election/vanishing/latch', 'v');
      const before = await latch.waitForLeadership({ timeoutMs: 5000 });
      proxy.setMode('blackhole');
      proxy.sever();
      await eventually(() => expect(before.isHeld).toBe(false), { timeoutMs: 8000 });
      await deleteRecursive(admin, '/election/vanishing');
      proxy.setMode('forward');
      await eventually(() => expect(leases).toHaveLength(2), { timeoutMs: 10_000 });
      expect(leases[1]!.fencingToken).toBeGreaterThan(before.fencingToken);
      expect(latch.ourPath).not.toBe(before.path);
      await admin.sync(latch.ourPath!); // re-created through the latch's client
      expect(await admin.exists(latch.ourPath!)).not.toBeNull();
      await latch.close();
    } finally {
      await proxy.close();
    }
  });

  it('ends leadership when its node is deleted behind its back, then rejoins', async () => {
    const client = await zk.connect();
    const admin = await zk.connect();
    const { latch, leases, ended } = await startLatch(client, '/election/deleted', 'd');
    const before = await latch.waitForLeadership({ timeoutMs: 5000 });
    await admin.delete(before.path);
    await eventually(() => expect(leases).toHaveLength(2));
    expect(ended).toEqual(['lost']);
    expect(leases[1]!.fencingToken).toBeGreaterThan(before.fencingToken);
    await latch.close();
  });

  it('waitForLeadership times out, aborts, and checks without waiting for timeoutMs 0', async () => {
    const a = await startLatch(await zk.connect(), '/election/wait', 'a');
    const b = await startLatch(await zk.connect(), '/election/wait', 'b');
    await a.latch.waitForLeadership({ timeoutMs: 5000 });
    const started = Date.now();
    await expect(b.latch.waitForLeadership({ timeoutMs: 200 })).rejects.toMatchObject({
      code: 'TIMEOUT',
      path: '/election/wait',
    });
    expect(Date.now() - started).toBeLessThan(2000);
    await expect(b.latch.waitForLeadership({ timeoutMs: 0 })).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect((await a.latch.waitForLeadership({ timeoutMs: 0 })).isHeld).toBe(true);
    const controller = new AbortController();
    const aborted = b.latch.waitForLeadership({ signal: controller.signal });
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ code: 'ABORTED' });
    // A waiter is told when the latch closes under it.
    const closing = expect(b.latch.waitForLeadership()).rejects.toMatchObject({ code: 'CLOSED' });
    await b.latch.close();
    await closing;
    await eventually(async () => expect(await a.latch.participants()).toHaveLength(1));
    await a.latch.close();
  });

  it('rejects bad input and misuse clearly', async () => {
    const client = await zk.connect();
    expect(() => new LeaderLatch(client, 'no-slash')).toThrow(/invalid path/);
    expect(() => new LeaderLatch(client, '/trailing/')).toThrow(/invalid path/);
    expect(() => new LeaderLatch(client, '/x', { connectionPolicy: 'never' as never })).toThrow(
      /connectionPolicy/,
    );
    expect(() => new LeaderLatch(client, '/x', { id: 42 as never })).toThrow(RecipeError);

    const latch = new LeaderLatch(client, '/election/misuse', { id: 'm' });
    await expect(latch.waitForLeadership()).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await latch.start();
    await expect(latch.start()).rejects.toMatchObject({ code: 'BAD_ARGUMENT', message: /already started/ });
    await expect(latch.waitForLeadership({ timeoutMs: -1 })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    const closing = latch.close();
    expect(latch.close()).toBe(closing);
    await closing;
    await expect(latch.waitForLeadership()).rejects.toMatchObject({ code: 'CLOSED' });
    await expect(latch.start()).rejects.toMatchObject({ code: 'BAD_ARGUMENT', message: /closed/ });

    // A path it may not create nodes under: start() fails with the cause, and the latch closes.
    await client.create('/election/read-only', '', { acl: READ_ACL_UNSAFE });
    const refused = new LeaderLatch(client, '/election/read-only');
    await expect(refused.start()).rejects.toMatchObject({ code: 'NOAUTH' });
    expect(refused.state).toBe('closed');

    // Closing a latch that never started is harmless.
    await new LeaderLatch(client, '/election/never').close();
    // A closed client cannot start a latch.
    const closedClient = await zk.connect();
    await closedClient.close();
    await expect(new LeaderLatch(closedClient, '/election/closed-client').start()).rejects.toMatchObject({
      code: 'CLOSED',
    });
  });

  it('ends leadership when its client is closed', async () => {
    const client = await zk.connect();
    const { latch, ended } = await startLatch(client, '/election/client-closed', 'c');
    const lease = await latch.waitForLeadership({ timeoutMs: 5000 });
    await client.close();
    expect(lease.endReason).toBe('closed');
    expect(ended).toEqual(['closed']);
    await eventually(() => expect(latch.state).toBe('closed'));
  });

  it('the latch directory is a container: the server removes it once unused', async () => {
    const client = await zk.connect();
    const { latch } = await startLatch(client, '/election/container', 'c');
    await latch.close();
    await eventually(async () => expect(await client.exists('/election/container')).toBeNull(), {
      timeoutMs: 15_000,
    });
  });
});

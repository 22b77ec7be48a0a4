import { afterEach, describe, expect, it } from 'vitest';
import { ZooKeeperClient, isZooKeeperError, withRetry, type WatchedEvent } from './index.ts';
import type { EnsembleMember } from '../ensemble/index.ts';
import { StateRecorder, eventually, useDedicatedEnsemble } from '../../test-support/index.ts';

/**
 * The fault matrix: a client connected to a follower of a real 3-server ensemble, with an ephemeral
 * node and one watch of every kind, while servers are killed, paused, stopped and its session is
 * expired. Each case checks whether the session survives, that the state events arrive in order,
 * that watches fire for changes made during the outage, and that no request hangs.
 */
const dedicated = useDedicatedEnsemble({ servers: 3, tickTimeMs: 200 });
const clients: ZooKeeperClient[] = [];
let caseNumber = 0;

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  // Bring every member back so the next case starts from a healthy ensemble.
  const ensemble = dedicated.ensemble;
  for (const member of ensemble.members) {
    if (member.state === 'paused') await ensemble.resume(member.id);
    if (member.state === 'stopped') await ensemble.restart(member.id);
  }
  await ensemble.waitForQuorum();
});

interface Fixture {
  subject: ZooKeeperClient;
  other: ZooKeeperClient;
  states: StateRecorder;
  base: string;
  leader: EnsembleMember;
  connectedTo: EnsembleMember;
  events: { data: WatchedEvent[]; child: WatchedEvent[]; exist: WatchedEvent[]; recursive: WatchedEvent[] };
}

/** A subject client on a follower, holding an ephemeral and a watch of every kind. */
async function fixture(sessionTimeoutMs: number): Promise<Fixture> {
  const ensemble = dedicated.ensemble;
  const leader = await ensemble.waitForQuorum();
  const followers = ensemble.participants.filter((member) => member.id !== leader.id);
  const ordered = [...followers, leader].map((member) => member.address).join(',');
  const subject = new ZooKeeperClient(ordered, { sessionTimeoutMs, shuffleServers: false, logger: {} });
  subject.start();
  await subject.waitForConnected();
  clients.push(subject);
  // The other client never uses the subject's server, so its writes land while the subject is cut off.
  const elsewhere = ensemble.members.filter((member) => member.id !== followers[0]!.id);
  const other = await ZooKeeperClient.connect(elsewhere.map((member) => member.address).join(','), {
    sessionTimeoutMs: 10_000,
    logger: {},
  });
  clients.push(other);

  const base = `/case-${++caseNumber}`;
  await subject.create(base);
  await subject.create(`${base}/data`, 'v0');
  await subject.create(`${base}/kids`);
  await subject.create(`${base}/tree`);
  await subject.create(`${base}/eph`, 'mine', { mode: 'ephemeral' });
  const events: Fixture['events'] = { data: [], child: [], exist: [], recursive: [] };
  // What fired, without the zxid a 3.9+ server adds to events (client.test.ts checks it), so the
  // cases hold on every server version the matrix runs.
  const into =
    (list: WatchedEvent[]) =>
    ({ zxid: _zxid, ...event }: WatchedEvent) =>
      list.push(event);
  await subject.getData(`${base}/data`, { watch: into(events.data) });
  await subject.getChildren(`${base}/kids`, { watch: into(events.child) });
  await subject.exists(`${base}/missing`, { watch: into(events.exist) });
  await subject.addWatch(`${base}/tree`, into(events.recursive), { mode: 'persistentRecursive' });

  const connectedTo = followers[0]!;
  expect(subject.connectedServer).toBe(connectedTo.address);
  return { subject, other, states: new StateRecorder(subject), base, leader, connectedTo, events };
}

/** Changes every watched node, retrying through the outage (the writes are idempotent). */
async function changeWatchedNodes({ other, base }: Fixture): Promise<void> {
  const idempotent = { retries: 30, baseDelayMs: 50, maxDelayMs: 500 };
  const createOnce = (path: string) =>
    withRetry(
      () =>
        other.create(path).catch((error: unknown) => {
          if (!isZooKeeperError(error, 'NODEEXISTS')) throw error;
          return path;
        }),
      idempotent,
    );
  await withRetry(() => other.setData(`${base}/data`, 'v1'), idempotent);
  await createOnce(`${base}/kids/k1`);
  await createOnce(`${base}/missing`);
  await createOnce(`${base}/tree/leaf`);
}

/**
 * One-shot watches fire for changes made while the client was away: on reconnect it re-registers
 * them with the last zxid it saw and the server fires those whose node changed since. Persistent
 * watches are re-registered too, but ZooKeeper does not replay what they missed — they resume with
 * the next change (which is why caches re-read the tree after a reconnect).
 */
async function expectWatchesFired(f: Fixture): Promise<void> {
  const { events, base, other } = f;
  await eventually(() => {
    expect(events.data).toEqual([{ type: 'dataChanged', path: `${base}/data` }]);
    expect(events.child).toEqual([{ type: 'childrenChanged', path: `${base}/kids` }]);
    expect(events.exist).toEqual([{ type: 'created', path: `${base}/missing` }]);
  });
  await other.create(`${base}/tree/after-reconnect`);
  await eventually(() =>
    expect(events.recursive).toContainEqual({ type: 'created', path: `${base}/tree/after-reconnect` }),
  );
}

async function expectEphemeralOwnedBy({ other, base }: Fixture, sessionId: bigint): Promise<void> {
  await withRetry(() => other.sync(`${base}/eph`), { retries: 10 });
  const stat = await other.exists(`${base}/eph`);
  expect(stat?.ephemeralOwner).toBe(sessionId);
}

/**
 * Requests issued at the fault instant: each must settle — succeed or fail with a connection-class
 * error — within its deadline. Returns how long the slowest took.
 */
async function probeRequests({ subject, base }: Fixture, deadlineMs: number): Promise<number> {
  const started = Date.now();
  const outcomes = await Promise.allSettled([
    subject.getData(`${base}/data`, { timeoutMs: deadlineMs }),
    subject.exists(`${base}/eph`, { timeoutMs: deadlineMs }),
    subject.create(`${base}/during-`, '', { mode: 'persistentSequential', timeoutMs: deadlineMs }),
  ]);
  const slowest = Date.now() - started;
  for (const outcome of outcomes) {
    if (outcome.status === 'rejected') {
      expect(outcome.reason).toSatisfy((error: unknown) =>
        isZooKeeperError(error, 'CONNECTIONLOSS', 'OPERATIONTIMEOUT'),
      );
    }
  }
  expect(slowest).toBeLessThan(deadlineMs + 1000);
  return slowest;
}

describe('fault matrix', () => {
  it('kill -9 of the connected follower: same session, watches fire, ephemeral kept', async () => {
    const f = await fixture(4000);
    const sessionId = f.subject.sessionId;
    const killedAt = Date.now();
    await dedicated.ensemble.kill(f.connectedTo.id);
    const probe = probeRequests(f, 4000);
    const reconnected = await f.states.waitFor('reconnected');
    await probe;
    expect(f.states.names).toEqual(['suspended', 'reconnected']);
    expect(reconnected.sessionId).toBe(sessionId);
    expect(f.subject.connectedServer).not.toBe(f.connectedTo.address);
    console.info(`follower kill: reconnected after ${reconnected.at - killedAt} ms`);
    await changeWatchedNodes(f);
    await expectWatchesFired(f);
    await expectEphemeralOwnedBy(f, sessionId);
  });

  it('kill -9 of the leader: the session survives the election', async () => {
    const f = await fixture(6000);
    const sessionId = f.subject.sessionId;
    const killedAt = Date.now();
    await dedicated.ensemble.kill(f.leader.id);
    const changes = changeWatchedNodes(f);
    await probeRequests(f, 6000);
    const reconnected = await f.states.waitFor('reconnected');
    await changes;
    expect(f.states.names).toEqual(['suspended', 'reconnected']);
    expect(reconnected.sessionId).toBe(sessionId);
    console.info(`leader kill: reconnected after ${reconnected.at - killedAt} ms`);
    const newLeader = await dedicated.ensemble.waitForQuorum();
    expect(newLeader.id).not.toBe(f.leader.id);
    await expectWatchesFired(f);
    await expectEphemeralOwnedBy(f, sessionId);
  });

  it('SIGSTOP of the connected server: detected by the read deadline, changes made meanwhile fire watches', async () => {
    const f = await fixture(4000);
    const sessionId = f.subject.sessionId;
    const pausedAt = Date.now();
    await dedicated.ensemble.pause(f.connectedTo.id);
    // The other client writes while the subject still believes it is connected to the paused server.
    await changeWatchedNodes(f);
    const slowest = await probeRequests(f, 4000);
    const suspended = await f.states.waitFor('suspended');
    const reconnected = await f.states.waitFor('reconnected');
    expect(f.states.names).toEqual(['suspended', 'reconnected']);
    expect(reconnected.sessionId).toBe(sessionId);
    // Two thirds of the 4 s session: the silent server is given up on after about 2.7 s.
    expect(suspended.at - pausedAt).toBeGreaterThanOrEqual(2400);
    expect(suspended.at - pausedAt).toBeLessThan(4000);
    expect(slowest).toBeLessThan(4000);
    console.info(
      `pause: suspended after ${suspended.at - pausedAt} ms, reconnected after ${reconnected.at - pausedAt} ms`,
    );
    await expectWatchesFired(f);
    // Created during the pause: a persistent watch does not replay it.
    expect(f.events.recursive).not.toContainEqual({ type: 'created', path: `${f.base}/tree/leaf` });
    await expectEphemeralOwnedBy(f, sessionId);
  });

  it('all servers stopped and restarted within the session timeout: the session survives', async () => {
    const f = await fixture(15_000);
    const sessionId = f.subject.sessionId;
    await dedicated.ensemble.stopAll();
    await f.states.waitFor('suspended');
    const queued = f.subject.setData(`${f.base}/data`, 'written-during-outage', { timeoutMs: 14_000 });
    const early = await f.subject
      .getData(`${f.base}/data`, { timeoutMs: 300 })
      .catch((error: unknown) => error);
    expect(early).toMatchObject({ code: 'OPERATIONTIMEOUT' });
    await dedicated.ensemble.startAll();
    const reconnected = await f.states.waitFor('reconnected');
    expect(reconnected.sessionId).toBe(sessionId);
    expect((await queued).version).toBe(1);
    expect(f.states.names).toEqual(['suspended', 'reconnected']);
    expect(f.events.data).toEqual([{ type: 'dataChanged', path: `${f.base}/data` }]);
    await changeWatchedNodes(f);
    await eventually(() => expect(f.events.child).toHaveLength(1));
    await expectEphemeralOwnedBy(f, sessionId);
  });

  it('all servers down longer than the session timeout: the session is declared lost and a new one starts', async () => {
    const f = await fixture(3000);
    const oldSession = f.subject.sessionId;
    const watchEvents: WatchedEvent[] = [];
    await f.subject.getData(`${f.base}/kids`, { watch: (event) => watchEvents.push(event) });
    const stoppedAt = Date.now();
    await dedicated.ensemble.stopAll();
    const lost = await f.states.waitFor('lost');
    // Presumed gone a session timeout after the server was last heard from.
    expect(lost.at - stoppedAt).toBeGreaterThanOrEqual(2000);
    expect(lost.at - stoppedAt).toBeLessThan(5000);
    expect(lost.sessionId).toBe(oldSession);
    expect(watchEvents).toEqual([{ type: 'none', path: '', state: 'expired' }]);
    expect(f.events.recursive).toContainEqual({ type: 'none', path: '', state: 'expired' });
    await dedicated.ensemble.startAll();
    const connected = await f.states.waitFor('connected');
    expect(connected.sessionId).not.toBe(oldSession);
    expect(connected.sessionId).not.toBe(0n);
    expect(f.states.names).toEqual(['suspended', 'lost', 'connected']);
    expect(f.subject.watchCount).toBe(0);
    // The old session's ephemeral is gone once the servers expire it in turn.
    await eventually(async () => expect(await f.subject.exists(`${f.base}/eph`)).toBeNull(), {
      timeoutMs: 15_000,
    });
    await f.subject.create(`${f.base}/eph`, 'new session', { mode: 'ephemeral' });
    await expectEphemeralOwnedBy(f, f.subject.sessionId);
  });

  it('session expiry forced by the server: lost, watchers told, ephemerals gone, a new session follows', async () => {
    const f = await fixture(4000);
    const oldSession = f.subject.sessionId;
    await dedicated.ensemble.expireSession(f.subject);
    const connected = await f.states.waitFor('connected');
    expect(f.states.names).toEqual(['suspended', 'lost', 'connected']);
    expect(connected.sessionId).not.toBe(oldSession);
    for (const list of Object.values(f.events))
      expect(list).toEqual([{ type: 'none', path: '', state: 'expired' }]);
    await f.other.sync(f.base);
    expect(await f.other.exists(`${f.base}/eph`)).toBeNull();
    // Requests work on the new session.
    expect(await f.subject.create(`${f.base}/after`, 'x')).toBe(`${f.base}/after`);
  });

  it('renewSessionOnExpiry=false: an expired client closes and rejects further calls', async () => {
    const ensemble = dedicated.ensemble;
    const client = await ZooKeeperClient.connect(ensemble.connectString, {
      sessionTimeoutMs: 4000,
      renewSessionOnExpiry: false,
      logger: {},
    });
    clients.push(client);
    const states = new StateRecorder(client);
    await ensemble.expireSession(client);
    await states.waitFor('closed');
    expect(states.names).toEqual(['suspended', 'lost', 'closed']);
    await expect(client.getData('/')).rejects.toMatchObject({ code: 'CLOSED' });
  });
});

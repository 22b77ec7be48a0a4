import { ZooKeeperClient } from '@zk-cookbook/core/client';
import { StateRecorder, TcpProxy, eventually, useDedicatedEnsemble } from '@zk-cookbook/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  startPublisher,
  startSubscriber,
  type ConfigChange,
  type RunningPublisher,
  type RunningSubscriber,
  type SubscriberState,
} from '../src/index.ts';
import { ADMIN_SECRET, adminHeaders, expectNeverWentBack, getJson, publish, quietLogger } from './support.ts';

/**
 * The configuration centre's invariant under real faults, on an ensemble of its own: whatever
 * happened while a subscriber was cut off — several changes, a deletion, a new key — it ends at the
 * newest value of every key, and it never serves an older value than one it served before.
 *
 * - disconnected (its connection cut within the session): the cache re-reads and applies exactly
 *   the differences, because ZooKeeper does not replay missed notifications;
 * - session expired: the watch went with the session; the new session re-reads everything, and the
 *   subscriber registers itself again;
 * - its server paused (SIGSTOP) while changes stream in: the client moves to another server, which
 *   ZooKeeper lets it do only if that server has seen everything the client saw.
 */
const dedicated = useDedicatedEnsemble({ servers: 3, tickTimeMs: 200 });

interface Fixture {
  publisher: RunningPublisher;
  subscriber: RunningSubscriber;
  recorder: StateRecorder;
  proxy?: TcpProxy;
}
let running: Fixture | undefined;

afterEach(async () => {
  await running?.subscriber.close();
  await running?.publisher.close();
  await running?.proxy?.close();
  running = undefined;
});

async function setUp(root: string, { viaProxy }: { viaProxy: boolean }): Promise<Fixture> {
  const ensemble = dedicated.ensemble;
  const [first] = ensemble.members;
  const proxy = viaProxy ? await TcpProxy.start({ host: first!.host, port: first!.clientPort }) : undefined;
  const subscriber = await startSubscriber({
    // Through the proxy, the subscriber can only reach member 1: the test decides when it is cut off.
    connectString: proxy ? proxy.address : ensemble.connectString,
    instanceId: 'subscriber-1',
    root,
    sessionTimeoutMs: 6_000,
    logger: quietLogger,
  });
  await subscriber.client.waitForConnected({ timeoutMs: 20_000 });
  const connected = ensemble.members.find((member) => member.address === subscriber.client.connectedServer);
  const others = ensemble.members.filter((member) => member !== connected && member !== first);
  // The publisher writes through servers the fault does not touch.
  const publisher = await startPublisher({
    connectString: ensemble.connectStringOf(others.map((member) => member.id)),
    adminSecret: ADMIN_SECRET,
    root,
    logger: quietLogger,
  });
  running = {
    publisher,
    subscriber,
    recorder: new StateRecorder(subscriber.client),
    ...(proxy && { proxy }),
  };
  await eventually(
    async () => {
      expect((await fetch(`${publisher.url}/readyz`)).status).toBe(200);
      expect((await fetch(`${subscriber.url}/readyz`)).status).toBe(200);
    },
    { timeoutMs: 20_000 },
  );
  return running;
}

type View = { connection: string; values: { key: string; value: string; mzxid: string }[] };
const viewOf = async (subscriber: RunningSubscriber): Promise<View> =>
  (await getJson<View>(`${subscriber.url}/config`)).body;
const changesOf = async (subscriber: RunningSubscriber): Promise<ConfigChange[]> =>
  (await getJson<{ changes: ConfigChange[] }>(`${subscriber.url}/changes?limit=1000`)).body.changes;

/** What ZooKeeper holds, as the publisher reads it after a sync: key → { value, mzxid }. */
async function newest(
  publisher: RunningPublisher,
): Promise<Record<string, { value: string; mzxid: string }>> {
  const { status, body } = await getJson<{ values: { key: string; value: string; mzxid: string }[] }>(
    `${publisher.url}/api/config`,
  );
  expect(status).toBe(200);
  return Object.fromEntries(body.values.map(({ key, value, mzxid }) => [key, { value, mzxid }]));
}

async function expectAtNewest(subscriber: RunningSubscriber, publisher: RunningPublisher): Promise<void> {
  await eventually(
    async () => {
      const truth = await newest(publisher);
      const view = await viewOf(subscriber);
      expect(view.connection).toBe('connected');
      expect(Object.fromEntries(view.values.map(({ key, value, mzxid }) => [key, { value, mzxid }]))).toEqual(
        truth,
      );
    },
    { timeoutMs: 20_000, intervalMs: 100 },
  );
}

/** Several changes to existing keys, a deletion and a new key, each acknowledged before the next. */
async function changeEverything(publisher: RunningPublisher, rounds: number): Promise<void> {
  for (let round = 1; round <= rounds; round++) {
    await publish(publisher.url, 'alpha', `alpha-${round}`);
    await publish(publisher.url, 'beta', `beta-${round}`);
  }
  const removed = await fetch(`${publisher.url}/api/config/gamma`, {
    method: 'DELETE',
    headers: adminHeaders,
  });
  expect(removed.status).toBe(204);
  await publish(publisher.url, 'delta', 'new while away');
}

async function seed(publisher: RunningPublisher, subscriber: RunningSubscriber): Promise<void> {
  for (const key of ['alpha', 'beta', 'gamma']) await publish(publisher.url, key, `${key}-0`);
  await eventually(async () => expect((await viewOf(subscriber)).values).toHaveLength(3));
}

describe('a subscriber under faults ends at the newest value, never a stale one', () => {
  it('after its connection was cut while several changes happened', async () => {
    const { publisher, subscriber, recorder, proxy } = await setUp('/disconnected', { viaProxy: true });
    await seed(publisher, subscriber);
    const session = subscriber.client.sessionId;

    proxy!.setMode('refuse');
    proxy!.sever();
    await recorder.waitFor('suspended');
    await changeEverything(publisher, 5);
    // Cut off, it serves what it had — and says the values may be stale.
    const meanwhile = await viewOf(subscriber);
    expect(meanwhile.connection).toBe('suspended');
    expect(meanwhile.values.find((value) => value.key === 'alpha')?.value).toBe('alpha-0');

    proxy!.setMode('forward');
    await recorder.waitFor('reconnected');
    await expectAtNewest(subscriber, publisher);
    expect(subscriber.client.sessionId).toBe(session);
    const changes = await changesOf(subscriber);
    expect(changes.some((change) => change.type === 'resynced' && change.reason === 'reconnected')).toBe(
      true,
    );
    // The re-read applied the differences only (before saying `resynced`): straight from the value
    // before the cut to the newest one, none of the five in between.
    const alpha = changes.flatMap((change) =>
      change.type === 'set' && change.key === 'alpha' ? [change.value] : [],
    );
    expect(alpha).toEqual(['alpha-0', 'alpha-5']);
    const resynced = changes.findIndex((change) => change.type === 'resynced');
    expect(changes.slice(resynced + 1).filter((change) => change.type !== 'resynced')).toEqual([]);
    expectNeverWentBack(changes);
  });

  it('after its session expired while several changes happened, re-registered on the page', async () => {
    const { publisher, subscriber, recorder, proxy } = await setUp('/expired', { viaProxy: true });
    await seed(publisher, subscriber);
    const session = subscriber.client.sessionId;

    proxy!.setMode('refuse');
    proxy!.sever();
    await recorder.waitFor('suspended');
    await dedicated.ensemble.expireSession({
      sessionId: session,
      sessionPassword: subscriber.client.sessionPassword,
      connectedServer: subscriber.client.connectedServer,
    });
    await changeEverything(publisher, 5);
    // The publisher saw its registration go with the session.
    await eventually(async () => {
      const { body } = await getJson<{ subscribers: SubscriberState[] }>(`${publisher.url}/api/subscribers`);
      expect(body.subscribers).toEqual([]);
    });
    expect((await viewOf(subscriber)).values.find((value) => value.key === 'beta')?.value).toBe('beta-0');

    proxy!.setMode('forward');
    await recorder.waitFor('lost');
    await expectAtNewest(subscriber, publisher);
    expect(subscriber.client.sessionId).not.toBe(session);
    const changes = await changesOf(subscriber);
    expect(changes.some((change) => change.type === 'resynced' && change.reason === 'newSession')).toBe(true);
    expectNeverWentBack(changes);
    // Back on the page, with the newest values.
    const truth = await newest(publisher);
    await eventually(async () => {
      const { body } = await getJson<{ subscribers: SubscriberState[] }>(`${publisher.url}/api/subscribers`);
      expect(body.subscribers).toHaveLength(1);
      expect(body.subscribers[0]!.values.alpha?.mzxid).toBe(truth.alpha!.mzxid);
    });
    // The new session's watch works.
    const after = await publish(publisher.url, 'alpha', 'after expiry');
    await eventually(async () =>
      expect((await viewOf(subscriber)).values.find((value) => value.key === 'alpha')?.mzxid).toBe(
        after.mzxid,
      ),
    );
  });

  it('after its server was paused while changes streamed in', async () => {
    const { publisher, subscriber, recorder } = await setUp('/paused', { viaProxy: false });
    await seed(publisher, subscriber);
    const session = subscriber.client.sessionId;
    // Pausing the leader would stop every write until a new one is elected; this test is about one
    // subscriber's server, so move the subscriber off the leader first (it reconnects to another
    // server of its list within its session).
    const leader = await dedicated.ensemble.leader();
    for (let moves = 1; subscriber.client.connectedServer === leader?.address; moves++) {
      subscriber.client.dropConnection();
      await recorder.waitFor('reconnected', { count: moves });
    }
    const seen = (event: string): number => recorder.names.filter((name) => name === event).length;
    const [suspendedBefore, reconnectedBefore] = [seen('suspended'), seen('reconnected')];
    const paused = dedicated.ensemble.members.find(
      (member) => member.address === subscriber.client.connectedServer,
    )!;
    // A second writer of its own, so that writes keep coming while the subscriber's server is stopped.
    const unpaused = dedicated.ensemble.members
      .filter((member) => member !== paused)
      .map((member) => member.id);
    const writer = await ZooKeeperClient.connect(dedicated.ensemble.connectStringOf(unpaused), {
      auth: [{ scheme: 'digest', auth: `admin:${ADMIN_SECRET}` }],
      logger: {},
    });
    let stop = false;
    let written = 0;
    const writing = (async () => {
      while (!stop) {
        await writer.setData('/paused/config/alpha', `streamed-${++written}`);
        await writer.setData('/paused/config/beta', `streamed-${written}`);
      }
    })();
    try {
      await dedicated.ensemble.pause(paused.id);
      try {
        await recorder.waitFor('suspended', { count: suspendedBefore + 1 });
        await recorder.waitFor('reconnected', { count: reconnectedBefore + 1 });
      } finally {
        await dedicated.ensemble.resume(paused.id);
      }
      expect(subscriber.client.connectedServer).not.toBe(paused.address);
    } finally {
      stop = true;
      await writing;
      await writer.close();
    }
    expect(written).toBeGreaterThan(5);
    await expectAtNewest(subscriber, publisher);
    expect((await viewOf(subscriber)).values.find((value) => value.key === 'alpha')?.value).toBe(
      `streamed-${written}`,
    );
    expect(subscriber.client.sessionId).toBe(session);
    expectNeverWentBack(await changesOf(subscriber));
  });
});

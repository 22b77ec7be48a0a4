import { Perms, digestId, formatAcl, isZooKeeperError } from '@zk-cookbook/core/client';
import { eventually, useZooKeeper } from '@zk-cookbook/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startPublisher,
  startSubscriber,
  type RunningPublisher,
  type RunningSubscriber,
  type SubscriberState,
} from '../src/index.ts';
import {
  ADMIN_SECRET,
  adminHeaders,
  basicAuth,
  expectNeverWentBack,
  getJson,
  getWithHost,
  publish,
  quietLogger,
} from './support.ts';

/**
 * The configuration centre on the shared ensemble: one publisher and three subscribers in this
 * process, each with its own session, under this file's chroot.
 */
const zk = useZooKeeper('config-center');

describe('the configuration centre', () => {
  let publisher: RunningPublisher;
  let subscribers: RunningSubscriber[];

  const valueAt = async (subscriber: RunningSubscriber, key: string) =>
    getJson<{ value: string; mzxid: string; version: number }>(`${subscriber.url}/config/${key}`);

  beforeAll(async () => {
    publisher = await startPublisher({
      connectString: zk.connectString,
      adminSecret: ADMIN_SECRET,
      logger: quietLogger,
    });
    await eventually(async () => expect((await fetch(`${publisher.url}/readyz`)).status).toBe(200));
    subscribers = await Promise.all(
      [1, 2, 3].map((n) =>
        startSubscriber({
          connectString: zk.connectString,
          instanceId: `subscriber-${n}`,
          logger: quietLogger,
        }),
      ),
    );
    await eventually(async () => {
      for (const subscriber of subscribers)
        expect((await fetch(`${subscriber.url}/readyz`)).status).toBe(200);
    });
  });

  afterAll(async () => {
    await Promise.all((subscribers ?? []).map((subscriber) => subscriber.close()));
    await publisher?.close();
  });

  it('brings a change to every subscriber, with the version ZooKeeper acknowledged', async () => {
    const written = await publish(publisher.url, 'feature.dark-mode', 'on');
    expect(written).toMatchObject({ key: 'feature.dark-mode', value: 'on', version: 0 });
    await eventually(async () => {
      for (const subscriber of subscribers) {
        const { status, body } = await valueAt(subscriber, 'feature.dark-mode');
        expect(status).toBe(200);
        expect(body).toMatchObject({ value: 'on', mzxid: written.mzxid, version: 0 });
      }
    });
    const again = await publish(publisher.url, 'feature.dark-mode', 'off');
    expect(again.version).toBe(1);
    await eventually(async () => {
      for (const subscriber of subscribers)
        expect((await valueAt(subscriber, 'feature.dark-mode')).body.value).toBe('off');
    });
    const { body } = await getJson<{ values: { key: string; value: string }[]; connection: string }>(
      `${subscribers[0]!.url}/config`,
    );
    expect(body.connection).toBe('connected');
    expect(body.values.find((value) => value.key === 'feature.dark-mode')?.value).toBe('off');
  });

  it('is guarded by the digest ACL on the server: a session without the admin identity cannot write', async () => {
    await publish(publisher.url, 'limits.rps', '100');
    const path = '/config-center/config/limits.rps';
    const anonymous = await zk.connect();
    // Anyone may read. (A sync first: the write went through another session, perhaps another server.)
    await anonymous.sync(path);
    expect((await anonymous.getData(path)).data?.toString()).toBe('100');
    // The server shows a digest's hash only to sessions that may administer the node.
    expect((await anonymous.getACL(path)).acl.map(formatAcl).sort()).toEqual([
      'digest:admin:x:cdrwa',
      'world:anyone:r',
    ]);
    const refused = async (attempt: Promise<unknown>): Promise<void> => {
      const error = await attempt.then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(isZooKeeperError(error, 'NOAUTH'), String(error)).toBe(true);
    };
    await refused(anonymous.setData(path, 'hacked'));
    await refused(anonymous.delete(path));
    await refused(anonymous.create('/config-center/config/injected', 'x'));
    await refused(anonymous.setACL(path, [{ perms: Perms.ALL, id: { scheme: 'world', id: 'anyone' } }]));
    // A wrong secret is a different digest identity: refused the same way.
    const impostor = await zk.connect({ auth: [{ scheme: 'digest', auth: 'admin:not-the-secret' }] });
    await refused(impostor.setData(path, 'hacked'));
    // The admin identity may.
    const admin = await zk.connect({ auth: [{ scheme: 'digest', auth: `admin:${ADMIN_SECRET}` }] });
    await admin.sync(path);
    expect((await admin.getACL(path)).acl.map(formatAcl).sort()).toEqual(
      [formatAcl({ perms: Perms.ALL, id: digestId('admin', ADMIN_SECRET) }), 'world:anyone:r'].sort(),
    );
    await admin.setData(path, '200');
    await anonymous.sync(path);
    expect((await anonymous.getData(path)).data?.toString()).toBe('200');
  });

  it('answers a write without the admin credential with 403 JSON, and changes nothing', async () => {
    await publish(publisher.url, 'owner', 'ops');
    const attempt = (headers: Record<string, string>) =>
      getJson<{ error: { code: string } }>(`${publisher.url}/api/config/owner`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ value: 'mallory' }),
      });
    const missing = await attempt({});
    expect(missing.status).toBe(403);
    expect(missing.body.error.code).toBe('ADMIN_CREDENTIAL_REQUIRED');
    const wrong = await attempt({ authorization: basicAuth('admin', 'guess') });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.code).toBe('ADMIN_CREDENTIAL_INVALID');
    const garbage = await attempt({ authorization: 'Bearer something' });
    expect(garbage.body.error.code).toBe('ADMIN_CREDENTIAL_INVALID');
    const deleted = await getJson<{ error: { code: string } }>(`${publisher.url}/api/config/owner`, {
      method: 'DELETE',
    });
    expect(deleted.status).toBe(403);
    expect((await getJson<{ value: string }>(`${publisher.url}/api/config/owner`)).body.value).toBe('ops');
  });

  it('answers bad input with 4xx JSON naming the problem, and keeps serving', async () => {
    const put = (key: string, body: string, headers: Record<string, string> = adminHeaders) =>
      getJson<{ error: { code: string; message: string } }>(`${publisher.url}/api/config/${key}`, {
        method: 'PUT',
        headers,
        body,
      });
    const expectError = (
      answer: { status: number; body: { error: { code: string } } },
      status: number,
      code: string,
    ) => {
      expect(answer.status).toBe(status);
      expect(answer.body.error.code).toBe(code);
    };
    expectError(await put('.hidden', JSON.stringify({ value: 'x' })), 400, 'INVALID_REQUEST');
    expectError(await put('-starts-with-dash', JSON.stringify({ value: 'x' })), 400, 'INVALID_REQUEST');
    expectError(await put('a%20b', JSON.stringify({ value: 'x' })), 400, 'INVALID_REQUEST');
    expectError(await put('k'.repeat(129), JSON.stringify({ value: 'x' })), 400, 'INVALID_REQUEST');
    expectError(await put('ok', JSON.stringify({ value: 42 })), 400, 'INVALID_REQUEST');
    expectError(await put('ok', JSON.stringify({ value: 'x', expectedVersion: -3 })), 400, 'INVALID_REQUEST');
    expectError(await put('ok', '{"value": "x"'), 400, 'MALFORMED_JSON');
    expectError(
      await put('ok', JSON.stringify({ value: 'x'.repeat(64 * 1024 + 1) })),
      413,
      'VALUE_TOO_LARGE',
    );
    // Multi-byte characters count as the bytes ZooKeeper would store.
    expectError(
      await put('ok', JSON.stringify({ value: 'é'.repeat(32 * 1024 + 1) })),
      413,
      'VALUE_TOO_LARGE',
    );
    const written = await publish(publisher.url, 'versioned', 'a');
    expectError(
      await put('versioned', JSON.stringify({ value: 'b', expectedVersion: written.version + 5 })),
      409,
      'BADVERSION',
    );
    const replaced = await put('versioned', JSON.stringify({ value: 'b', expectedVersion: written.version }));
    expect(replaced.status).toBe(200);
    expectError(
      await put('never-created', JSON.stringify({ value: 'b', expectedVersion: 0 })),
      404,
      'NONODE',
    );
    const noKey = await getJson<{ error: { code: string } }>(`${publisher.url}/api/config/absent`);
    expectError(noKey, 404, 'NONODE');
    const removeAbsent = await getJson<{ error: { code: string } }>(`${publisher.url}/api/config/absent`, {
      method: 'DELETE',
      headers: adminHeaders,
    });
    expectError(removeAbsent, 404, 'NONODE');
    const subscriber = subscribers[0]!.url;
    expectError(await getJson(`${subscriber}/config/${'x'.repeat(200)}`), 400, 'INVALID_REQUEST');
    expectError(await getJson(`${subscriber}/config/not-there`), 404, 'NO_SUCH_KEY');
    expectError(await getJson(`${subscriber}/changes?limit=lots`), 400, 'INVALID_REQUEST');
    expectError(await getJson(`${subscriber}/no/such/route`), 404, 'NOT_FOUND');
    // A page of another site, or a rebound DNS name, is refused before anything is read.
    expectError(
      await put('ok', JSON.stringify({ value: 'x' }), { ...adminHeaders, origin: 'https://evil.example' }),
      403,
      'CROSS_ORIGIN_REQUEST',
    );
    expectError(await getWithHost(`${subscriber}/config`, 'evil.example'), 403, 'FORBIDDEN_HOST');
    expectError(await getWithHost(`${publisher.url}/api/config`, 'evil.example:80'), 403, 'FORBIDDEN_HOST');
    expect((await fetch(`${publisher.url}/healthz`)).status).toBe(200);
  });

  it('brings a deletion to every subscriber, and logs every change in order', async () => {
    await publish(publisher.url, 'temporary', 'one');
    await publish(publisher.url, 'temporary', 'two');
    // A key created and deleted between two reads of the cache is never seen at all, so the
    // deletion is only a change to log once every subscriber has applied the key.
    await eventually(async () => {
      for (const subscriber of subscribers)
        expect((await valueAt(subscriber, 'temporary')).body.value).toBe('two');
    });
    const removed = await fetch(`${publisher.url}/api/config/temporary`, {
      method: 'DELETE',
      headers: adminHeaders,
    });
    expect(removed.status).toBe(204);
    await eventually(async () => {
      for (const subscriber of subscribers) expect((await valueAt(subscriber, 'temporary')).status).toBe(404);
    });
    const { body } = await getJson<{
      changes: { type: string; key?: string; value?: string; mzxid?: string }[];
    }>(`${subscribers[1]!.url}/changes?limit=1000`);
    const ofKey = body.changes.filter((change) => change.key === 'temporary');
    // A cache reads the newest value when told of a change, so 'one' may have been overwritten
    // before the read and skipped; 'two' was seen (waited for above) and the deletion ends it.
    expect(ofKey.at(-1)?.type).toBe('deleted');
    const values = ofKey.flatMap((change) => (change.type === 'set' ? [change.value] : []));
    expect([['two'], ['one', 'two']]).toContainEqual(values);
    expectNeverWentBack(body.changes);
  });

  it('exposes health, readiness and the pattern’s own metrics', async () => {
    for (const url of [publisher.url, ...subscribers.map((subscriber) => subscriber.url)]) {
      const ready = await getJson<{ status: string; checks: Record<string, { ready: boolean }> }>(
        `${url}/readyz`,
      );
      expect(ready.status).toBe(200);
      expect(Object.values(ready.body.checks).every((check) => check.ready)).toBe(true);
    }
    const subscriberMetrics = await (await fetch(`${subscribers[0]!.url}/metrics`)).text();
    expect(subscriberMetrics).toMatch(/config_center_changes_applied_total\{type="set"\} [1-9]/);
    expect(subscriberMetrics).toMatch(/config_center_propagation_lag_seconds_count [1-9]/);
    expect(subscriberMetrics).toMatch(/config_center_keys [1-9]/);
    const publisherMetrics = await (await fetch(`${publisher.url}/metrics`)).text();
    expect(publisherMetrics).toMatch(/config_center_writes_total\{operation="set",outcome="ok"\} [1-9]/);
    expect(publisherMetrics).toMatch(/config_center_writes_total\{operation="set",outcome="BADVERSION"\} 1/);
    expect(publisherMetrics).toMatch(/config_center_subscribers\{reachable="true"\} 3/);
  });

  it('shows every subscriber on the publisher, with the values each one reported', async () => {
    const written = await publish(publisher.url, 'board', 'shown');
    await eventually(async () => {
      const { body } = await getJson<{ subscribers: SubscriberState[] }>(`${publisher.url}/api/subscribers`);
      expect(body.subscribers.map((subscriber) => subscriber.instanceId)).toEqual([
        'subscriber-1',
        'subscriber-2',
        'subscriber-3',
      ]);
      for (const subscriber of body.subscribers) {
        expect(subscriber).toMatchObject({ reachable: true, connection: 'connected', initialized: true });
        expect(subscriber.values.board).toMatchObject({ value: 'shown', mzxid: written.mzxid });
      }
    });
  });

  it('shows a bogus registration as a problem, never follows it anywhere odd, and keeps the real ones live', async () => {
    // Anyone may add to the registry: these are what a confused or hostile client could write.
    const stranger = await zk.connect();
    const register = (name: string, data: string) =>
      stranger.create(`/config-center/subscribers/${name}`, data, { mode: 'ephemeral' });
    await register('not-json', '{"instanceId":');
    await register('script', JSON.stringify({ instanceId: 'script', url: 'javascript:alert(1)' }));
    await register('impostor', JSON.stringify({ instanceId: 'someone-else', url: 'http://127.0.0.1:1' }));
    await register(
      'not-a-subscriber',
      JSON.stringify({ instanceId: 'not-a-subscriber', url: publisher.url }),
    );
    const written = await publish(publisher.url, 'after-strangers', 'still live');
    await eventually(async () => {
      const { body } = await getJson<{ subscribers: SubscriberState[] }>(`${publisher.url}/api/subscribers`);
      const byId = new Map(body.subscribers.map((subscriber) => [subscriber.instanceId, subscriber]));
      for (const name of ['not-json', 'script', 'impostor']) {
        expect(byId.get(name)?.reachable).toBe(false);
        expect(byId.get(name)?.url).toBeUndefined();
        expect(byId.get(name)?.problem).toContain('registration');
      }
      // A real URL that is no subscriber: tried (its fixed path only), reported, retried — nothing more.
      expect(byId.get('not-a-subscriber')).toMatchObject({ reachable: false, values: {} });
      expect(byId.get('not-a-subscriber')?.problem).toContain('404');
      for (const n of [1, 2, 3]) {
        expect(byId.get(`subscriber-${n}`)).toMatchObject({ reachable: true });
        expect(byId.get(`subscriber-${n}`)?.values['after-strangers']?.mzxid).toBe(written.mzxid);
      }
    });
    await stranger.close();
    await eventually(async () => {
      const { body } = await getJson<{ subscribers: SubscriberState[] }>(`${publisher.url}/api/subscribers`);
      expect(body.subscribers.map((subscriber) => subscriber.instanceId)).toEqual([
        'subscriber-1',
        'subscriber-2',
        'subscriber-3',
      ]);
    });
  });

  it('deregisters a subscriber that shuts down, and the publisher drops it', async () => {
    const extra = await startSubscriber({
      connectString: zk.connectString,
      instanceId: 'subscriber-extra',
      logger: quietLogger,
    });
    const listed = async () =>
      (
        await getJson<{ subscribers: SubscriberState[] }>(`${publisher.url}/api/subscribers`)
      ).body.subscribers.map((subscriber) => subscriber.instanceId);
    await eventually(async () => expect(await listed()).toContain('subscriber-extra'));
    await extra.close();
    expect(extra.client.state).toBe('closed');
    await eventually(async () => expect(await listed()).not.toContain('subscriber-extra'));
  });

  it('refuses an instance id that cannot name its registration node', async () => {
    await expect(
      startSubscriber({ connectString: zk.connectString, instanceId: 'a/b', logger: quietLogger }),
    ).rejects.toMatchObject({ name: 'ConfigCenterError', code: 'BAD_SETTINGS' });
  });

  it('refuses to take over a tree that another admin secret created, and says so in /readyz', async () => {
    const other = await startPublisher({
      connectString: zk.connectString,
      adminSecret: 'a-different-secret',
      logger: quietLogger,
    });
    try {
      await eventually(async () => {
        const { status, body } = await getJson<{ checks: { layout: { ready: boolean; detail: string } } }>(
          `${other.url}/readyz`,
        );
        expect(status).toBe(503);
        expect(body.checks.layout.detail).toContain('another ADMIN_SECRET');
      });
    } finally {
      await other.close();
    }
    // Nothing changed for the rightful publisher.
    expect((await publish(publisher.url, 'still', 'mine')).value).toBe('mine');
  });
});

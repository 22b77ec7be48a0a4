import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isZooKeeperError } from '@zk-cookbook/core/client';
import { useZooKeeper } from '@zk-cookbook/core/testing';
import {
  ConfiguratorLayout,
  DEMO_SCHEMA,
  parseEditors,
  startConfigurator,
  type RunningConfigurator,
} from '../src/index.ts';
import { ConfiguratorApi } from './api-client.ts';

const zk = useZooKeeper('configurator');
const editors = parseEditors({ passwords: 'alice:alice-secret,bob:bob-secret' });

describe('the Configurator API', () => {
  let service: RunningConfigurator;
  let anonymous: ConfiguratorApi;
  let alice: ConfiguratorApi;
  let bob: ConfiguratorApi;
  const layout = new ConfiguratorLayout();
  const keyUrl = (key: string, namespace = 'shop') => `/api/namespaces/${namespace}/keys/${key}`;
  type Published = {
    outcome: string;
    version: { version: number; author: string; publishId: string };
    pruned: number[];
  };
  type ErrorBody = { error: { code: string; message: string; details?: Record<string, unknown> } };

  beforeAll(async () => {
    service = await startConfigurator({
      connectString: zk.connectString,
      editors,
      keepVersions: 4,
      maxValueBytes: 64 * 1024,
      logger: pino({ level: 'silent' }),
    });
    anonymous = new ConfiguratorApi(service.url);
    alice = anonymous.as('alice', 'alice-secret');
    bob = anonymous.as('bob', 'bob-secret');
    await waitReady(service.url);
    const created = await alice.post('/api/namespaces', {
      name: 'shop',
      description: 'the shop',
      schema: DEMO_SCHEMA,
    });
    expect(created.status).toBe(201);
  });

  afterAll(async () => {
    await service?.close();
  });

  const publish = (api: ConfiguratorApi, key: string, value: unknown, extra: Record<string, unknown> = {}) =>
    api.post<Published & ErrorBody>(`${keyUrl(key)}/versions`, { value, message: `set ${key}`, ...extra });
  const valid = (greeting: string, maxConnections = 10) => ({ greeting, maxConnections });

  it('publishes immutable versions and moves the current pointer; the author is the digest identity', async () => {
    const first = await publish(alice, 'app', valid('one'), { baseVersion: 0 });
    expect(first.status).toBe(201);
    expect(first.body.version).toMatchObject({ version: 1, author: 'alice' });
    const second = await publish(bob, 'app', valid('two'), { baseVersion: 1 });
    expect(second.body.version).toMatchObject({ version: 2, author: 'bob' });

    const state = await anonymous.get<{ current: { version: number }; gray: null; latest: number }>(
      keyUrl('app'),
    );
    expect(state.body).toMatchObject({ current: { version: 2 }, gray: null, latest: 2 });
    const history = await anonymous.get<{ versions: { version: number; author: string; message: string }[] }>(
      `${keyUrl('app')}/versions`,
    );
    expect(history.body.versions.map((entry) => [entry.version, entry.author])).toEqual([
      [2, 'bob'],
      [1, 'alice'],
    ]);
    // What ZooKeeper holds: version 1 unchanged, and only editors may write it (the server says so).
    const reader = await zk.connect();
    const { data, stat } = await reader.getData(layout.version('shop', 'app', 1));
    expect(JSON.parse(data.toString())).toMatchObject({ value: valid('one'), author: 'alice' });
    expect(stat.version).toBe(0);
    await expect(reader.setData(layout.version('shop', 'app', 1), 'tampered')).rejects.toSatisfy((error) =>
      isZooKeeperError(error, 'NOAUTH'),
    );
    await expect(reader.setData(layout.current('shop', 'app'), '{}')).rejects.toSatisfy((error) =>
      isZooKeeperError(error, 'NOAUTH'),
    );
  });

  it('lets exactly one of many concurrent publishes from the same base win; the others get 409 with the current version', async () => {
    const base = await publish(alice, 'race', valid('base'), { baseVersion: 0 });
    expect(base.status).toBe(201);
    const contenders = Array.from({ length: 8 }, (_, index) =>
      publish(index % 2 === 0 ? alice : bob, 'race', valid(`contender-${index}`), { baseVersion: 1 }),
    );
    const answers = await Promise.all(contenders);
    const winners = answers.filter((answer) => answer.status === 201);
    const losers = answers.filter((answer) => answer.status === 409);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(7);
    for (const loser of losers) {
      expect(loser.body.error.code).toBe('VERSION_CONFLICT');
      expect(loser.body.error.details).toMatchObject({ currentVersion: 2 });
    }
    // Nothing half-written: exactly versions 1 and 2, current on the winner's, no stray version node.
    const reader = await zk.connect();
    await reader.sync('/');
    expect((await reader.getChildren(layout.versions('shop', 'race'))).children.sort()).toEqual([
      '0000000001',
      '0000000002',
    ]);
    const current = JSON.parse((await reader.getData(layout.current('shop', 'race'))).data.toString()) as {
      publishId: string;
    };
    expect(current.publishId).toBe(winners[0]!.body.version.publishId);
  });

  it('also serialises concurrent publishes that give no base version: every winner gets its own number, none is lost', async () => {
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, index) => publish(alice, 'free-for-all', valid(`v${index}`))),
    );
    const published = answers
      .filter((answer) => answer.status === 201)
      .map((answer) => answer.body.version.version);
    expect(published.length).toBeGreaterThanOrEqual(1);
    expect(
      answers.every((answer) => answer.status === 201 || answer.body.error.code === 'VERSION_CONFLICT'),
    ).toBe(true);
    const history = await anonymous.get<{ versions: { version: number }[] }>(
      `${keyUrl('free-for-all')}/versions`,
    );
    expect(history.body.versions.map((entry) => entry.version).sort()).toEqual([...published].sort());
  });

  it('refuses a value the namespace schema rejects with 422 naming the field, before anything is written', async () => {
    const wrongType = await publish(alice, 'app', { greeting: 'hi', maxConnections: 'many' });
    expect(wrongType.status).toBe(422);
    expect(wrongType.body.error.code).toBe('SCHEMA_VIOLATION');
    expect(wrongType.body.error.details).toMatchObject({ field: '/maxConnections' });
    const missing = await publish(alice, 'app', { greeting: 'hi' });
    expect(missing.body.error.details).toMatchObject({ field: '/maxConnections' });
    const extra = await publish(alice, 'app', { ...valid('hi'), colour: 'red' });
    expect(extra.body.error.details).toMatchObject({ field: '/colour' });
    const validated = await alice.post(`${keyUrl('app')}/validate`, {
      value: { greeting: '', maxConnections: 1 },
    });
    expect(validated.status).toBe(422);
    expect((validated.body as ErrorBody).error.details).toMatchObject({ field: '/greeting' });
    expect((await anonymous.get<{ latest: number }>(keyUrl('app'))).body.latest).toBe(2);
  });

  it('refuses a schema that is not a JSON Schema when it is set, not at publish time', async () => {
    const answer = await alice.post<ErrorBody>('/api/namespaces', {
      name: 'broken',
      schema: { type: 'no-such-type' },
    });
    expect(answer.status).toBe(422);
    expect(answer.body.error.code).toBe('INVALID_SCHEMA');
  });

  it('answers 413 for a value over the configured size, and writes nothing', async () => {
    const namespace = await alice.post('/api/namespaces', { name: 'blobs' });
    expect(namespace.status).toBe(201);
    const answer = await alice.post<ErrorBody>(`${keyUrl('big', 'blobs')}/versions`, {
      value: 'x'.repeat(70 * 1024),
      message: 'too big',
    });
    expect(answer.status).toBe(413);
    expect(answer.body.error).toMatchObject({ code: 'VALUE_TOO_LARGE', details: { limitBytes: 64 * 1024 } });
    expect((await anonymous.get(keyUrl('big', 'blobs'))).status).toBe(404);
  });

  it('diffs any two versions and rolls back by publishing a new version equal to an old one', async () => {
    await publish(alice, 'rollback', { greeting: 'a', maxConnections: 1, features: { x: true } });
    await publish(alice, 'rollback', { greeting: 'b', maxConnections: 1, features: { y: true } });
    const diff = await anonymous.get<{ changes: unknown[] }>(`${keyUrl('rollback')}/diff?from=1&to=2`);
    expect(diff.body.changes).toEqual([
      { op: 'removed', path: '/features/x', before: true },
      { op: 'added', path: '/features/y', after: true },
      { op: 'changed', path: '/greeting', before: 'a', after: 'b' },
    ]);
    const rolledBack = await alice.post<Published>(`${keyUrl('rollback')}/rollback`, {
      toVersion: 1,
      message: 'b broke checkout',
      baseVersion: 2,
    });
    expect(rolledBack.status).toBe(201);
    expect(rolledBack.body.version).toMatchObject({
      version: 3,
      kind: 'rollback',
      rollbackOf: 1,
      author: 'alice',
    });
    const three = await anonymous.get<{ value: unknown; message: string }>(
      `${keyUrl('rollback')}/versions/3`,
    );
    expect(three.body).toMatchObject({
      value: { greeting: 'a', maxConnections: 1, features: { x: true } },
      message: 'b broke checkout',
    });
    expect(
      (await anonymous.get<{ changes: unknown[] }>(`${keyUrl('rollback')}/diff?from=1&to=3`)).body.changes,
    ).toEqual([]);
    expect((await anonymous.get(`${keyUrl('rollback')}/versions/99`)).status).toBe(404);
  });

  it('makes a retried publish with the same publishId return the first one instead of publishing twice', async () => {
    const publishId = 'retry-0123456789';
    const first = await publish(alice, 'idempotent', valid('once'), { publishId });
    const again = await publish(alice, 'idempotent', valid('once'), { publishId });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ outcome: 'already-published', version: { version: 1, publishId } });
    const lookup = await anonymous.get(`${keyUrl('idempotent')}/publishes/${publishId}`);
    expect(lookup.body).toMatchObject({ outcome: 'published', version: { version: 1 } });
    expect((await anonymous.get(`${keyUrl('idempotent')}/publishes/never-published-id`)).status).toBe(404);
  });

  it('runs a gray release: the new version goes to gray only, then to current on promotion; abort leaves current alone', async () => {
    await publish(alice, 'gray', valid('stable'));
    const refused = await publish(alice, 'gray', valid('canary'), { mode: 'gray' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('NO_CANARIES');
    expect((await alice.put('/api/namespaces/shop/canary', { instances: ['sub-2', 'sub-1'] })).body).toEqual({
      instances: ['sub-1', 'sub-2'],
    });

    const gray = await publish(alice, 'gray', valid('canary'), { mode: 'gray' });
    expect(gray.status).toBe(201);
    let state = await anonymous.get<{ current: { version: number }; gray: { version: number } }>(
      keyUrl('gray'),
    );
    expect(state.body).toMatchObject({ current: { version: 1 }, gray: { version: 2 } });
    const during = await publish(bob, 'gray', valid('meanwhile'));
    expect(during.status).toBe(409);
    expect(during.body.error.code).toBe('GRAY_RELEASE_IN_PROGRESS');

    expect((await bob.post(`${keyUrl('gray')}/gray/promote`)).status).toBe(200);
    state = await anonymous.get(keyUrl('gray'));
    expect(state.body).toMatchObject({ current: { version: 2 }, gray: null });

    await publish(alice, 'gray', valid('second canary'), { mode: 'gray' });
    expect((await alice.post(`${keyUrl('gray')}/gray/abort`)).body).toMatchObject({
      aborted: 3,
      current: { version: 2 },
    });
    state = await anonymous.get(keyUrl('gray'));
    expect(state.body).toMatchObject({ current: { version: 2 }, gray: null, latest: 3 });
    expect((await alice.post(`${keyUrl('gray')}/gray/promote`)).status).toBe(409);
  });

  it('keeps the history bounded, pruning the oldest but never the current or the gray version', async () => {
    // keepVersions is 4.
    await alice.put('/api/namespaces/shop/canary', { instances: ['sub-1'] });
    await publish(alice, 'pruned', valid('v1'));
    for (let index = 2; index <= 6; index++) await publish(alice, 'pruned', valid(`v${index}`));
    let history = await anonymous.get<{ versions: { version: number }[] }>(`${keyUrl('pruned')}/versions`);
    expect(history.body.versions.map((entry) => entry.version)).toEqual([6, 5, 4, 3]);

    // An aborted gray version is history like any other: it ages out too.
    await publish(alice, 'pruned', valid('gray 7'), { mode: 'gray' });
    await alice.post(`${keyUrl('pruned')}/gray/abort`);
    for (let index = 8; index <= 12; index++) await publish(alice, 'pruned', valid(`v${index}`));
    history = await anonymous.get(`${keyUrl('pruned')}/versions`);
    expect(history.body.versions.map((entry) => entry.version)).toEqual([12, 11, 10, 9]);
  });

  it('never prunes the version a long gray release is rolling out, nor current, however many versions pass', async () => {
    await alice.put('/api/namespaces/shop/canary', { instances: ['sub-1'] });
    await publish(alice, 'long-gray', valid('v1'));
    await publish(alice, 'long-gray', valid('gray v2'), { mode: 'gray' });
    // Publishing to all is refused during a gray release; what moves the history on meanwhile is
    // aborting and starting new gray versions, while current stays at version 1.
    for (let round = 0; round < 5; round++) {
      await alice.post(`${keyUrl('long-gray')}/gray/abort`);
      await publish(alice, 'long-gray', valid(`gray round ${round}`), { mode: 'gray' });
    }
    const history = await anonymous.get<{ versions: { version: number }[] }>(
      `${keyUrl('long-gray')}/versions`,
    );
    const versions = history.body.versions.map((entry) => entry.version);
    expect(versions).toContain(1); // current, older than the newest four
    expect(versions).toContain(7); // the gray release in progress
    expect(versions).toEqual([7, 6, 5, 4, 1]);
  });

  it('refuses changes without an editor (401), with a wrong password (401), and from another site (403)', async () => {
    const noCredentials = await anonymous.post<ErrorBody>(`${keyUrl('app')}/versions`, {
      value: valid('x'),
      message: 'm',
    });
    expect(noCredentials.status).toBe(401);
    expect(noCredentials.headers.get('www-authenticate')).toContain('Basic');
    const wrong = await anonymous
      .as('alice', 'guess')
      .post<ErrorBody>(`${keyUrl('app')}/versions`, { value: valid('x'), message: 'm' });
    expect(wrong.status).toBe(401);
    const crossSite = await fetch(`${service.url}${keyUrl('app')}/versions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        origin: 'https://evil.example',
        authorization: `Basic ${Buffer.from('alice:alice-secret').toString('base64')}`,
      },
      body: JSON.stringify({ value: valid('x'), message: 'm' }),
    });
    expect(crossSite.status).toBe(403);
    expect((await anonymous.get<{ latest: number }>(keyUrl('app'))).body.latest).toBe(2);
  });

  it.each([
    ['malformed JSON', '{"value": ', 400, 'MALFORMED_JSON'],
    ['no value', JSON.stringify({ message: 'm' }), 400, 'INVALID_REQUEST'],
    ['no message', JSON.stringify({ value: 1 }), 400, 'INVALID_REQUEST'],
    [
      'a negative base version',
      JSON.stringify({ value: 1, message: 'm', baseVersion: -1 }),
      400,
      'INVALID_REQUEST',
    ],
    ['an unknown mode', JSON.stringify({ value: 1, message: 'm', mode: 'some' }), 400, 'INVALID_REQUEST'],
    [
      'a short publish id',
      JSON.stringify({ value: 1, message: 'm', publishId: 'x' }),
      400,
      'INVALID_REQUEST',
    ],
  ])('answers %s with a JSON %i', async (_case, body, status, code) => {
    const answer = await alice.request<ErrorBody>('POST', `${keyUrl('app')}/versions`, undefined, body);
    expect(answer.status).toBe(status);
    expect(answer.body.error.code).toBe(code);
  });

  it.each([
    ['/api/namespaces/..%2F..%2Fzookeeper/keys', 400],
    ['/api/namespaces/shop/keys/a%00b', 400],
    ['/api/namespaces/nope/keys', 404],
    ['/api/namespaces/shop/keys/app/versions/0', 400],
    ['/api/namespaces/shop/keys/app/versions/abc', 400],
    ['/api/namespaces/shop/keys/app/diff?from=1', 400],
    ['/api/namespaces/shop/keys/app/diff?from=1&to=1&to=2', 400],
    ['/api/namespaces/shop/keys/never-published', 404],
  ])('answers GET %s with a JSON %i', async (path, status) => {
    const answer = await anonymous.get<ErrorBody>(path);
    expect(answer.status).toBe(status);
    expect(typeof answer.body.error.code).toBe('string');
  });

  it('counts publishes by outcome in /metrics', async () => {
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect(metrics).toMatch(/configurator_publishes_total\{kind="publish",outcome="published"\} \d+/);
    expect(metrics).toMatch(/configurator_publishes_total\{kind="publish",outcome="conflict"\} [1-9]/);
    expect(metrics).toMatch(
      /configurator_publishes_total\{kind="publish",outcome="schema_violation"\} [1-9]/,
    );
    expect(metrics).toMatch(/configurator_pruned_versions_total [1-9]/);
    expect(metrics).toContain('process_cpu_seconds_total');
  });
});

async function waitReady(url: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const response = await fetch(`${url}/readyz`);
    if (response.status === 200) return;
    if (Date.now() > deadline) throw new Error(`not ready: ${await response.text()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

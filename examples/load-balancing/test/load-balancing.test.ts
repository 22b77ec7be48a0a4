import { once } from 'node:events';
import { connect, createServer } from 'node:net';
import { eventually, useZooKeeper } from '@zk-cookbook/core/testing';
import { ServiceDiscovery } from '@zk-cookbook/core/recipes/discovery';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  HashRing,
  keyHash,
  sampleKeys,
  servicesPath,
  startGateway,
  startProvider,
  type GatewayView,
  type MembershipChange,
  type MovementReport,
  type RunningGateway,
  type RunningProvider,
} from '../src/index.ts';
import { gatewayWriteHeaders, getJson, putJson, quietLogger, tally, through } from './support.ts';

/**
 * The gateway and three providers on the shared ensemble (this file's chroot): the providers'
 * registrations reach the gateway through its watch, and each strategy, the circuits and the retry
 * rules show in which provider answers each request.
 */
const zk = useZooKeeper('load-balancing');
const ROOT = '/load-balancing';

let providers: RunningProvider[];
let gateway: RunningGateway;
let writeHeaders: Record<string, string>;

const stateOf = async (): Promise<GatewayView> =>
  (await getJson<GatewayView>(`${gateway.url}/gateway/state`)).body;

async function useStrategy(strategy: string, preferZone: string | null = null): Promise<void> {
  const { status } = await putJson(`${gateway.url}/gateway/strategy`, { strategy, preferZone }, writeHeaders);
  expect(status).toBe(200);
}

/** A key that consistent hashing sends to `provider` right now. */
async function keyOwnedBy(provider: string): Promise<string> {
  for (let index = 0; index < 500; index++) {
    const answer = await through(gateway.url, `/app/items/probe-${index}`);
    if (answer.provider === provider) return `probe-${index}`;
  }
  throw new Error(`no key lands on ${provider}`);
}

beforeAll(async () => {
  const start = (id: string, weight: number, zone: string) =>
    startProvider({
      connectString: zk.connectString,
      instanceId: id,
      weight,
      zone,
      root: ROOT,
      logger: quietLogger,
    });
  providers = await Promise.all([
    start('provider-1', 1, 'eu-1'),
    start('provider-2', 1, 'eu-1'),
    start('provider-3', 2, 'us-1'),
  ]);
  gateway = await startGateway({ connectString: zk.connectString, root: ROOT, logger: quietLogger });
  await eventually(async () => expect((await stateOf()).providers).toHaveLength(3), { timeoutMs: 15_000 });
  writeHeaders = await gatewayWriteHeaders(gateway.url);
}, 60_000);

afterAll(async () => {
  await gateway?.close();
  await Promise.all((providers ?? []).map((provider) => provider.close()));
});

beforeEach(async () => {
  await useStrategy('round-robin');
});

describe('the provider list', () => {
  it('holds every registered provider with its address, weight and zone, read from ZooKeeper', async () => {
    const view = await stateOf();
    expect(view.providers.map(({ id, url, weight, zone }) => ({ id, url, weight, zone }))).toEqual(
      providers.map((provider, index) => ({
        id: provider.instanceId,
        url: provider.url,
        weight: index === 2 ? 2 : 1,
        zone: index === 2 ? 'us-1' : 'eu-1',
      })),
    );
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200);
    // What the gateway read is what the providers wrote: x-discovery records under the root.
    const reader = await zk.connect();
    const discovery = new ServiceDiscovery(reader, servicesPath(ROOT));
    const records = await discovery.queryForInstances('backend');
    expect(records.map((record) => [record.id, record.port, record.payload])).toEqual([
      ['provider-1', Number(new URL(providers[0]!.url).port), { weight: 1, zone: 'eu-1' }],
      ['provider-2', Number(new URL(providers[1]!.url).port), { weight: 1, zone: 'eu-1' }],
      ['provider-3', Number(new URL(providers[2]!.url).port), { weight: 2, zone: 'us-1' }],
    ]);
  });
});

describe('strategies', () => {
  it('round-robin (smooth weighted) splits requests exactly by weight', async () => {
    const answers = [];
    for (let i = 0; i < 40; i++) answers.push(await through(gateway.url, '/app/hello'));
    expect(answers.every((answer) => answer.status === 200 && answer.attempts === 1)).toBe(true);
    expect(tally(answers)).toEqual({ 'provider-1': 10, 'provider-2': 10, 'provider-3': 20 });
    // The answer is the provider's own, streamed through.
    expect(answers[0]!.body.provider).toBe(answers[0]!.provider);
  });

  it('consistent hashing sends each key to one provider, by path or by x-hash-key', async () => {
    await useStrategy('consistent-hash');
    for (const key of ['alpha', 'beta', 'gamma', 'delta', 'epsilon']) {
      const answers = [];
      for (let i = 0; i < 8; i++) answers.push(await through(gateway.url, `/app/items/${key}`));
      expect(Object.keys(tally(answers))).toHaveLength(1);
      const byHeader = [];
      for (let i = 0; i < 8; i++)
        byHeader.push(
          await through(gateway.url, `/app/hello?n=${i}`, { headers: { 'x-hash-key': `user-${key}` } }),
        );
      expect(Object.keys(tally(byHeader))).toHaveLength(1);
    }
  });

  it('zone preference keeps traffic in the zone while it has a provider', async () => {
    await useStrategy('round-robin', 'eu-1');
    const answers = [];
    for (let i = 0; i < 10; i++) answers.push(await through(gateway.url, '/app/hello'));
    expect(tally(answers)).toEqual({ 'provider-1': 5, 'provider-2': 5 });
    expect((await stateOf()).preferZone).toBe('eu-1');
  });

  it('least-active sends a new request to the provider with nothing in flight', async () => {
    await useStrategy('least-active');
    const slow = [through(gateway.url, '/app/slow?ms=1500'), through(gateway.url, '/app/slow?ms=1500')];
    await eventually(async () => {
      const busy = (await stateOf()).providers.filter((provider) => provider.active > 0);
      expect(busy).toHaveLength(2);
    });
    const quick = await through(gateway.url, '/app/hello');
    const busy = (await Promise.all(slow)).map((answer) => answer.provider);
    expect(new Set(busy).size).toBe(2);
    expect(busy).not.toContain(quick.provider);
  });
});

describe('weights from ZooKeeper', () => {
  it('a weight changed on a provider reaches the gateway through its watch; weight 0 drains it', async () => {
    const { status } = await putJson(
      `${gateway.url}/gateway/providers/provider-1/weight`,
      { weight: 0 },
      writeHeaders,
    );
    expect(status).toBe(200);
    await eventually(async () =>
      expect((await stateOf()).providers.find((provider) => provider.id === 'provider-1')?.weight).toBe(0),
    );
    const answers = [];
    for (let i = 0; i < 12; i++) answers.push(await through(gateway.url, '/app/hello'));
    expect(tally(answers)).toEqual({ 'provider-2': 4, 'provider-3': 8 });
    await putJson(`${providers[0]!.url}/admin/weight`, { weight: 1 });
    await eventually(async () =>
      expect((await stateOf()).providers.find((provider) => provider.id === 'provider-1')?.weight).toBe(1),
    );
    const changes = (await getJson<{ changes: MembershipChange[] }>(`${gateway.url}/gateway/membership`)).body
      .changes;
    expect(
      changes
        .filter((change) => change.type === 'updated' && change.id === 'provider-1')
        .map((c) => c.provider.weight),
    ).toEqual([0, 1]);
  });
});

describe('failures: retries and circuits', () => {
  it('retries an idempotent GET on another provider, but hands a POST the failing provider’s 503', async () => {
    await useStrategy('consistent-hash');
    const key = await keyOwnedBy('provider-2');
    await putJson(`${providers[1]!.url}/admin/failing`, { failing: true });
    try {
      const post = await through(gateway.url, `/app/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hash-key': key },
        body: JSON.stringify({ item: 'book' }),
      });
      expect(post.status).toBe(503);
      expect(post.provider).toBe('provider-2');
      expect(post.attempts).toBe(1);
      const get = await through(gateway.url, `/app/items/${key}`);
      expect(get.status).toBe(200);
      expect(get.provider).not.toBe('provider-2');
      expect(get.attempts).toBe(2);
    } finally {
      await putJson(`${providers[1]!.url}/admin/failing`, { failing: false });
    }
  });

  it('opens the circuit of a provider after 3 failures in a row and stops sending to it', async () => {
    await putJson(`${providers[0]!.url}/admin/failing`, { failing: true });
    try {
      const answers = [];
      for (let i = 0; i < 30; i++) answers.push(await through(gateway.url, '/app/hello'));
      expect(answers.every((answer) => answer.status === 200 && answer.provider !== 'provider-1')).toBe(true);
      const failing = (await stateOf()).providers.find((provider) => provider.id === 'provider-1')!;
      expect(failing.circuit).toBe('open');
      const sentWhenOpened = failing.sent;
      for (let i = 0; i < 20; i++) expect((await through(gateway.url, '/app/hello')).status).toBe(200);
      expect((await stateOf()).providers.find((provider) => provider.id === 'provider-1')!.sent).toBe(
        sentWhenOpened,
      );
    } finally {
      await putJson(`${providers[0]!.url}/admin/failing`, { failing: false });
    }
  });

  it('sends even a POST elsewhere when the connection was refused: nothing reached the provider', async () => {
    // A registration whose port nobody listens on: a provider that died and whose node is still there.
    const closed = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const writer = new ServiceDiscovery(await zk.connect(), servicesPath(ROOT));
    await writer.registerService({
      name: 'backend',
      id: 'ghost',
      address: '127.0.0.1',
      port: closed,
      payload: { weight: 1, zone: 'eu-1' },
      uriSpec: '{scheme}://{address}:{port}',
    });
    try {
      await eventually(async () => expect((await stateOf()).providers.map((p) => p.id)).toContain('ghost'));
      await useStrategy('consistent-hash');
      // The ring every gateway builds from these providers says which keys belong to the ghost.
      const ring = new HashRing((await stateOf()).providers);
      const key = sampleKeys(200).find((candidate) => ring.ownerOf(keyHash(candidate))?.id === 'ghost')!;
      const retriesBefore = (await stateOf()).totals.retries;
      const post = await through(gateway.url, '/app/orders', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hash-key': key },
        body: JSON.stringify({ item: 'book' }),
      });
      expect(post.status).toBe(201);
      expect(post.attempts).toBe(2);
      expect(post.provider).not.toBe('ghost');
      const ghost = (await stateOf()).providers.find((p) => p.id === 'ghost')!;
      expect(ghost).toMatchObject({ sent: 1, failed: 1, served: 0 });
      expect((await stateOf()).totals.retries).toBe(retriesBefore + 1);
    } finally {
      await writer.close();
    }
  });

  it('answers 503 NO_PROVIDER when the service has no provider', async () => {
    const empty = await startGateway({
      connectString: zk.connectString,
      root: ROOT,
      serviceName: 'nobody',
      logger: quietLogger,
    });
    try {
      await eventually(async () => expect((await fetch(`${empty.url}/readyz`)).status).toBe(200));
      const answer = await through<{ error: { code: string } }>(empty.url, '/app/hello');
      expect(answer.status).toBe(503);
      expect(answer.body.error.code).toBe('NO_PROVIDER');
    } finally {
      await empty.close();
    }
  });
});

describe('bad input gets a 4xx JSON error', () => {
  it('from the gateway’s own API', async () => {
    const unknown = await putJson(`${gateway.url}/gateway/strategy`, { strategy: 'fastest' }, writeHeaders);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error?.code).toBe('INVALID_REQUEST');
    const withoutToken = await putJson(`${gateway.url}/gateway/strategy`, { strategy: 'round-robin' });
    expect(withoutToken.status).toBe(403);
    expect((await getJson(`${gateway.url}/gateway/membership?limit=0`)).status).toBe(400);
    const noSuch = await putJson(
      `${gateway.url}/gateway/providers/nobody/weight`,
      { weight: 1 },
      writeHeaders,
    );
    expect(noSuch.status).toBe(404);
    const badWeight = await putJson(
      `${gateway.url}/gateway/providers/provider-1/weight`,
      { weight: 1.5 },
      writeHeaders,
    );
    expect(badWeight.status).toBe(400);
  });

  it('from a provider, passed through the gateway unchanged', async () => {
    const order = await through<{ error: { code: string } }>(gateway.url, '/app/orders', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ item: 42 }),
    });
    expect(order.status).toBe(400);
    expect(order.body.error.code).toBe('INVALID_REQUEST');
    expect(order.attempts).toBe(1);
    expect((await putJson(`${providers[0]!.url}/admin/weight`, { weight: -1 })).status).toBe(400);
    expect((await putJson(`${providers[0]!.url}/admin/failing`, { failing: 'yes' })).status).toBe(400);
    expect((await through(gateway.url, '/app/slow?ms=abc')).status).toBe(400);
  });

  it('a client that hangs up mid-body costs nothing: no attempt, and the gateway serves on', async () => {
    const before = await stateOf();
    const { port } = new URL(gateway.url);
    const socket = connect(Number(port), '127.0.0.1');
    await once(socket, 'connect');
    socket.write(
      'POST /app/orders HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"item":',
    );
    socket.destroy();
    await once(socket, 'close');
    expect((await through(gateway.url, '/app/hello')).status).toBe(200);
    const after = await stateOf();
    // One request more (the GET), not two: the cut-off POST went to no provider.
    expect(after.totals.requests).toBe(before.totals.requests + 1);
    const sent = (view: GatewayView) => view.providers.reduce((sum, provider) => sum + provider.sent, 0);
    expect(sent(after)).toBe(sent(before) + 1);
  });

  it('a body larger than the gateway holds gets 413, and nothing reaches a provider', async () => {
    const before = (await stateOf()).totals.requests;
    const answer = await through<{ error: { code: string } }>(gateway.url, '/app/orders', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ item: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(answer.status).toBe(413);
    expect(answer.body.error.code).toBe('BODY_TOO_LARGE');
    expect((await stateOf()).totals.requests).toBe(before);
  });
});

describe('providers joining and leaving', () => {
  it('a provider that shuts down deregisters and leaves the list at once; one that joins gets traffic', async () => {
    const joining = await startProvider({
      connectString: zk.connectString,
      instanceId: 'provider-4',
      root: ROOT,
      logger: quietLogger,
    });
    await eventually(async () =>
      expect((await stateOf()).providers.map((p) => p.id)).toContain('provider-4'),
    );
    const movement = gateway.feed.lastMovement() as MovementReport;
    expect(movement).toMatchObject({ providersBefore: 3, providersAfter: 4 });
    // Weights 1,1,2 → 1,1,2,1: a fifth of the keys should move to provider-4; modulo moves most.
    expect(movement.consistentHash).toBeGreaterThan(0.1);
    expect(movement.consistentHash).toBeLessThan(0.3);
    expect(movement.modulo).toBeGreaterThan(0.6);
    const answers = [];
    for (let i = 0; i < 10; i++) answers.push(await through(gateway.url, '/app/hello'));
    expect(tally(answers)['provider-4']).toBe(2);

    const closedAt = Date.now();
    await joining.close();
    const left = await eventually(async () => {
      const changes = (await getJson<{ changes: MembershipChange[] }>(`${gateway.url}/gateway/membership`))
        .body.changes;
      const change = changes.find((c) => c.type === 'left' && c.id === 'provider-4');
      expect(change).toBeDefined();
      return change!;
    });
    // Deregistered before the process goes: seen long before any session could time out.
    expect(left.at - closedAt).toBeLessThan(2_000);
    for (let i = 0; i < 10; i++)
      expect((await through(gateway.url, '/app/hello')).provider).not.toBe('provider-4');
  });
});

import { useZooKeeper, eventually } from '@zk-cookbook/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  bindingPath,
  namePath,
  namingLayout,
  startNamingService,
  type Resolution,
  type RunningNamingService,
} from '../src/index.ts';
import { quietLogger, requestJson, type ErrorAnswer } from './support.ts';

/**
 * The name registry on the shared ensemble (TTL nodes on, container sweep every 500 ms): bindings
 * seen by every instance through its watched copy; a session binding gone with the instance that
 * holds it; a TTL binding outliving its writer until unrenewed for its TTL.
 */
const zk = useZooKeeper('naming-names');
const running: RunningNamingService[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((service) => service.close()));
});

async function start(root: string, instanceId: string): Promise<RunningNamingService> {
  const service = await startNamingService({
    connectString: zk.connectString,
    root,
    instanceId,
    logger: quietLogger,
  });
  running.push(service);
  await eventually(async () => expect((await fetch(`${service.url}/readyz`)).status).toBe(200), {
    timeoutMs: 20_000,
  });
  return service;
}

type Lookup = Resolution & { connection: string; stale: boolean };
const lookup = (service: RunningNamingService, name: string) =>
  requestJson<Lookup & ErrorAnswer>(`${service.url}/names/${name}`);
const bind = (service: RunningNamingService, name: string, body: unknown) =>
  requestJson<ErrorAnswer>(`${service.url}/names/${name}`, 'PUT', body);

async function resolvesTo(service: RunningNamingService, name: string, addresses: string[]): Promise<Lookup> {
  return eventually(async () => {
    const answer = await lookup(service, name);
    expect(answer.status).toBe(200);
    expect(answer.body.addresses).toEqual(addresses);
    return answer.body;
  });
}

async function notFound(service: RunningNamingService, name: string, timeoutMs = 10_000): Promise<void> {
  await eventually(
    async () => {
      const answer = await lookup(service, name);
      expect(answer.status).toBe(404);
      expect(answer.body.error.code).toBe('NAME_NOT_FOUND');
    },
    { timeoutMs },
  );
}

describe('session bindings', () => {
  it('every instance resolves a binding; it goes away with the instance that holds it', async () => {
    const one = await start('/session', 'naming-1');
    const two = await start('/session', 'naming-2');
    expect((await bind(one, 'api.payments', { owner: 'web-1', addresses: ['10.0.0.5:8080'] })).status).toBe(
      201,
    );
    expect(
      (await bind(two, 'api.payments', { owner: 'web-2', addresses: ['10.0.0.6:8080', '[::1]:8081'] }))
        .status,
    ).toBe(201);
    const seen = await resolvesTo(one, 'api.payments', ['10.0.0.5:8080', '10.0.0.6:8080', '[::1]:8081']);
    expect(seen).toMatchObject({ connection: 'connected', stale: false });
    expect(seen.bindings).toEqual([
      { owner: 'web-1', addresses: ['10.0.0.5:8080'], lifetime: 'session', boundBy: 'naming-1' },
      {
        owner: 'web-2',
        addresses: ['10.0.0.6:8080', '[::1]:8081'],
        lifetime: 'session',
        boundBy: 'naming-2',
      },
    ]);
    // Binding again replaces the addresses.
    expect((await bind(one, 'api.payments', { owner: 'web-1', addresses: ['10.0.0.7:8080'] })).status).toBe(
      200,
    );
    await resolvesTo(two, 'api.payments', ['10.0.0.7:8080', '10.0.0.6:8080', '[::1]:8081']);

    // naming-2 ends (its session closes): its host's entry goes, the other stays.
    await running.splice(1, 1)[0]!.close();
    await resolvesTo(one, 'api.payments', ['10.0.0.7:8080']);
    const listed = await requestJson<{ names: Resolution[] }>(`${one.url}/names`);
    expect(listed.body.names.map((each) => each.name)).toEqual(['api.payments']);
  });

  it('a binding held through one instance cannot be taken over or removed through another', async () => {
    const one = await start('/conflict', 'naming-1');
    const two = await start('/conflict', 'naming-2');
    expect((await bind(one, 'db', { owner: 'db-1', addresses: ['db1:5432'] })).status).toBe(201);
    const takeover = await bind(two, 'db', { owner: 'db-1', addresses: ['evil:5432'] });
    expect(takeover.status).toBe(409);
    expect(takeover.body.error.code).toBe('BINDING_CONFLICT');
    const removal = await requestJson<ErrorAnswer>(`${two.url}/names/db/db-1`, 'DELETE');
    expect(removal.status).toBe(409);
    await resolvesTo(two, 'db', ['db1:5432']);

    expect((await requestJson(`${one.url}/names/db/db-1`, 'DELETE')).status).toBe(204);
    await notFound(two, 'db');
    const again = await requestJson<ErrorAnswer>(`${one.url}/names/db/db-1`, 'DELETE');
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('NO_BINDING');
    // The name's container goes with its last binding.
    const reader = await zk.connect();
    await eventually(async () =>
      expect(await reader.exists(namePath(namingLayout('/conflict'), 'db'))).toBeNull(),
    );
  });
});

describe('TTL bindings', () => {
  it('outlive the instance that wrote them, and end once not renewed for their TTL', async () => {
    const writer = await start('/ttl', 'naming-1');
    const reader = await start('/ttl', 'naming-2');
    const ttlMs = 2_000;
    expect(
      (await bind(writer, 'batch', { owner: 'cron-1', addresses: ['10.0.0.9:9000'], ttlMs })).status,
    ).toBe(201);
    const first = await resolvesTo(reader, 'batch', ['10.0.0.9:9000']);
    expect(first.bindings[0]).toMatchObject({ lifetime: 'ttl', ttlMs, boundBy: 'naming-1' });

    // Renewing moves the end: the server counts the TTL from the node's last change.
    const renewed = await bind(reader, 'batch', { owner: 'cron-1', addresses: ['10.0.0.9:9000'], ttlMs });
    expect(renewed.status).toBe(200);
    await eventually(async () => {
      const now = (await lookup(reader, 'batch')).body;
      expect(Date.parse(now.bindings[0]!.expiresAt!)).toBeGreaterThan(
        Date.parse(first.bindings[0]!.expiresAt!),
      );
    });

    // The writer is gone (session closed); the binding is not.
    await running.splice(0, 1)[0]!.close();
    expect((await lookup(reader, 'batch')).status).toBe(200);
    await notFound(reader, 'batch', ttlMs + 10_000);
    // And the server removed the node itself (this ensemble sweeps every 500 ms).
    const client = await zk.connect();
    const path = bindingPath(namingLayout('/ttl'), 'batch', 'cron-1');
    await eventually(async () => expect(await client.exists(path)).toBeNull(), { timeoutMs: 10_000 });
  });

  it('a binding switches lifetime when bound again with or without a TTL', async () => {
    const service = await start('/switch', 'naming-1');
    const client = await zk.connect();
    const path = bindingPath(namingLayout('/switch'), 'svc', 'host-1');
    expect((await bind(service, 'svc', { owner: 'host-1', addresses: ['a:1'], ttlMs: 60_000 })).status).toBe(
      201,
    );
    expect((await client.exists(path))?.ephemeralOwner).toBe(0n);
    expect((await bind(service, 'svc', { owner: 'host-1', addresses: ['a:2'] })).status).toBe(200);
    expect((await client.exists(path))?.ephemeralOwner).toBe(service.client.sessionId);
    expect((await bind(service, 'svc', { owner: 'host-1', addresses: ['a:3'], ttlMs: 30_000 })).status).toBe(
      200,
    );
    await eventually(async () => {
      const now = await client.exists(path);
      expect(now?.ephemeralOwner).toBe(0n);
    });
    const seen = await resolvesTo(service, 'svc', ['a:3']);
    expect(seen.bindings[0]).toMatchObject({ lifetime: 'ttl', ttlMs: 30_000 });
  });
});

describe('bad input', () => {
  it('is answered with 4xx JSON naming the problem', async () => {
    const service = await start('/bad', 'naming-1');
    const cases: [string, string, unknown, number][] = [
      ['PUT', 'Bad_Name', { owner: 'a', addresses: ['h:1'] }, 400],
      ['PUT', 'ok', { owner: 'a', addresses: [] }, 400],
      ['PUT', 'ok', { owner: 'a', addresses: ['no-port'] }, 400],
      ['PUT', 'ok', { owner: 'a', addresses: ['h:70000'] }, 400],
      ['PUT', 'ok', { owner: '../x', addresses: ['h:1'] }, 400],
      ['PUT', 'ok', { owner: 'a', addresses: ['h:1'], ttlMs: 10 }, 400],
      ['PUT', 'ok', { owner: 'a', addresses: ['h:1'], extra: true }, 400],
      ['PUT', 'ok', '{"owner": ', 400],
      ['GET', 'nothing.here', undefined, 404],
      ['DELETE', 'ok/nobody', undefined, 404],
    ];
    for (const [method, name, body, status] of cases) {
      const answer = await requestJson<ErrorAnswer>(`${service.url}/names/${name}`, method, body);
      expect(answer.status, `${method} ${name} ${JSON.stringify(body)}`).toBe(status);
      expect(typeof answer.body.error.code).toBe('string');
    }
  });
});

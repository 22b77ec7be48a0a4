import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allocateFreePorts } from '@zk-cookbook/core/ensemble';
import { parseConnectString } from '@zk-cookbook/core/client';
import { eventually, TcpProxy, useZooKeeper } from '@zk-cookbook/core/testing';
import {
  parseEditors,
  startConfigurator,
  startSubscriberService,
  type RunningConfigurator,
  type RunningSubscriberService,
} from '../src/index.ts';
import { ConfiguratorApi } from './api-client.ts';

const zk = useZooKeeper('configurator-subscriber');
const silent = pino({ level: 'silent' });

describe('subscribers of the Configurator', () => {
  let configurator: RunningConfigurator;
  let alice: ConfiguratorApi;
  let directory: string;
  const subscribers: RunningSubscriberService[] = [];
  const proxies: TcpProxy[] = [];
  const keyUrl = (key: string) => `/api/namespaces/orders/keys/${key}`;

  const startSubscriber = async (
    instanceId: string,
    extra: Partial<Parameters<typeof startSubscriberService>[0]> = {},
  ) => {
    const service = await startSubscriberService({
      connectString: zk.connectString,
      namespace: 'orders',
      instanceId,
      fallbackFile: join(directory, `${instanceId}.json`),
      logger: silent,
      ...extra,
    });
    subscribers.push(service);
    return service;
  };
  const configOf = async (service: RunningSubscriberService) =>
    (await (await fetch(`${service.url}/config`)).json()) as {
      source: string;
      live: boolean;
      versions: Record<string, number>;
      config: Record<string, { version: number; value: unknown }>;
    };

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'configurator-subscriber-'));
    configurator = await startConfigurator({
      connectString: zk.connectString,
      editors: parseEditors({ passwords: 'alice:alice-secret' }),
      logger: silent,
    });
    alice = new ConfiguratorApi(configurator.url).as('alice', 'alice-secret');
    await eventually(async () => expect((await fetch(`${configurator.url}/readyz`)).status).toBe(200));
    expect((await alice.post('/api/namespaces', { name: 'orders' })).status).toBe(201);
    expect(
      (await alice.post(`${keyUrl('limits')}/versions`, { value: { batch: 10 }, message: 'first' })).status,
    ).toBe(201);
  });

  afterAll(async () => {
    await Promise.all(subscribers.map((service) => service.close()));
    await configurator?.close();
    await Promise.all(proxies.map((proxy) => proxy.close()));
    rmSync(directory, { recursive: true, force: true });
  });

  it('applies the current version at start and every publish after it, and reports what it runs', async () => {
    const one = await startSubscriber('sub-1');
    expect((await configOf(one)).config).toEqual({ limits: { version: 1, value: { batch: 10 } } });
    await alice.post(`${keyUrl('limits')}/versions`, { value: { batch: 20 }, message: 'bigger batches' });
    await eventually(async () =>
      expect((await configOf(one)).config.limits).toEqual({ version: 2, value: { batch: 20 } }),
    );
    await eventually(async () => {
      const { body } = await alice.get<{
        instances: { instanceId: string; versions: Record<string, number>; source: string }[];
      }>('/api/namespaces/orders/instances');
      expect(body.instances).toEqual([
        expect.objectContaining({ instanceId: 'sub-1', versions: { limits: 2 }, source: 'zookeeper' }),
      ]);
    });
    const readiness = await fetch(`${one.url}/readyz`);
    expect(readiness.status).toBe(200);
    expect(await readiness.json()).toMatchObject({ status: 'ready', source: 'zookeeper' });
    // The last known config is on disk for the next start.
    expect(JSON.parse(readFileSync(join(directory, 'sub-1.json'), 'utf8'))).toMatchObject({
      keys: { limits: { version: 2 } },
    });
  });

  it('gives a gray version to the canaries only, then to everybody once promoted; the report shows who runs what', async () => {
    const one = subscribers[0]!;
    const two = await startSubscriber('sub-2');
    const appliedByTwo: number[] = [two.subscriber.get('limits')!.version];
    two.subscriber.on('applied', (_key, { version }) => appliedByTwo.push(version));
    await alice.put('/api/namespaces/orders/canary', { instances: ['sub-2'] });
    const gray = await alice.post(`${keyUrl('limits')}/versions`, {
      value: { batch: 30 },
      message: 'try 30',
      mode: 'gray',
    });
    expect(gray.status).toBe(201);
    await eventually(async () => expect((await configOf(two)).versions).toEqual({ limits: 3 }));
    await eventually(async () => {
      const { body } = await alice.get<{
        instances: { instanceId: string; versions: Record<string, number>; canary: boolean }[];
      }>('/api/namespaces/orders/instances');
      expect(
        body.instances.map(({ instanceId, versions, canary }) => ({ instanceId, versions, canary })),
      ).toEqual([
        { instanceId: 'sub-1', versions: { limits: 2 }, canary: false },
        { instanceId: 'sub-2', versions: { limits: 3 }, canary: true },
      ]);
    });
    expect((await configOf(one)).versions).toEqual({ limits: 2 });

    expect((await alice.post(`${keyUrl('limits')}/gray/promote`)).status).toBe(200);
    await eventually(async () => expect((await configOf(one)).versions).toEqual({ limits: 3 }));
    expect((await configOf(two)).versions).toEqual({ limits: 3 });

    // An aborted gray release sends the canaries back to current.
    await alice.post(`${keyUrl('limits')}/versions`, {
      value: { batch: 40 },
      message: 'try 40',
      mode: 'gray',
    });
    await eventually(async () => expect((await configOf(two)).versions).toEqual({ limits: 4 }));
    await alice.post(`${keyUrl('limits')}/gray/abort`);
    await eventually(async () =>
      expect((await configOf(two)).config.limits).toEqual({ version: 3, value: { batch: 30 } }),
    );
    expect((await configOf(one)).versions).toEqual({ limits: 3 });
    // Never a step back in between: the promotion (gray deleted + current moved, one multi) is
    // seen whole, so the canary did not fall back to version 2 for a moment.
    expect(appliedByTwo).toEqual([2, 3, 4, 3]);
  });

  it('starts from its last known config when ZooKeeper is unreachable, says "degraded" in /readyz, and goes live once it can', async () => {
    // The only way to the ensemble is a proxy that refuses connections until the test lets them through.
    const proxy = await TcpProxy.start(parseConnectString(zk.ensembleConnectString).servers[0]!);
    proxies.push(proxy);
    proxy.setMode('refuse');
    const offline = await startSubscriber('sub-1-restarted', {
      connectString: `${proxy.address}${zk.chroot}`,
      fallbackFile: join(directory, 'sub-1.json'),
      startTimeoutMs: 500,
    });
    const readiness = await fetch(`${offline.url}/readyz`);
    expect(readiness.status).toBe(200);
    expect(await readiness.json()).toMatchObject({ status: 'degraded', source: 'file' });
    // sub-1 last ran version 3 (the promoted gray release); that is what the file holds.
    expect((await configOf(offline)).config).toEqual({ limits: { version: 3, value: { batch: 30 } } });
    expect(await (await fetch(`${offline.url}/metrics`)).text()).toContain('config_subscriber_live 0');

    // Published while it could not see it: once ZooKeeper is reachable it goes live on the newest.
    expect(
      (await alice.post(`${keyUrl('limits')}/versions`, { value: { batch: 50 }, message: 'while offline' }))
        .status,
    ).toBe(201);
    proxy.setMode('forward');
    await eventually(
      async () => {
        expect(await (await fetch(`${offline.url}/readyz`)).json()).toMatchObject({
          status: 'ready',
          source: 'zookeeper',
        });
        expect((await configOf(offline)).config).toEqual({ limits: { version: 5, value: { batch: 50 } } });
      },
      { timeoutMs: 20_000 },
    );
  });

  it('is not ready at all when ZooKeeper is unreachable and there is no last known config', async () => {
    const [closedPort] = await allocateFreePorts(1);
    const empty = await startSubscriber('sub-new', {
      connectString: `127.0.0.1:${closedPort}${zk.chroot}`,
      fallbackFile: join(directory, 'never-written.json'),
      startTimeoutMs: 300,
    });
    const readiness = await fetch(`${empty.url}/readyz`);
    expect(readiness.status).toBe(503);
    expect(await readiness.json()).toMatchObject({ status: 'not-ready', source: 'none' });
    expect((await fetch(`${empty.url}/config/limits`)).status).toBe(404);
  });

  it('leaves the last known config file alone when it is corrupt, and starts with nothing from it', async () => {
    const file = join(directory, 'corrupt.json');
    writeFileSync(file, '{"namespace": "orders", "keys": ');
    const [closedPort] = await allocateFreePorts(1);
    const service = await startSubscriber('sub-corrupt', {
      connectString: `127.0.0.1:${closedPort}${zk.chroot}`,
      fallbackFile: file,
      startTimeoutMs: 300,
    });
    expect((await fetch(`${service.url}/readyz`)).status).toBe(503);
    expect(readFileSync(file, 'utf8')).toBe('{"namespace": "orders", "keys": ');
  });
});

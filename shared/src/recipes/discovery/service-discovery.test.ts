import { describe, expect, it } from 'vitest';
import { ensurePath, parseConnectString, type ZooKeeperClient } from '../../client/index.ts';
import { expireSession } from '../../ensemble/expire-session.ts';
import { StateRecorder, TcpProxy, eventually, useZooKeeper } from '../../../test-support/index.ts';
import { StickyStrategy } from './provider-strategies.ts';
import { ServiceDiscovery } from './service-discovery.ts';
import { serializeServiceInstance, type ServiceInstance } from './service-instance.ts';

const zk = useZooKeeper('service-discovery');

async function nodeData(client: ZooKeeperClient, path: string): Promise<string | null> {
  const found = await client.getData(path).catch(() => null);
  return found ? found.data.toString('utf8') : null;
}

const recordOf = (instance: ServiceInstance): string => serializeServiceInstance(instance).toString('utf8');

/** A client whose connection a test can cut and restore (see TreeCache tests). */
async function proxiedClient() {
  const target = parseConnectString(zk.ensembleConnectString).servers[0]!;
  const proxy = await TcpProxy.start(target);
  const client = await zk.connectVia(proxy.address, { sessionTimeoutMs: 8000 });
  const recorder = new StateRecorder(client);
  return {
    client,
    recorder,
    proxy,
    async cut(): Promise<void> {
      proxy.setMode('refuse');
      proxy.sever();
      await recorder.waitFor('suspended');
    },
    restore: () => proxy.setMode('forward'),
  };
}

describe('ServiceDiscovery registration', () => {
  it('lays out <base>/<name>/<id> with the create mode of each service type', async () => {
    const client = await zk.connect();
    const discovery = new ServiceDiscovery(client, '/layout/services');
    const dynamic = await discovery.registerService({ name: 'api', id: 'dyn', port: 8080 });
    const fixed = await discovery.registerService({ name: 'api', id: 'static', serviceType: 'STATIC' });
    const permanent = await discovery.registerService({ name: 'api', id: 'perm', serviceType: 'PERMANENT' });
    const sequential = await discovery.registerService({
      name: 'api',
      id: 'seq-',
      serviceType: 'DYNAMIC_SEQUENTIAL',
    });

    const stat = async (path: string) => (await client.exists(path))!;
    expect((await stat('/layout/services/api/dyn')).ephemeralOwner).toBe(client.sessionId);
    expect((await stat('/layout/services/api/static')).ephemeralOwner).toBe(0n);
    expect((await stat('/layout/services/api/perm')).ephemeralOwner).toBe(0n);
    const sequentialPath = discovery.registeredPath('seq-')!;
    expect(sequentialPath).toMatch(/^\/layout\/services\/api\/seq-\d{10}$/);
    expect((await stat(sequentialPath)).ephemeralOwner).toBe(client.sessionId);
    // The node holds Curator's record, byte for byte.
    expect(await nodeData(client, '/layout/services/api/dyn')).toBe(recordOf(dynamic));
    expect(await nodeData(client, sequentialPath)).toBe(recordOf(sequential));
    expect(recordOf(dynamic)).not.toContain('enabled');
    expect(
      discovery
        .registeredInstances()
        .map((instance) => instance.id)
        .sort(),
    ).toEqual(['dyn', 'perm', 'seq-', 'static']);
    expect([fixed.serviceType, permanent.serviceType]).toEqual(['STATIC', 'PERMANENT']);
    await discovery.close();
  });

  it('creates parents as containers, so an emptied service leaves nothing behind (CURATOR-163)', async () => {
    const client = await zk.connect();
    const discovery = new ServiceDiscovery(client, '/containers/services');
    await discovery.registerService({ name: 'short-lived', id: 'only' });
    await discovery.unregisterService('only');
    await eventually(async () => expect(await client.exists('/containers/services/short-lived')).toBeNull(), {
      timeoutMs: 15_000,
    });
    await discovery.close();
  });

  it('replaces whatever node is at the path: deleted and created again, as Curator does', async () => {
    const client = await zk.connect();
    const other = await zk.connect();
    await ensurePath(other, '/replace/services/api');
    await other.create('/replace/services/api/inst', 'stale', { mode: 'ephemeral' });
    const staleStat = (await other.exists('/replace/services/api/inst'))!;
    const discovery = new ServiceDiscovery(client, '/replace/services');
    const instance = await discovery.registerService({ name: 'api', id: 'inst' });
    const stat = (await client.exists('/replace/services/api/inst'))!;
    expect(stat.czxid).toBeGreaterThan(staleStat.czxid);
    expect(stat.ephemeralOwner).toBe(client.sessionId);
    expect(await nodeData(client, '/replace/services/api/inst')).toBe(recordOf(instance));
    // Registering again (e.g. a sequential instance) never leaves two nodes for one instance.
    await discovery.registerService({ name: 'api', id: 'seq', serviceType: 'DYNAMIC_SEQUENTIAL' });
    const first = discovery.registeredPath('seq');
    await discovery.registerService({ name: 'api', id: 'seq', serviceType: 'DYNAMIC_SEQUENTIAL', port: 1 });
    expect(discovery.registeredPath('seq')).not.toBe(first);
    expect(
      (await client.getChildren('/replace/services/api')).children.filter((name) => name.startsWith('seq')),
    ).toHaveLength(1);
    await discovery.close();
  });

  it('updates the record in place, and refuses updates it cannot honour', async () => {
    const client = await zk.connect();
    const discovery = new ServiceDiscovery(client, '/update/services');
    const v1 = await discovery.registerService({ name: 'api', id: 'i', port: 1, payload: { v: 1 } });
    const czxid = (await client.exists('/update/services/api/i'))!.czxid;
    const v2 = await discovery.updateService({ ...v1, port: 2, payload: { v: 2 } });
    expect(await nodeData(client, '/update/services/api/i')).toBe(recordOf(v2));
    expect((await client.exists('/update/services/api/i'))!.czxid).toBe(czxid);
    await expect(discovery.updateService({ name: 'api', id: 'unknown' })).rejects.toMatchObject({
      code: 'NOT_HELD',
    });
    await expect(discovery.updateService({ ...v2, name: 'other' })).rejects.toMatchObject({
      code: 'BAD_ARGUMENT',
    });
    await expect(discovery.updateService({ ...v2, serviceType: 'STATIC' })).rejects.toMatchObject({
      code: 'BAD_ARGUMENT',
    });
    await expect(discovery.registerService({ ...v2, name: 'other' })).rejects.toMatchObject({
      code: 'BAD_ARGUMENT',
    });
    await discovery.close();
  });

  it('unregisters, and close() removes all but PERMANENT instances (CURATOR-94)', async () => {
    const client = await zk.connect();
    const discovery = new ServiceDiscovery(client, '/close/services');
    await discovery.registerService({ name: 'api', id: 'dyn' });
    await discovery.registerService({ name: 'api', id: 'static', serviceType: 'STATIC' });
    await discovery.registerService({ name: 'api', id: 'perm', serviceType: 'PERMANENT' });
    await discovery.registerService({ name: 'api', id: 'gone', serviceType: 'STATIC' });
    expect(await discovery.unregisterService({ id: 'gone' })).toBe(true);
    expect(await discovery.unregisterService('gone')).toBe(false);
    expect(await client.exists('/close/services/api/gone')).toBeNull();
    await discovery.close();
    expect((await client.getChildren('/close/services/api')).children).toEqual(['perm']);
    await expect(discovery.registerService({ name: 'api' })).rejects.toMatchObject({ code: 'CLOSED' });
    await client.delete('/close/services/api/perm');
  });

  it('validates its arguments', async () => {
    const client = await zk.connect();
    expect(() => new ServiceDiscovery(client, 'services')).toThrow(/invalid path/);
    const discovery = new ServiceDiscovery(client, '/args/services');
    await expect(discovery.registerService({ name: 'a/b' })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(discovery.registerService({ name: 'api', port: -1 })).rejects.toMatchObject({
      code: 'BAD_ARGUMENT',
    });
    await expect(discovery.queryForInstances('a/b')).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(discovery.registerService({ name: 'api' }, { timeoutMs: -1 })).rejects.toMatchObject({
      code: 'BAD_ARGUMENT',
    });
    await discovery.close();
  });
});

describe('ServiceDiscovery queries, caches and providers', () => {
  it('queries names and instances, disabled ones included, skipping what is not a record', async () => {
    const client = await zk.connect();
    const discovery = new ServiceDiscovery(client, '/query/services');
    expect(await discovery.queryForNames()).toEqual([]);
    expect(await discovery.queryForInstances('none')).toEqual([]);
    const a = await discovery.registerService({
      name: 'web',
      id: 'a',
      uriSpec: '{scheme}://{address}:{port}',
      port: 80,
    });
    const b = await discovery.registerService({ name: 'web', id: 'b', enabled: false });
    await discovery.registerService({ name: 'db', id: 'x' });
    await client.create('/query/services/web/junk', 'not json');
    const errors: unknown[] = [];
    discovery.on('error', (error) => errors.push(error));
    expect(await discovery.queryForNames()).toEqual(['db', 'web']);
    const found = await discovery.queryForInstances('web');
    expect(found.map((instance) => [instance.id, instance.enabled])).toEqual([
      ['a', true],
      ['b', false],
    ]);
    expect(found[0]).toEqual(a);
    expect(found[0]!.uriSpec!.build(found[0])).toBe(`http://${a.address}:80`);
    expect(errors).toEqual([
      expect.objectContaining({ code: 'CORRUPT_DATA', path: '/query/services/web/junk' }),
    ]);
    expect(await discovery.queryForInstance('web', 'b')).toEqual(b);
    expect(await discovery.queryForInstance('web', 'missing')).toBeNull();
    await discovery.close();
  });

  it('keeps a ServiceCache of one service and reports additions, updates and removals', async () => {
    const client = await zk.connect();
    const registrar = new ServiceDiscovery(await zk.connect(), '/cache/services');
    await registrar.registerService({ name: 'api', id: 'one' });
    const discovery = new ServiceDiscovery(client, '/cache/services');
    await client.sync('/cache/services'); // the registrar wrote through another server
    const cache = discovery.serviceCache('api');
    const events: string[] = [];
    cache.on('initialized', (instances) =>
      events.push(`initialized ${instances.map((i) => i.id).join(',')}`),
    );
    cache.on('added', (instance) => events.push(`added ${instance.id}`));
    cache.on('updated', (instance, previous) =>
      events.push(`updated ${instance.id} ${previous.port}→${instance.port}`),
    );
    cache.on('removed', (instance) => events.push(`removed ${instance.id}`));
    await cache.start();
    const two = await registrar.registerService({ name: 'api', id: 'two', port: 1 });
    await eventually(() => expect(cache.instances().map((i) => i.id)).toEqual(['one', 'two']));
    await registrar.updateService({ ...two, port: 2 });
    await eventually(() => expect(cache.instances()[1]?.port).toBe(2));
    await registrar.unregisterService('one');
    await eventually(() => expect(cache.instances().map((i) => i.id)).toEqual(['two']));
    expect(events).toEqual(['initialized one', 'added two', 'updated two 1→2', 'removed one']);
    await registrar.close();
    await discovery.close(); // closes the cache too
    expect(client.watchCount).toBe(0);
  });

  it('provides instances round-robin, without disabled ones or ones reported down', async () => {
    const client = await zk.connect();
    const discovery = new ServiceDiscovery(client, '/provider/services');
    for (const id of ['a', 'b', 'c']) await discovery.registerService({ name: 'api', id });
    await discovery.registerService({ name: 'api', id: 'off', enabled: false });
    const provider = discovery.serviceProvider('api', { filters: [(instance) => instance.id !== 'c'] });
    await provider.start();
    expect(provider.getAllInstances().map((instance) => instance.id)).toEqual(['a', 'b']);
    expect([1, 2, 3].map(() => provider.getInstance()?.id)).toEqual(['a', 'b', 'a']);
    const a = provider.getAllInstances()[0]!;
    provider.noteError(a);
    expect(provider.getAllInstances().map((instance) => instance.id)).toEqual(['a', 'b']);
    provider.noteError(a);
    expect(provider.getAllInstances().map((instance) => instance.id)).toEqual(['b']);

    const sticky = new StickyStrategy();
    const stickyProvider = discovery.serviceProvider('api', { strategy: sticky });
    await stickyProvider.start();
    const chosen = stickyProvider.getInstance()!;
    expect(stickyProvider.getInstance()?.id).toBe(chosen.id);
    await discovery.unregisterService(chosen.id);
    await eventually(() => expect(stickyProvider.getInstance()?.id).not.toBe(chosen.id));
    expect(sticky.instanceNumber).toBe(1);

    const empty = discovery.serviceProvider('nobody');
    await empty.start();
    expect(empty.getInstance()).toBeNull();
    await discovery.close();
    expect(client.watchCount).toBe(0);
  });
});

describe('ServiceDiscovery connection policy', () => {
  it('after a reconnect restores a node deleted meanwhile and finishes an update sent while cut off', async () => {
    const { client, proxy, cut, restore } = await proxiedClient();
    try {
      const admin = await zk.connect();
      const discovery = new ServiceDiscovery(client, '/reconnect/services');
      const kept = await discovery.registerService({ name: 'api', id: 'kept', port: 1 });
      const lost = await discovery.registerService({
        name: 'api',
        id: 'lost',
        port: 1,
        serviceType: 'STATIC',
      });
      const session = client.sessionId;
      await cut();
      const updating = discovery.updateService({ ...kept, port: 2 });
      await admin.delete('/reconnect/services/api/lost'); // someone removes it while we are away
      restore();
      const v2 = await updating;
      await eventually(async () =>
        expect(await nodeData(admin, '/reconnect/services/api/lost')).toBe(recordOf(lost)),
      );
      await admin.sync('/reconnect/services/api/kept');
      expect(await nodeData(admin, '/reconnect/services/api/kept')).toBe(recordOf(v2));
      expect(client.sessionId).toBe(session);
      expect((await admin.exists('/reconnect/services/api/kept'))!.ephemeralOwner).toBe(session);
      await discovery.close();
    } finally {
      await proxy.close();
    }
  });

  it('after a session expiry re-registers the current records only, never an unregistered instance (CURATOR-181, CURATOR-164)', async () => {
    const { client, proxy, recorder, cut, restore } = await proxiedClient();
    try {
      const admin = await zk.connect();
      const discovery = new ServiceDiscovery(client, '/expiry/services');
      const registered: string[] = [];
      discovery.on('registered', (instance) => registered.push(instance.id));
      const updated = await discovery.registerService({ name: 'api', id: 'updated', payload: { v: 1 } });
      const sequential = await discovery.registerService({
        name: 'api',
        id: 'seq-',
        serviceType: 'DYNAMIC_SEQUENTIAL',
      });
      await discovery.registerService({ name: 'api', id: 'static', serviceType: 'STATIC' });
      await discovery.registerService({ name: 'api', id: 'dropped' });
      await discovery.registerService({ name: 'api', id: 'dropped-while-away' });
      const v2 = await discovery.updateService({ ...updated, payload: { v: 2 } });
      await discovery.unregisterService('dropped');
      const oldSession = client.sessionId;

      await cut();
      const unregistering = discovery.unregisterService('dropped-while-away');
      await expireSession(zk.ensembleConnectString, {
        sessionId: oldSession,
        sessionPassword: client.sessionPassword,
      });
      registered.length = 0;
      restore();
      await recorder.waitFor('lost');
      await recorder.waitFor('connected');
      expect(await unregistering).toBe(true);

      await eventually(() => expect(registered.sort()).toEqual(['seq-', 'updated']));
      await eventually(async () => {
        const children = (await admin.getChildren('/expiry/services/api')).children.sort();
        expect(children.filter((name) => !name.startsWith('seq-'))).toEqual(['static', 'updated']);
        expect(children.filter((name) => name.startsWith('seq-'))).toHaveLength(1);
      });
      // The record written for the new session is the updated one, owned by the new session.
      expect(await nodeData(admin, '/expiry/services/api/updated')).toBe(recordOf(v2));
      expect((await admin.exists('/expiry/services/api/updated'))!.ephemeralOwner).toBe(client.sessionId);
      expect(client.sessionId).not.toBe(oldSession);
      const sequentialPath = discovery.registeredPath('seq-')!;
      expect(await nodeData(admin, sequentialPath)).toBe(recordOf(sequential));
      expect(registered.sort()).toEqual(['seq-', 'updated']);
      await discovery.close();
    } finally {
      await proxy.close();
    }
  });
});

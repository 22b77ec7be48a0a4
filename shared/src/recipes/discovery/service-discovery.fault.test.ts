import { describe, expect, it } from 'vitest';
import { ZooKeeperClient } from '../../client/index.ts';
import {
  StateRecorder,
  childrenOrNone,
  eventually,
  useDedicatedEnsemble,
} from '../../../test-support/index.ts';
import { ServiceDiscovery } from './service-discovery.ts';
import { serializeServiceInstance, type ServiceInstance } from './service-instance.ts';

/**
 * Service discovery against real server faults on a dedicated ensemble: sessions expired by the
 * servers, and the server a client is connected to paused (SIGSTOP) past its read deadline.
 */
const dedicated = useDedicatedEnsemble({ servers: 3, tickTimeMs: 200 });

const recordOf = (instance: ServiceInstance): string => serializeServiceInstance(instance).toString('utf8');

async function connect(ids?: number[]): Promise<ZooKeeperClient> {
  const ensemble = dedicated.ensemble;
  const connectString = ids ? ensemble.connectStringOf(ids) : ensemble.connectString;
  return ZooKeeperClient.connect(connectString, { sessionTimeoutMs: 6000, logger: {} });
}

function memberOf(client: ZooKeeperClient) {
  return dedicated.ensemble.members.find((member) => member.address === client.connectedServer)!;
}

async function expire(client: ZooKeeperClient): Promise<void> {
  await dedicated.ensemble.expireSession({
    sessionId: client.sessionId,
    sessionPassword: client.sessionPassword,
    connectedServer: client.connectedServer,
  });
}

describe('ServiceDiscovery under faults', () => {
  it('after a real session expiry brings back registered instances with their current record, never an unregistered one', async () => {
    const client = await connect();
    const admin = await connect();
    const recorder = new StateRecorder(client);
    const discovery = new ServiceDiscovery(client, '/fault/expiry');
    const restored: string[] = [];
    discovery.on('registered', (instance) => restored.push(instance.id));
    const v1 = await discovery.registerService({ name: 'api', id: 'updated', payload: { version: 1 } });
    const v2 = await discovery.updateService({ ...v1, payload: { version: 2 } });
    await discovery.registerService({ name: 'api', id: 'seq-', serviceType: 'DYNAMIC_SEQUENTIAL' });
    await discovery.registerService({ name: 'api', id: 'unregistered' });
    await discovery.unregisterService('unregistered');
    const oldSession = client.sessionId;
    restored.length = 0;

    await expire(client);
    await recorder.waitFor('lost');
    await eventually(() => expect(restored.sort()).toEqual(['seq-', 'updated']), { timeoutMs: 20_000 });
    expect(client.sessionId).not.toBe(oldSession);
    await admin.sync('/fault/expiry/api'); // re-registered through the client, maybe on another server
    const children = (await admin.getChildren('/fault/expiry/api')).children.sort();
    expect(children.filter((name) => !name.startsWith('seq-'))).toEqual(['updated']);
    expect(children.filter((name) => name.startsWith('seq-'))).toHaveLength(1);
    const node = await admin.getData('/fault/expiry/api/updated');
    expect(node.data.toString()).toBe(recordOf(v2));
    expect(node.stat.ephemeralOwner).toBe(client.sessionId);

    // A second expiry: still the current record, still no unregistered instance.
    restored.length = 0;
    await expire(client);
    await recorder.waitFor('lost', { count: 2 });
    await eventually(() => expect(restored.sort()).toEqual(['seq-', 'updated']), { timeoutMs: 20_000 });
    await admin.sync('/fault/expiry/api');
    expect(await admin.exists('/fault/expiry/api/unregistered')).toBeNull();
    expect((await admin.getData('/fault/expiry/api/updated')).data.toString()).toBe(recordOf(v2));

    await discovery.close();
    await admin.sync('/fault/expiry/api');
    expect(await childrenOrNone(admin, '/fault/expiry/api')).toEqual([]);
    await Promise.all([client.close(), admin.close()]);
  });

  it('an update made while its server is paused lands once the client moves on, in the same session', async () => {
    const client = await connect();
    const recorder = new StateRecorder(client);
    const member = memberOf(client);
    const admin = await connect(dedicated.ensemble.members.filter((m) => m !== member).map((m) => m.id));
    const discovery = new ServiceDiscovery(client, '/fault/paused');
    const v1 = await discovery.registerService({ name: 'api', id: 'i', port: 1 });
    const session = client.sessionId;
    await dedicated.ensemble.pause(member.id);
    let v2: ServiceInstance;
    try {
      v2 = await discovery.updateService({ ...v1, port: 2 }, { timeoutMs: 20_000 });
      await recorder.waitFor('reconnected');
    } finally {
      await dedicated.ensemble.resume(member.id);
    }
    expect(client.sessionId).toBe(session);
    await eventually(async () => {
      await admin.sync('/fault/paused/api/i');
      expect((await admin.getData('/fault/paused/api/i')).data.toString()).toBe(recordOf(v2));
    });
    expect((await admin.exists('/fault/paused/api/i'))!.ephemeralOwner).toBe(session);
    await discovery.close();
    await Promise.all([client.close(), admin.close()]);
  });

  it('a ServiceCache equals the registrations after its server is paused and after its session expires', async () => {
    const cacheClient = await connect();
    const recorder = new StateRecorder(cacheClient);
    const member = memberOf(cacheClient);
    const otherIds = dedicated.ensemble.members.filter((m) => m !== member).map((m) => m.id);
    const registrarClient = await connect(otherIds);
    const registrar = new ServiceDiscovery(registrarClient, '/fault/cache');
    const reader = new ServiceDiscovery(cacheClient, '/fault/cache');
    for (const id of ['a', 'b', 'c']) await registrar.registerService({ name: 'api', id, port: 1 });
    const cache = reader.serviceCache('api');
    await cache.start({ timeoutMs: 20_000 });
    const consistent = async (): Promise<void> => {
      await eventually(
        async () => {
          await registrarClient.sync('/fault/cache/api');
          const registered = await registrar.queryForInstances('api');
          expect(cache.instances()).toEqual(registered);
        },
        { timeoutMs: 20_000, intervalMs: 200 },
      );
    };

    // Changes while the cache's server is paused: one removed, one updated, two added.
    await dedicated.ensemble.pause(member.id);
    try {
      await recorder.waitFor('suspended');
      await registrar.unregisterService('a');
      await registrar.updateService({ name: 'api', id: 'b', port: 2 });
      await registrar.registerService({ name: 'api', id: 'd', port: 1 });
      await registrar.registerService({ name: 'api', id: 'e', port: 1, enabled: false });
    } finally {
      await dedicated.ensemble.resume(member.id);
    }
    await consistent();
    expect(cache.instances().map((instance) => `${instance.id}:${instance.port}`)).toEqual([
      'b:2',
      'c:1',
      'd:1',
      'e:1',
    ]);

    // Changes around an expiry of the cache's session.
    await expire(cacheClient);
    await registrar.unregisterService('c');
    await registrar.updateService({ name: 'api', id: 'd', port: 3 });
    await recorder.waitFor('lost');
    await consistent();
    expect(cache.instances().map((instance) => `${instance.id}:${instance.port}`)).toEqual([
      'b:2',
      'd:3',
      'e:1',
    ]);

    await reader.close();
    expect(cacheClient.watchCount).toBe(0);
    await registrar.close();
    await Promise.all([cacheClient.close(), registrarClient.close()]);
  });
});

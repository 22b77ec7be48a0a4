import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatServer, parseConnectString } from '../../client/index.ts';
import {
  eventually,
  startCuratorPeer,
  useZooKeeper,
  type JsonLinePeer,
} from '../../../test-support/index.ts';
import { ServiceDiscovery } from './service-discovery.ts';
import { serviceInstance, type ServiceInstanceInit } from './service-instance.ts';

/**
 * Wire compatibility with Apache Curator 5.4.0's curator-x-discovery (a JVM peer, see
 * shared/interop/curator/DiscoveryCommands.java): each side finds the other's instances, payload
 * classes survive, and both write the same bytes for the same instance.
 */
const zk = useZooKeeper('discovery-interop');
let curator: JsonLinePeer;
/**
 * Both sides talk to the same server: ZooKeeper reads are not linearizable across servers, and a
 * read through another server may not see a write the other side has just made.
 */
let server = '';
const connect = () => zk.connectVia(server);

beforeAll(async () => {
  server = formatServer(parseConnectString(zk.ensembleConnectString).servers[0]!);
  curator = await startCuratorPeer();
  await curator.call('client.open', { connect: server + zk.chroot });
}, 60_000);

afterAll(async () => {
  await curator?.close();
});

/** An instance as the Java side reports it (DiscoveryCommands.describe). */
interface JavaView {
  name: string;
  id: string;
  address: string | null;
  port: number | null;
  sslPort: number | null;
  payloadClass: string | null;
  payload: unknown;
  registrationTimeUTC: number;
  serviceType: string;
  uri: string | null;
  enabled: boolean;
}

async function curatorDiscovery(name: string, basePath: string, payload: 'map' | 'details'): Promise<void> {
  await curator.call('discovery.create', { name, basePath, payload });
}

describe('Curator ServiceDiscovery reading TypeScript registrations', () => {
  it('finds them with a Map payload class, uriSpec and disabled flag, and its provider skips the disabled one', async () => {
    const client = await connect();
    const ours = new ServiceDiscovery(client, '/interop/ts-map');
    const a = await ours.registerService({
      name: 'web',
      id: 'a',
      address: '10.0.0.1',
      port: 8080,
      payload: { zone: 'eu-1', weight: 3 },
      uriSpec: '{scheme}://{address}:{port}/api',
    });
    const b = await ours.registerService({
      name: 'web',
      id: 'b',
      address: '10.0.0.2',
      sslPort: 8443,
      serviceType: 'STATIC',
      enabled: false,
      uriSpec: '{scheme}://{address}:{ssl-port}',
    });
    await curatorDiscovery('java-map', '/interop/ts-map', 'map');
    expect(await curator.call('discovery.queryForNames', { name: 'java-map' })).toEqual(['web']);
    const seen = await curator.call<JavaView[]>('discovery.queryForInstances', {
      name: 'java-map',
      service: 'web',
    });
    expect(seen).toEqual([
      {
        name: 'web',
        id: 'a',
        address: '10.0.0.1',
        port: 8080,
        sslPort: null,
        payloadClass: 'java.util.LinkedHashMap',
        payload: { zone: 'eu-1', weight: 3 },
        registrationTimeUTC: a.registrationTimeUTC,
        serviceType: 'DYNAMIC',
        uri: a.uriSpec!.build(a),
        enabled: true,
      },
      {
        name: 'web',
        id: 'b',
        address: '10.0.0.2',
        port: null,
        sslPort: 8443,
        payloadClass: null,
        payload: null,
        registrationTimeUTC: b.registrationTimeUTC,
        serviceType: 'STATIC',
        uri: 'https://10.0.0.2:8443',
        enabled: false,
      },
    ]);
    await curator.call('discovery.provider', { name: 'java-map', service: 'web', provider: 'java-web' });
    await eventually(async () =>
      expect(
        (await curator.call<JavaView[]>('discovery.providerAll', { provider: 'java-web' })).map((i) => i.id),
      ).toEqual(['a']),
    );
    await curator.call('discovery.close', { name: 'java-map' });
    await ours.close();
  });

  it('reads a payload of a Java POJO class when the TypeScript side names the class', async () => {
    const client = await connect();
    const ours = new ServiceDiscovery(client, '/interop/ts-pojo');
    await ours.registerService({
      name: 'worker',
      id: 'w1',
      payload: { description: 'batch worker', weight: 7 },
      payloadClass: 'DiscoveryTestDetails',
    });
    await curatorDiscovery('java-pojo', '/interop/ts-pojo', 'details');
    const [seen] = await curator.call<JavaView[]>('discovery.queryForInstances', {
      name: 'java-pojo',
      service: 'worker',
    });
    expect(seen).toMatchObject({
      id: 'w1',
      payloadClass: 'DiscoveryTestDetails',
      payload: { description: 'batch worker', weight: 7 },
    });
    // Without the class name the payload is a map, which a POJO reader refuses (Curator's ClassCastException).
    await ours.registerService({ name: 'worker', id: 'w2', payload: { description: 'x', weight: 1 } });
    await expect(
      curator.call('discovery.queryForInstance', { name: 'java-pojo', service: 'worker', id: 'w2' }),
    ).rejects.toThrow(/ClassCastException|Cannot cast/);
    await curator.call('discovery.close', { name: 'java-pojo' });
    await ours.close();
  });
});

describe('TypeScript ServiceDiscovery reading Curator registrations', () => {
  it('finds them, uriSpec included, and its cache follows Curator registering and unregistering', async () => {
    const client = await connect();
    await curatorDiscovery('java-reg', '/interop/curator', 'map');
    const registered = await curator.call<JavaView>('discovery.register', {
      name: 'java-reg',
      instance: {
        name: 'billing',
        id: 'j1',
        address: '192.168.1.9',
        port: 9000,
        sslPort: 9443,
        registrationTimeUTC: 1_700_000_000_123,
        payload: { region: 'us', tier: 2 },
        uriSpec: '{scheme}://{address}:{ssl-port}/{name}/{id}',
      },
    });
    const ours = new ServiceDiscovery(client, '/interop/curator');
    const [found] = await ours.queryForInstances('billing');
    expect(found).toMatchObject({
      name: 'billing',
      id: 'j1',
      address: '192.168.1.9',
      port: 9000,
      sslPort: 9443,
      payload: { region: 'us', tier: 2 },
      payloadClass: 'java.util.LinkedHashMap',
      registrationTimeUTC: 1_700_000_000_123,
      serviceType: 'DYNAMIC',
      enabled: true,
    });
    expect(found!.uriSpec!.toString()).toBe('{scheme}://{address}:{ssl-port}/{name}/{id}');
    expect(found!.uriSpec!.build(found)).toBe(registered.uri);
    expect(registered.uri).toBe('https://192.168.1.9:9443/billing/j1');

    const cache = ours.serviceCache('billing');
    await cache.start();
    expect(cache.instances().map((instance) => instance.id)).toEqual(['j1']);
    await curator.call('discovery.register', {
      name: 'java-reg',
      instance: { name: 'billing', id: 'j2', port: 1 },
    });
    await eventually(() => expect(cache.instances().map((instance) => instance.id)).toEqual(['j1', 'j2']));
    await curator.call('discovery.unregister', { name: 'java-reg', instance: { name: 'billing', id: 'j1' } });
    await eventually(() => expect(cache.instances().map((instance) => instance.id)).toEqual(['j2']));
    const provider = ours.serviceProvider('billing');
    await provider.start();
    expect(provider.getInstance()?.id).toBe('j2');
    await curator.call('discovery.close', { name: 'java-reg' });
    await eventually(() => expect(cache.instances()).toEqual([]));
    await ours.close();
  });

  it('and Curator’s cache follows TypeScript registering, updating and unregistering', async () => {
    const client = await connect();
    await curatorDiscovery('java-cache', '/interop/live', 'map');
    await curator.call('discovery.cache', { name: 'java-cache', service: 'api', cache: 'java-api' });
    const ours = new ServiceDiscovery(client, '/interop/live');
    await ours.registerService({ name: 'api', id: 't1' });
    const t2 = await ours.registerService({ name: 'api', id: 't2', port: 1 });
    await eventually(async () =>
      expect(await curator.call('discovery.cacheIds', { cache: 'java-api' })).toEqual(['t1', 't2']),
    );
    await ours.updateService({ ...t2, port: 2 });
    await eventually(async () =>
      expect(
        (
          await curator.call<JavaView | null>('discovery.queryForInstance', {
            name: 'java-cache',
            service: 'api',
            id: 't2',
          })
        )?.port,
      ).toBe(2),
    );
    await ours.unregisterService('t1');
    await eventually(async () =>
      expect(await curator.call('discovery.cacheIds', { cache: 'java-api' })).toEqual(['t2']),
    );
    await curator.call('discovery.close', { name: 'java-cache' });
    await ours.close();
  });
});

describe('the same instance registered by Curator and by TypeScript', () => {
  const cases: [string, 'map' | 'details', ServiceInstanceInit][] = [
    [
      'map payload, uriSpec with literal braces',
      'map',
      {
        name: 'svc',
        id: 'map-1',
        address: '10.1.2.3',
        port: 8080,
        sslPort: 8443,
        registrationTimeUTC: 1_700_000_000_000,
        payload: { zone: 'eu "west"', weight: 3, nested: { list: [1, 'two'] } },
        uriSpec: '{scheme}://{address}:{port}/path?x={[}1{]}',
      },
    ],
    [
      'POJO payload, escapes and non-ASCII text',
      'details',
      {
        name: 'svc',
        id: 'pojo-1',
        address: 'hôst\u0001\t"\\/',
        port: 1,
        registrationTimeUTC: 1_700_000_000_001,
        payload: { description: 'línea\nnueva \u007f \u2028', weight: -5 },
        payloadClass: 'DiscoveryTestDetails',
        serviceType: 'STATIC',
      },
    ],
    [
      'string payload, no ports, no uriSpec',
      'map',
      {
        name: 'svc',
        id: 'plain-1',
        address: null,
        registrationTimeUTC: 0,
        payload: 'just text',
        serviceType: 'PERMANENT',
      },
    ],
    ['no payload at all', 'map', { name: 'svc', id: 'bare-1', address: '::1', registrationTimeUTC: 5 }],
  ];

  it.each(cases)('writes the same bytes: %s', async (_label, payloadKind, init) => {
    const client = await connect();
    const javaName = `bytes-${payloadKind}-${init.id}`;
    await curatorDiscovery(javaName, '/interop/bytes-curator', payloadKind);
    await curator.call('discovery.register', { name: javaName, instance: { ...init } });
    const ours = new ServiceDiscovery(client, '/interop/bytes-ts');
    await ours.registerService(init);
    const theirs = (await client.getData(`/interop/bytes-curator/svc/${init.id}`)).data;
    const mine = (await client.getData(`/interop/bytes-ts/svc/${init.id}`)).data;
    expect(mine.toString('utf8')).toBe(theirs.toString('utf8'));
    expect(Buffer.compare(mine, theirs)).toBe(0);
    // And each reads the other's bytes as the same instance.
    expect((await ours.queryForInstances('svc')).find((i) => i.id === init.id)).toEqual(
      serviceInstance(init),
    );
    await curator.call('discovery.close', { name: javaName });
    await ours.close();
  });
});

import { formatServer, parseConnectString } from '@zk-cookbook/core/client';
import { eventually, startCuratorPeer, useZooKeeper, type JsonLinePeer } from '@zk-cookbook/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servicesPath, startGateway, startProvider, type RunningProvider } from '../src/index.ts';
import { putJson, quietLogger, tally, through } from './support.ts';

/**
 * The providers' registrations are curator-x-discovery's, so a Java service using Apache Curator's
 * ServiceDiscovery (5.4.0, a JVM peer: shared/interop/curator/DiscoveryCommands.java) finds them,
 * with weight and zone, and follows their changes — and a provider Curator registers is balanced
 * by our gateway like any other.
 */
const zk = useZooKeeper('load-balancing-curator');
const ROOT = '/load-balancing';
let curator: JsonLinePeer;
/** Everyone talks to one server, so that what one side wrote the other reads at once. */
let connect = '';

/** An instance as the Java side reports it (DiscoveryCommands.describe). */
interface JavaView {
  id: string;
  address: string | null;
  port: number | null;
  payload: { weight: number; zone: string } | null;
  payloadClass: string | null;
  serviceType: string;
  uri: string | null;
}

beforeAll(async () => {
  const server = formatServer(parseConnectString(zk.ensembleConnectString).servers[0]!);
  connect = server + zk.chroot;
  curator = await startCuratorPeer();
  await curator.call('client.open', { connect });
  await curator.call('discovery.create', { name: 'java', basePath: servicesPath(ROOT), payload: 'map' });
}, 60_000);

afterAll(async () => {
  await curator?.call('discovery.close', { name: 'java' }).catch(() => undefined);
  await curator?.close();
});

describe('Curator’s ServiceDiscovery and our providers', () => {
  it('sees our providers with weight and zone, follows a weight change and a deregistration', async () => {
    const providers: RunningProvider[] = await Promise.all(
      [
        ['provider-1', 1, 'eu-1'],
        ['provider-2', 3, 'us-1'],
      ].map(([id, weight, zone]) =>
        startProvider({
          connectString: connect,
          instanceId: id as string,
          weight: weight as number,
          zone: zone as string,
          root: ROOT,
          logger: quietLogger,
        }),
      ),
    );
    try {
      await eventually(() =>
        expect(providers.every((provider) => provider.registration.isRegistered)).toBe(true),
      );
      const seen = await curator.call<JavaView[]>('discovery.queryForInstances', {
        name: 'java',
        service: 'backend',
      });
      expect(
        seen.map(({ id, address, port, payload, payloadClass, serviceType, uri }) => ({
          id,
          address,
          port,
          payload,
          payloadClass,
          serviceType,
          uri,
        })),
      ).toEqual(
        providers.map((provider, index) => ({
          id: provider.instanceId,
          address: '127.0.0.1',
          port: Number(new URL(provider.url).port),
          payload: index === 0 ? { weight: 1, zone: 'eu-1' } : { weight: 3, zone: 'us-1' },
          payloadClass: 'java.util.LinkedHashMap',
          serviceType: 'DYNAMIC',
          // Curator builds the same URL from the stored uriSpec: a Java client could call them directly.
          uri: provider.url,
        })),
      );

      await curator.call('discovery.cache', { name: 'java', service: 'backend', cache: 'java-backend' });
      expect(await curator.call('discovery.cacheIds', { cache: 'java-backend' })).toEqual([
        'provider-1',
        'provider-2',
      ]);
      expect((await putJson(`${providers[1]!.url}/admin/weight`, { weight: 5 })).status).toBe(200);
      await eventually(async () =>
        expect(
          (
            await curator.call<JavaView | null>('discovery.queryForInstance', {
              name: 'java',
              service: 'backend',
              id: 'provider-2',
            })
          )?.payload,
        ).toEqual({ weight: 5, zone: 'us-1' }),
      );
      await providers[0]!.close();
      await eventually(async () =>
        expect(await curator.call('discovery.cacheIds', { cache: 'java-backend' })).toEqual(['provider-2']),
      );
    } finally {
      await Promise.all(providers.map((provider) => provider.close()));
    }
  });

  it('a provider Curator registers gets its weighted share of our gateway’s traffic', async () => {
    // A provider that serves but does not register itself; the Java side registers it instead.
    const javaBacked = await startProvider({
      connectString: connect,
      instanceId: 'java-1',
      root: ROOT,
      register: false,
      logger: quietLogger,
    });
    const ours = await startProvider({
      connectString: connect,
      instanceId: 'ts-1',
      root: ROOT,
      logger: quietLogger,
    });
    const gateway = await startGateway({ connectString: connect, root: ROOT, logger: quietLogger });
    try {
      await curator.call('discovery.register', {
        name: 'java',
        instance: {
          name: 'backend',
          id: 'java-1',
          address: '127.0.0.1',
          port: Number(new URL(javaBacked.url).port),
          payload: { weight: 2, zone: 'eu-1' },
          uriSpec: '{scheme}://{address}:{port}',
        },
      });
      await eventually(() =>
        expect(gateway.providers.providers.map((p) => [p.id, p.weight])).toEqual([
          ['java-1', 2],
          ['ts-1', 1],
        ]),
      );
      const answers = [];
      for (let i = 0; i < 30; i++) answers.push(await through(gateway.url, '/app/hello'));
      expect(tally(answers)).toEqual({ 'java-1': 20, 'ts-1': 10 });
      await curator.call('discovery.unregister', {
        name: 'java',
        instance: { name: 'backend', id: 'java-1' },
      });
      await eventually(() => expect(gateway.providers.providers.map((p) => p.id)).toEqual(['ts-1']));
    } finally {
      await gateway.close();
      await ours.close();
      await javaBacked.close();
    }
  });
});

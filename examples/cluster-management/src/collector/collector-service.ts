import { Gauge } from 'prom-client';
import type { ZooKeeperClient } from '@zk-cookbook/core/client';
import {
  createApp,
  createMetricsRegistry,
  healthRouter,
  hostCheck,
  listen,
  metricsRouter,
  zooKeeperSessionCheck,
  type RunningServer,
} from '@zk-cookbook/core/http';
import { openServiceSession, type ServiceOptions } from '../service-session.ts';
import { Collector } from './collector.ts';
import { collectorRouter } from './collector-api.ts';

export type CollectorServiceOptions = ServiceOptions;

export interface RunningCollector {
  readonly url: string;
  readonly client: ZooKeeperClient;
  /** the collector once it has joined (undefined until then) */
  readonly collector: Collector | undefined;
  /** resolves once it has joined the group and read the assignment */
  readonly started: Promise<void>;
  close(): Promise<void>;
}

/**
 * A collector process: the Collector (membership, assignment, claims, the simulated collection) and
 * its HTTP API. It listens first and joins in the background, so /readyz can say why it is not
 * ready yet (no ZooKeeper) instead of the process failing to start.
 */
export async function startCollector(options: CollectorServiceOptions): Promise<RunningCollector> {
  const { logger, layout, host, client } = openServiceSession('collector', options);
  client.on('suspended', () =>
    logger.warn('disconnected from ZooKeeper: stopped collecting until it is back'),
  );
  client.on('lost', () => logger.warn('session expired: claims are gone; claiming the assignment again'));
  client.start();

  let collector: Collector | undefined;
  let joinFailure: Error | undefined;
  const registry = createMetricsRegistry();
  new Gauge({
    name: 'cluster_collector_sources',
    help: 'sources assigned to this collector, and those it works right now',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      this.set({ state: 'assigned' }, collector?.assigned.length ?? 0);
      this.set({ state: 'working' }, collector?.working.length ?? 0);
    },
  });
  const app = createApp({
    logger,
    guards: [
      hostCheck({ boundHost: host, ...(options.allowedHosts && { allowedHosts: options.allowedHosts }) }),
    ],
    quietPaths: ['/healthz', '/readyz', '/metrics', '/api/status', '/api/work'],
    routes: [
      healthRouter({
        zookeeper: zooKeeperSessionCheck(client),
        membership: () =>
          joinFailure
            ? { ready: false, detail: joinFailure.message }
            : { ready: collector !== undefined, detail: collector ? 'joined' : 'joining' },
      }),
      metricsRouter(registry),
      collectorRouter(() => collector, client),
    ],
  });

  let server: RunningServer;
  try {
    server = await listen(app, { host, ...(options.port !== undefined && { port: options.port }) });
  } catch (error) {
    await client.close();
    throw error;
  }
  const candidate = new Collector({
    client,
    layout,
    id: options.id,
    url: options.advertisedUrl ?? server.url,
    logger,
  });
  candidate.on('working', (sources) => logger.info({ sources }, 'working'));
  const started = candidate.start({ timeoutMs: 60_000 }).then(
    () => {
      collector = candidate;
    },
    (error: unknown) => {
      joinFailure = error as Error;
      logger.error({ err: error }, 'could not join the cluster');
    },
  );
  logger.info({ url: server.url, root: layout.root }, 'collector listening');

  let closing: Promise<void> | undefined;
  return {
    url: server.url,
    client,
    get collector() {
      return collector;
    },
    started,
    close() {
      closing ??= (async () => {
        // Stop collecting first; then the session's close drops the member node and the claims at
        // once, so the coordinator hands the sources on without waiting for a timeout.
        await candidate.close();
        await started;
        await server.close({ graceMs: 2_000 });
        await client.close();
      })();
      return closing;
    },
  };
}

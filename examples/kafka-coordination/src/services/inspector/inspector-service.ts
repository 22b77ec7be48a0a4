import { ZooKeeperClient } from '@zk-cookbook/core/client';
import {
  EventStreams,
  createApp,
  createMetricsRegistry,
  defaultLogger,
  healthRouter,
  hostCheck,
  listen,
  metricsRouter,
  sameOriginReads,
  zooKeeperSessionCheck,
  type RunningServer,
} from '@zk-cookbook/core/http';
import type { Logger } from 'pino';
import { pagesRouter } from '../pages.ts';
import { ClusterWatch } from './cluster-watch.ts';
import { inspectorRouter } from './inspector-api.ts';
import { registerInspectorMetrics } from './inspector-metrics.ts';

export interface InspectorOptions {
  /** Kafka's `zookeeper.connect`: the ensemble plus the cluster's chroot, e.g. 127.0.0.1:2181/kafka */
  kafkaZooKeeperConnect: string;
  /** default 127.0.0.1 */
  host?: string;
  /** default 0: a free port */
  port?: number;
  /** further Host names to answer to, e.g. the compose service name (see hostCheck) */
  allowedHosts?: readonly string[];
  logger?: Logger;
}

export interface RunningInspector {
  readonly url: string;
  readonly watch: ClusterWatch;
  close(): Promise<void>;
}

/** The inspector service: the live view of a Kafka cluster's znodes, its API and its page. */
export async function startInspector(options: InspectorOptions): Promise<RunningInspector> {
  const logger = (options.logger ?? defaultLogger()).child({ service: 'inspector' });
  const host = options.host ?? '127.0.0.1';
  // The inspector only reads: a session long enough to ride out a ZooKeeper server's restart.
  const client = new ZooKeeperClient(options.kafkaZooKeeperConnect, {
    sessionTimeoutMs: 15_000,
    logger: logger.child({ component: 'zookeeper' }),
  });
  const watch = new ClusterWatch(client, logger);
  client.start();

  const registry = createMetricsRegistry();
  registerInspectorMetrics(registry, watch);
  const streams = new EventStreams({ maxStreams: 32 });
  const app = createApp({
    logger,
    guards: [
      hostCheck({ boundHost: host, ...(options.allowedHosts && { allowedHosts: options.allowedHosts }) }),
      sameOriginReads(),
    ],
    quietPaths: ['/healthz', '/readyz', '/metrics', '/api/cluster'],
    routes: [
      healthRouter({
        zookeeper: zooKeeperSessionCheck(client),
        view: () => {
          const { view, lastError } = watch.snapshot();
          if (!view) return { ready: false, detail: lastError ?? 'reading the cluster for the first time' };
          return {
            ready: true,
            detail: `${view.brokers.length} broker(s), controller ${view.controller?.brokerId ?? 'none'}`,
          };
        },
      }),
      metricsRouter(registry),
      inspectorRouter({ watch, streams }),
      pagesRouter('inspector'),
    ],
  });

  let server: RunningServer;
  try {
    server = await listen(app, { host, ...(options.port !== undefined && { port: options.port }) });
  } catch (error) {
    watch.close();
    await client.close();
    throw error;
  }
  logger.info({ url: server.url, zookeeper: options.kafkaZooKeeperConnect }, 'inspector listening');

  let closing: Promise<void> | undefined;
  return {
    url: server.url,
    watch,
    close() {
      closing ??= (async () => {
        watch.close();
        streams.closeAll();
        await server.close({ graceMs: 2_000 });
        await watch.settled();
        await client.close();
      })();
      return closing;
    },
  };
}

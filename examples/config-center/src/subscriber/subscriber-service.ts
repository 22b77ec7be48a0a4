import { ZooKeeperClient } from '@zk-cookbook/core/client';
import type { CacheWatchMode } from '@zk-cookbook/core/recipes/cache';
import {
  EventStreams,
  createApp,
  createMetricsRegistry,
  defaultLogger,
  healthRouter,
  hostCheck,
  listen,
  metricsRouter,
  zooKeeperSessionCheck,
} from '@zk-cookbook/core/http';
import type { Logger } from 'pino';
import { ConfigCenterError } from '../errors.ts';
import { configLayout, DEFAULT_ROOT, instanceId } from '../layout.ts';
import { pagesRouter } from '../pages.ts';
import { ConfigSubscription } from './config-subscription.ts';
import { SubscriberRegistrationNode } from './registration.ts';
import { subscriberRouter } from './subscriber-api.ts';
import { registerSubscriberMetrics } from './subscriber-metrics.ts';

export interface SubscriberOptions {
  /** host:port[,host:port...][/chroot] */
  connectString: string;
  /** names this instance in the registry, the page and its logs, e.g. "subscriber-2" */
  instanceId: string;
  /** the pattern's root znode; default /config-center */
  root?: string;
  /** default 127.0.0.1 */
  host?: string;
  /** default 0: a free port */
  port?: number;
  /** the URL others reach this instance at (the registry entry); default the address it listens on */
  advertisedUrl?: string;
  /** further Host names to answer to, e.g. the compose service name (see hostCheck) */
  allowedHosts?: readonly string[];
  sessionTimeoutMs?: number;
  watchMode?: CacheWatchMode;
  logger?: Logger;
}

export interface RunningSubscriber {
  readonly url: string;
  readonly instanceId: string;
  readonly client: ZooKeeperClient;
  readonly subscription: ConfigSubscription;
  /** Graceful: finish requests, end streams, deregister, close the session. */
  close(): Promise<void>;
}

/**
 * A subscriber: holds the configuration in memory (ConfigSubscription), answers reads from there,
 * streams every change, and registers itself so the publisher's page can show it. It starts even
 * when ZooKeeper is unreachable; /readyz says 503 until its session is up and the values are read.
 */
export async function startSubscriber(options: SubscriberOptions): Promise<RunningSubscriber> {
  // It names the registration node, so it must be a valid node name before anything starts.
  const id = instanceId.safeParse(options.instanceId);
  if (!id.success) {
    throw new ConfigCenterError(
      'BAD_SETTINGS',
      'startSubscriber',
      `instance id ${JSON.stringify(options.instanceId)}: ${id.error.issues[0]?.message ?? 'invalid'}`,
    );
  }
  const logger = (options.logger ?? defaultLogger()).child({ instanceId: options.instanceId });
  const layout = configLayout(options.root ?? DEFAULT_ROOT);
  const host = options.host ?? '127.0.0.1';
  const client = new ZooKeeperClient(options.connectString, {
    sessionTimeoutMs: options.sessionTimeoutMs ?? 10_000,
    logger: logger.child({ component: 'zookeeper' }),
  });
  client.on('suspended', () => logger.warn('disconnected from ZooKeeper: serving the last values seen'));
  client.on('lost', () => logger.warn('session expired: values will be re-read on the new session'));
  client.start();

  const subscription = new ConfigSubscription(client, layout.config, {
    ...(options.watchMode !== undefined && { watchMode: options.watchMode }),
  });
  subscription.on('applied', (change) => logger.info({ change }, 'config change applied'));
  subscription.on('error', (error) => logger.warn({ err: error }, 'a configuration key could not be read'));
  let startFailure: Error | undefined;
  const started = subscription.start().catch((error: unknown) => {
    startFailure = error as Error;
    logger.error({ err: error }, 'could not read the configuration');
  });

  const registry = createMetricsRegistry();
  registerSubscriberMetrics(registry, subscription);
  const streams = new EventStreams({ maxStreams: 16 });
  const app = createApp({
    logger,
    guards: [
      hostCheck({ boundHost: host, ...(options.allowedHosts && { allowedHosts: options.allowedHosts }) }),
    ],
    routes: [
      healthRouter({
        zookeeper: zooKeeperSessionCheck(client),
        configuration: () =>
          startFailure
            ? { ready: false, detail: `could not read the configuration: ${startFailure.message}` }
            : { ready: subscription.isInitialized, detail: subscription.isInitialized ? 'read' : 'reading' },
      }),
      metricsRouter(registry),
      subscriberRouter({ instanceId: options.instanceId, client, subscription, streams }),
      pagesRouter('subscriber'),
    ],
  });

  let server;
  try {
    server = await listen(app, { host, ...(options.port !== undefined && { port: options.port }) });
  } catch (error) {
    await subscription.close();
    await client.close();
    throw error;
  }
  const url = options.advertisedUrl ?? server.url;
  const registration = new SubscriberRegistrationNode(
    client,
    layout.subscribers,
    { instanceId: options.instanceId, url },
    logger,
  );
  logger.info({ url: server.url, root: layout.root }, 'subscriber listening');

  let closing: Promise<void> | undefined;
  return {
    url: server.url,
    instanceId: options.instanceId,
    client,
    subscription,
    close() {
      closing ??= (async () => {
        streams.closeAll();
        await server.close({ graceMs: 2_000 });
        await registration.close();
        // Closing the cache also ends a first read still waiting for a server.
        await subscription.close();
        await started;
        await client.close();
      })();
      return closing;
    },
  };
}

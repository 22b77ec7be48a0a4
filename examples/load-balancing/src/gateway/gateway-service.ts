import { Agent } from 'node:http';
import express from 'express';
import { ZooKeeperClient } from '@zk-cookbook/core/client';
import {
  EventStreams,
  createApp,
  createMetricsRegistry,
  csrfProtection,
  defaultLogger,
  healthRouter,
  hostCheck,
  listen,
  metricsRouter,
} from '@zk-cookbook/core/http';
import type { Logger } from 'pino';
import { Gauge } from 'prom-client';
import { DEFAULT_ROOT, DEFAULT_SERVICE_NAME, servicesPath } from '../layout.ts';
import { pagesRouter } from '../pages.ts';
import type { StrategyChoice } from '../strategies/index.ts';
import type { CircuitBreakerOptions } from './circuit-breaker.ts';
import { gatewayRouter } from './gateway-api.ts';
import { GatewayFeed } from './gateway-feed.ts';
import { LoadBalancer } from './load-balancer.ts';
import { ProviderList } from './provider-list.ts';
import { proxyHandler } from './proxy-handler.ts';
import { TrafficStats } from './traffic-stats.ts';

/** Requests under this prefix are proxied to the providers, path unchanged; everything else is the gateway's own. */
export const PROXIED_PREFIX = '/app';

export interface GatewayOptions {
  /** host:port[,host:port...][/chroot] */
  connectString: string;
  /** the pattern's root znode; default /load-balancing */
  root?: string;
  /** the service whose providers it balances; default "backend" */
  serviceName?: string;
  /** default round-robin (smooth weighted), no preferred zone */
  strategy?: StrategyChoice;
  /** providers tried per request at most; default 3 */
  maxAttempts?: number;
  /** how long one attempt waits for a response head; default 5 s */
  attemptTimeoutMs?: number;
  breaker?: CircuitBreakerOptions;
  /** how often the page's traffic sample is taken; default 1 s */
  sampleIntervalMs?: number;
  /** default 127.0.0.1 */
  host?: string;
  /** default 0: a free port */
  port?: number;
  /** further Host names its own API and page answer to (see hostCheck) */
  allowedHosts?: readonly string[];
  sessionTimeoutMs?: number;
  logger?: Logger;
}

export interface RunningGateway {
  readonly url: string;
  readonly client: ZooKeeperClient;
  readonly providers: ProviderList;
  readonly balancer: LoadBalancer;
  readonly stats: TrafficStats;
  readonly feed: GatewayFeed;
  /** Graceful: end the event streams, finish proxied requests, close the session. */
  close(): Promise<void>;
}

/**
 * The gateway: a reverse proxy in front of the providers of one service. The provider list comes
 * from a ServiceCache (a watch on the service's node), the choice per request from a strategy, and
 * failures are absorbed by circuits and retries. It starts even when ZooKeeper is unreachable;
 * /readyz says 503 until the provider list has been read once.
 *
 * Connection policy: while disconnected it keeps routing with the last list it saw (a provider that
 * dies meanwhile is caught by refused connections and its circuit); after a reconnect or a session
 * expiry the cache reads the list again and reports exactly what changed.
 */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const logger = options.logger ?? defaultLogger();
  const host = options.host ?? '127.0.0.1';
  const client = new ZooKeeperClient(options.connectString, {
    sessionTimeoutMs: options.sessionTimeoutMs ?? 10_000,
    logger: logger.child({ component: 'zookeeper' }),
  });
  client.on('suspended', () =>
    logger.warn('disconnected from ZooKeeper: routing with the last provider list'),
  );
  client.on('lost', () => logger.warn('session expired: the provider list will be read again'));
  client.start();

  const list = new ProviderList(
    client,
    servicesPath(options.root ?? DEFAULT_ROOT),
    options.serviceName ?? DEFAULT_SERVICE_NAME,
  );
  list.on('membership', (change) =>
    logger.info(
      { provider: change.id, url: change.provider.url, weight: change.provider.weight },
      `provider ${change.type}`,
    ),
  );
  list.on('invalid', (detail) => logger.warn({ detail }, 'a registration was left out'));
  let startFailure: Error | undefined;
  const started = list.start().catch((error: unknown) => {
    startFailure = error as Error;
    logger.error({ err: error }, 'could not read the provider list');
  });

  const balancer = new LoadBalancer(list, options.strategy ?? { strategy: 'round-robin' }, options.breaker);
  const stats = new TrafficStats();
  const feed = new GatewayFeed(list, stats, options.sampleIntervalMs);
  // Keep-alive to the providers: a fresh TCP connection per proxied request would cost more than the
  // proxying. Idle sockets are dropped before a provider's own 5 s keep-alive timeout, so the gateway
  // rarely sends on a socket the provider is closing at that moment.
  const agent = new Agent({ keepAlive: true, maxSockets: 256, timeout: 4_000 });
  const streams = new EventStreams({ maxStreams: 16 });
  const csrf = csrfProtection();
  const registry = createMetricsRegistry();
  registerGatewayMetrics(registry, list, stats);

  const own = createApp({
    logger,
    guards: [
      hostCheck({ boundHost: host, ...(options.allowedHosts && { allowedHosts: options.allowedHosts }) }),
      csrf.guard,
    ],
    routes: [
      healthRouter({
        providers: () =>
          startFailure
            ? { ready: false, detail: `could not read the provider list: ${startFailure.message}` }
            : {
                ready: list.isInitialized,
                detail: `${list.providers.length} providers; ZooKeeper session ${client.state}`,
              },
      }),
      metricsRouter(registry),
      csrf.tokenRouter('/gateway/csrf'),
      gatewayRouter({ client, list, balancer, stats, streams, feed }),
      pagesRouter(),
    ],
  });
  const proxy = proxyHandler({
    balancer,
    stats,
    agent,
    ...(options.maxAttempts !== undefined && { maxAttempts: options.maxAttempts }),
    ...(options.attemptTimeoutMs !== undefined && { attemptTimeoutMs: options.attemptTimeoutMs }),
    logger,
  });
  // Proxied traffic bypasses the gateway's own app: no JSON body parsing (the body goes on as sent),
  // no log line per request (the counters and /metrics tell the story), no Host or CSRF check (the
  // providers' API is theirs to guard).
  const front = express();
  front.disable('x-powered-by');
  front.use((request, response, next) => {
    const path = request.url;
    if (
      path === PROXIED_PREFIX ||
      path.startsWith(`${PROXIED_PREFIX}/`) ||
      path.startsWith(`${PROXIED_PREFIX}?`)
    ) {
      proxy(request, response).catch((error: unknown) => {
        // Not expected (the proxy answers every failure it knows of), but a bug must not end the process.
        logger.error({ err: error, path }, 'proxying failed');
        if (!response.headersSent)
          response.status(500).json({ error: { code: 'GATEWAY_ERROR', message: 'the gateway failed' } });
        else response.destroy();
      });
      return;
    }
    next();
  });
  front.use(own);

  let server;
  try {
    server = await listen(front, { host, ...(options.port !== undefined && { port: options.port }) });
  } catch (error) {
    feed.close();
    await list.close();
    await client.close();
    throw error;
  }
  logger.info({ url: server.url, strategy: balancer.choice }, 'gateway listening');

  let closing: Promise<void> | undefined;
  return {
    url: server.url,
    client,
    providers: list,
    balancer,
    stats,
    feed,
    close() {
      closing ??= (async () => {
        streams.closeAll();
        await server.close({ graceMs: 2_000 });
        feed.close();
        agent.destroy();
        await list.close();
        await started;
        await client.close();
      })();
      return closing;
    },
  };
}

function registerGatewayMetrics(
  registry: ReturnType<typeof createMetricsRegistry>,
  list: ProviderList,
  stats: TrafficStats,
): void {
  new Gauge({
    name: 'gateway_providers',
    help: 'Providers registered for the service, as the gateway last saw them',
    registers: [registry],
    collect() {
      this.set(list.providers.length);
    },
  });
  new Gauge({
    name: 'gateway_provider_requests',
    help: 'Attempts per provider and outcome since the gateway started',
    labelNames: ['provider', 'outcome'],
    registers: [registry],
    collect() {
      this.reset();
      for (const provider of list.providers) {
        const traffic = stats.provider(provider.id);
        this.set({ provider: provider.id, outcome: 'served' }, traffic.served);
        this.set({ provider: provider.id, outcome: 'failed' }, traffic.failed);
      }
    },
  });
  new Gauge({
    name: 'gateway_client_requests',
    help: 'Client requests since the gateway started: answered by a provider, failed at the gateway, retried attempts',
    labelNames: ['outcome'],
    registers: [registry],
    collect() {
      const totals = stats.clientTotals;
      this.set({ outcome: 'answered' }, totals.answered);
      this.set({ outcome: 'failed' }, totals.failed);
      this.set({ outcome: 'retries' }, totals.retries);
    },
  });
}

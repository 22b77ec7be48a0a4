import { setTimeout as sleep } from 'node:timers/promises';
import { ZooKeeperClient } from '@zk-cookbook/core/client';
import {
  createApp,
  createMetricsRegistry,
  defaultLogger,
  healthRouter,
  hostCheck,
  listen,
  metricsRouter,
  zooKeeperSessionCheck,
} from '@zk-cookbook/core/http';
import { ServiceDiscovery } from '@zk-cookbook/core/recipes/discovery';
import type { Logger } from 'pino';
import { Gauge } from 'prom-client';
import { LoadBalancingError } from '../errors.ts';
import { DEFAULT_ROOT, DEFAULT_SERVICE_NAME, instanceId, providerPayload, servicesPath } from '../layout.ts';
import { providerRouter, type ProviderCounters } from './provider-api.ts';
import { ProviderRegistration } from './provider-registration.ts';

export interface ProviderOptions {
  /** host:port[,host:port...][/chroot] */
  connectString: string;
  /** the registration's id (its znode's name), e.g. "provider-2" */
  instanceId: string;
  /** default 1 */
  weight?: number;
  /** default "default" */
  zone?: string;
  /** the pattern's root znode; default /load-balancing */
  root?: string;
  /** default "backend" */
  serviceName?: string;
  /** default 127.0.0.1 */
  host?: string;
  /** default 0: a free port */
  port?: number;
  /** the address gateways reach this provider at (the registration); default the one it listens on */
  advertisedAddress?: string;
  /** further Host names to answer to (see hostCheck) */
  allowedHosts?: readonly string[];
  /**
   * How long to keep serving after deregistering on shutdown, so that requests gateways sent before
   * their watch fired still find us. Default 300 ms (loopback gateways notice within milliseconds).
   */
  drainMs?: number;
  /** false: serve without registering (a test registers the provider some other way, e.g. Curator) */
  register?: boolean;
  sessionTimeoutMs?: number;
  logger?: Logger;
}

export interface RunningProvider {
  readonly url: string;
  readonly instanceId: string;
  readonly client: ZooKeeperClient;
  readonly registration: ProviderRegistration;
  readonly counters: Readonly<ProviderCounters>;
  /** Graceful: deregister, keep serving for drainMs, finish requests, close the session. */
  close(): Promise<void>;
}

/**
 * A provider: a small HTTP application that registers itself in x-discovery format with its weight
 * and zone. It serves before ZooKeeper answers (the registration goes on in the background) and
 * /readyz says 503 until it is registered.
 *
 * Connection policy: while disconnected it keeps serving — gateways still send to it from their
 * last known list. After a session expiry its ephemeral node is gone and gateways drop it;
 * ServiceDiscovery registers it again on the new session, with the latest weight.
 */
export async function startProvider(options: ProviderOptions): Promise<RunningProvider> {
  const id = instanceId.safeParse(options.instanceId);
  const payload = providerPayload.safeParse({ weight: options.weight, zone: options.zone });
  if (!id.success || !payload.success) {
    const issue = (id.error ?? payload.error)?.issues[0];
    throw new LoadBalancingError(
      'BAD_SETTINGS',
      'startProvider',
      `${issue?.path.join('.') || 'instance id'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  const logger = (options.logger ?? defaultLogger()).child({ instanceId: options.instanceId });
  const host = options.host ?? '127.0.0.1';
  const client = new ZooKeeperClient(options.connectString, {
    sessionTimeoutMs: options.sessionTimeoutMs ?? 10_000,
    logger: logger.child({ component: 'zookeeper' }),
  });
  client.on('suspended', () => logger.warn('disconnected from ZooKeeper: still serving'));
  client.on('lost', () => logger.warn('session expired: registering again on the new session'));
  client.start();

  const counters: ProviderCounters = { served: 0, orders: 0 };
  const registry = createMetricsRegistry();
  new Gauge({
    name: 'provider_requests_served',
    help: 'Application requests this provider answered',
    registers: [registry],
    collect() {
      this.set(counters.served);
    },
  });
  const registration = new ProviderRegistration(
    new ServiceDiscovery(client, servicesPath(options.root ?? DEFAULT_ROOT)),
    {
      serviceName: options.serviceName ?? DEFAULT_SERVICE_NAME,
      instanceId: options.instanceId,
      payload: payload.data,
    },
    logger,
  );
  const app = createApp({
    logger,
    guards: [
      hostCheck({ boundHost: host, ...(options.allowedHosts && { allowedHosts: options.allowedHosts }) }),
    ],
    // Application traffic is counted in /metrics; a line per request would drown the log.
    quietPaths: ['/healthz', '/readyz', '/metrics', '/app/hello', '/admin/state'],
    routes: [
      healthRouter({
        zookeeper: zooKeeperSessionCheck(client),
        registration: () => {
          const ready = options.register === false || registration.isRegistered;
          return { ready, detail: registration.isRegistered ? 'registered' : 'not registered' };
        },
      }),
      metricsRouter(registry),
      providerRouter({ instanceId: options.instanceId, registration, counters }),
    ],
  });

  let server;
  try {
    server = await listen(app, { host, ...(options.port !== undefined && { port: options.port }) });
  } catch (error) {
    await client.close();
    throw error;
  }
  if (options.register !== false) registration.start(options.advertisedAddress ?? host, server.port);
  logger.info({ url: server.url, ...payload.data }, 'provider listening');

  let closing: Promise<void> | undefined;
  return {
    url: server.url,
    instanceId: options.instanceId,
    client,
    registration,
    counters,
    close() {
      closing ??= (async () => {
        const wasRegistered = registration.isRegistered;
        await registration.close();
        if (wasRegistered) await sleep(options.drainMs ?? 300);
        await server.close({ graceMs: 2_000 });
        await client.close();
      })();
      return closing;
    },
  };
}

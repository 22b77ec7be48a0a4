import { Router } from 'express';
import { ZooKeeperClient } from '@zk-cookbook/core/client';
import {
  createApp,
  createMetricsRegistry,
  defaultLogger,
  hostCheck,
  HttpError,
  listen,
  metricsRouter,
  parseRequest,
} from '@zk-cookbook/core/http';
import { Counter, Gauge } from 'prom-client';
import type { Logger } from 'pino';
import { z } from 'zod';
import { ConfigSubscriber } from '../client/index.ts';
import { NAME_PATTERN } from '../layout.ts';

export interface SubscriberServiceOptions {
  connectString: string;
  namespace: string;
  instanceId: string;
  host?: string;
  port?: number;
  allowedHosts?: readonly string[];
  root?: string;
  fallbackFile?: string;
  /** how long to wait for ZooKeeper before starting from the fallback file; default 5 s */
  startTimeoutMs?: number;
  sessionTimeoutMs?: number;
  logger?: Logger;
}

export interface RunningSubscriberService {
  readonly url: string;
  readonly subscriber: ConfigSubscriber;
  readonly client: ZooKeeperClient;
  close(): Promise<void>;
}

/**
 * The demo subscriber: a service that runs on a namespace's configuration through the subscriber
 * library and says which versions it runs (GET /, /config, /metrics, and its report in ZooKeeper).
 */
export async function startSubscriberService(
  options: SubscriberServiceOptions,
): Promise<RunningSubscriberService> {
  const logger = options.logger ?? defaultLogger();
  const host = options.host ?? '127.0.0.1';
  const client = new ZooKeeperClient(options.connectString, {
    sessionTimeoutMs: options.sessionTimeoutMs ?? 10_000,
    requestTimeoutMs: 10_000,
    logger: logger.child({ component: 'zookeeper' }),
  });
  client.start();
  const subscriber = new ConfigSubscriber({
    client,
    namespace: options.namespace,
    instanceId: options.instanceId,
    logger,
    ...(options.root !== undefined && { root: options.root }),
    ...(options.fallbackFile !== undefined && { fallbackFile: options.fallbackFile }),
    ...(options.startTimeoutMs !== undefined && { startTimeoutMs: options.startTimeoutMs }),
  });

  const registry = createMetricsRegistry();
  const applied = new Counter({
    name: 'config_subscriber_applied_total',
    help: 'Versions applied, by key',
    labelNames: ['key'],
    registers: [registry],
  });
  const running = new Gauge({
    name: 'config_subscriber_version',
    help: 'The version each key runs on this instance',
    labelNames: ['key'],
    registers: [registry],
  });
  new Gauge({
    name: 'config_subscriber_live',
    help: '1 while the configuration is confirmed by a live ZooKeeper session, 0 while running on a stale or file copy',
    registers: [registry],
    collect() {
      this.set(subscriber.live ? 1 : 0);
    },
  });
  subscriber.on('applied', (key, { version }) => {
    applied.inc({ key });
    running.set({ key }, version);
    logger.info({ key, version, source: subscriber.source }, 'applied');
  });

  const status = () => ({
    instanceId: options.instanceId,
    namespace: options.namespace,
    source: subscriber.source,
    live: subscriber.live,
    versions: subscriber.versions(),
  });

  const routes = Router();
  routes.get('/healthz', (_request, response) => {
    response.json({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) });
  });
  // Ready while it has a configuration to run on; "degraded" when that configuration is not
  // confirmed by a live session (started from the file, or the session is suspended). Degraded is
  // still 200: serving the last known config is the point of the fallback.
  routes.get('/readyz', (_request, response) => {
    const source = subscriber.source;
    const detail = {
      source,
      zookeeper: client.connectedServer ? `${client.state} to ${client.connectedServer}` : client.state,
      versions: subscriber.versions(),
    };
    if (source === 'none')
      response.status(503).json({
        status: 'not-ready',
        reason: 'no configuration yet: ZooKeeper unreachable and no last known config',
        ...detail,
      });
    else if (subscriber.live) response.json({ status: 'ready', ...detail });
    else
      response.json({
        status: 'degraded',
        reason:
          source === 'file'
            ? 'running on the last known config from file: ZooKeeper unreachable'
            : 'ZooKeeper session not connected: the configuration may be stale',
        ...detail,
      });
  });
  routes.get('/', (_request, response) => {
    response.json(status());
  });
  routes.get('/config', (_request, response) => {
    response.json({ ...status(), config: subscriber.snapshot() });
  });
  routes.get('/config/:key', (request, response) => {
    const { params } = parseRequest(request, { params: z.object({ key: z.string().regex(NAME_PATTERN) }) });
    const value = subscriber.get(params.key);
    if (!value)
      throw new HttpError(404, 'KEY_NOT_FOUND', `no configuration for key ${params.key}`, {
        key: params.key,
      });
    response.json({ key: params.key, ...value, source: subscriber.source });
  });

  const app = createApp({
    logger,
    guards: [
      hostCheck({ boundHost: host, ...(options.allowedHosts && { allowedHosts: options.allowedHosts }) }),
    ],
    routes: [metricsRouter(registry), routes],
  });
  const starting = subscriber.start();
  const server = await listen(app, { host, ...(options.port !== undefined && { port: options.port }) }).catch(
    async (error: unknown) => {
      await subscriber.close();
      await client.close();
      throw error;
    },
  );
  await starting;
  logger.info(
    { url: server.url, source: subscriber.source, versions: subscriber.versions() },
    'subscriber listening',
  );

  let closing: Promise<void> | undefined;
  return {
    url: server.url,
    subscriber,
    client,
    close() {
      closing ??= server
        .close({ graceMs: 5_000 })
        .then(() => subscriber.close())
        .then(() => client.close());
      return closing;
    },
  };
}

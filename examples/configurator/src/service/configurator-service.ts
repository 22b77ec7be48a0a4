import express, { Router } from 'express';
import { fileURLToPath } from 'node:url';
import { ZooKeeperClient } from '@zk-cookbook/core/client';
import {
  createApp,
  createMetricsRegistry,
  csrfProtection,
  defaultLogger,
  healthRouter,
  hostCheck,
  listen,
  metricsRouter,
  zooKeeperSessionCheck,
} from '@zk-cookbook/core/http';
import type { Logger } from 'pino';
import { ConfiguratorLayout, DEFAULT_ROOT } from '../layout.ts';
import { ConfigStore } from './config-store.ts';
import { configuratorApi } from './configurator-api.ts';
import { seedDemo } from './demo-seed.ts';
import { EditorSessions, type Editor } from './editors.ts';
import { ConfiguratorMetrics } from './metrics.ts';

export interface ConfiguratorOptions {
  /** host:port,...[/chroot] */
  connectString: string;
  editors: readonly Editor[];
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** Host names the service answers to besides its own address (e.g. the compose service name). */
  allowedHosts?: readonly string[];
  root?: string;
  maxValueBytes?: number;
  keepVersions?: number;
  sessionTimeoutMs?: number;
  /** deadline of each ZooKeeper request made for a client; default 10 s */
  requestTimeoutMs?: number;
  resolveTimeoutMs?: number;
  /** create namespace "demo" with a schema and a first version of key "app", if absent */
  seedDemo?: boolean;
  logger?: Logger;
}

export interface RunningConfigurator {
  readonly url: string;
  readonly store: ConfigStore;
  /** the service's own session (reads, layout) */
  readonly client: ZooKeeperClient;
  close(): Promise<void>;
}

const PUBLIC_DIRECTORY = fileURLToPath(new URL('./public/', import.meta.url));
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

/**
 * Starts the Configurator: API, web UI, health and metrics. It listens at once and reports itself
 * ready (/readyz) only once its session is up and its znodes exist, so it can be started before the
 * ensemble answers.
 */
export async function startConfigurator(options: ConfiguratorOptions): Promise<RunningConfigurator> {
  const logger = options.logger ?? defaultLogger();
  const host = options.host ?? '127.0.0.1';
  const clientOptions = {
    sessionTimeoutMs: options.sessionTimeoutMs ?? 15_000,
    requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
  };
  const client = new ZooKeeperClient(options.connectString, {
    ...clientOptions,
    logger: logger.child({ component: 'zookeeper' }),
  });
  client.start();
  const layout = new ConfiguratorLayout(options.root ?? DEFAULT_ROOT);
  const store = new ConfigStore({
    client,
    layout,
    editors: options.editors,
    logger,
    ...(options.maxValueBytes !== undefined && { maxValueBytes: options.maxValueBytes }),
    ...(options.keepVersions !== undefined && { keepVersions: options.keepVersions }),
    ...(options.resolveTimeoutMs !== undefined && { resolveTimeoutMs: options.resolveTimeoutMs }),
  });
  const sessions = new EditorSessions(options.connectString, clientOptions, logger);
  const registry = createMetricsRegistry();
  const metrics = new ConfiguratorMetrics(registry);
  const csrf = csrfProtection();

  const prepared = prepareLayout(store, client, options, sessions, logger);
  let layoutReady = false;
  void prepared.then(
    () => (layoutReady = true),
    (error: unknown) => logger.error({ err: error }, 'could not prepare the znode layout'),
  );

  const app = createApp({
    logger,
    guards: [
      hostCheck({ boundHost: host, ...(options.allowedHosts && { allowedHosts: options.allowedHosts }) }),
      csrf.guard,
    ],
    // Room for a value of maxValueBytes written out as JSON with escapes; the store answers 413 above the limit.
    bodyLimit: Math.max(1024 * 1024, (options.maxValueBytes ?? 512 * 1024) * 2),
    quietPaths: ['/healthz', '/readyz', '/metrics'],
    routes: [
      healthRouter({
        zookeeper: zooKeeperSessionCheck(client),
        layout: () => ({
          ready: layoutReady,
          detail: layoutReady ? `znodes under ${layout.root}` : 'not created yet',
        }),
      }),
      metricsRouter(registry),
      csrf.tokenRouter('/api/csrf-token'),
      configuratorApi({ store, editors: options.editors, sessions, metrics }),
      webUi(),
    ],
  });
  const server = await listen(app, { host, ...(options.port !== undefined && { port: options.port }) }).catch(
    async (error: unknown) => {
      await Promise.all([sessions.close(), client.close()]);
      throw error;
    },
  );
  logger.info({ url: server.url, root: layout.root }, 'configurator listening');

  let closing: Promise<void> | undefined;
  return {
    url: server.url,
    store,
    client,
    close() {
      // Requests in flight finish first (a publish must get to tell its outcome), then the sessions go.
      closing ??= server
        .close({ graceMs: 5_000 })
        .then(() => Promise.all([sessions.close(), client.close()]))
        .then(() => undefined);
      return closing;
    },
  };
}

async function prepareLayout(
  store: ConfigStore,
  client: ZooKeeperClient,
  options: ConfiguratorOptions,
  sessions: EditorSessions,
  logger: Logger,
): Promise<void> {
  for (;;) {
    try {
      await client.waitForConnected({ timeoutMs: 60_000 });
      await store.ensureLayout();
      if (options.seedDemo) await seedDemo(store, options.editors, sessions, logger);
      return;
    } catch (error) {
      if (client.state === 'closed') throw error;
      logger.warn({ err: error }, 'preparing the znode layout failed; retrying');
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}

function webUi(): Router {
  const router = Router();
  router.use((_request, response, next) => {
    response.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    next();
  });
  router.use(express.static(PUBLIC_DIRECTORY, { index: 'index.html', maxAge: 0 }));
  return router;
}

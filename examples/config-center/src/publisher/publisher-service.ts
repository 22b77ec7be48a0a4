import type { RequestHandler } from 'express';
import { Gauge } from 'prom-client';
import { setTimeout as sleep } from 'node:timers/promises';
import { ZooKeeperClient, isConnectionLossClass, isZooKeeperError } from '@zk-cookbook/core/client';
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
import { ConfigCenterError } from '../errors.ts';
import { ADMIN_USER, DEFAULT_MAX_VALUE_BYTES, DEFAULT_ROOT, configLayout } from '../layout.ts';
import { pagesRouter } from '../pages.ts';
import { SubscriberBoard } from '../viewer/subscriber-board.ts';
import { viewerRouter } from '../viewer/viewer-api.ts';
import { requireAdmin } from './admin-credential.ts';
import { ConfigStore } from './config-store.ts';
import { publisherRouter } from './publisher-api.ts';

export interface PublisherOptions {
  /** host:port[,host:port...][/chroot] */
  connectString: string;
  /** the admin identity's secret: the digest ACL names admin:<secret>, and HTTP writes must carry it */
  adminSecret: string;
  /** default "admin" */
  adminUser?: string;
  /** the pattern's root znode; default /config-center */
  root?: string;
  /** default 127.0.0.1 */
  host?: string;
  /** default 0: a free port */
  port?: number;
  /** further Host names to answer to, e.g. the compose service name (see hostCheck) */
  allowedHosts?: readonly string[];
  /** largest value accepted, in UTF-8 bytes; default 64 KiB */
  maxValueBytes?: number;
  sessionTimeoutMs?: number;
  logger?: Logger;
}

export interface RunningPublisher {
  readonly url: string;
  readonly client: ZooKeeperClient;
  readonly store: ConfigStore;
  readonly board: SubscriberBoard;
  /** Graceful: finish requests, end streams, close the session. */
  close(): Promise<void>;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The publisher: the admin API that writes configuration into ZooKeeper, and the live page that
 * shows what every subscriber holds. Its session authenticates as the admin identity; the nodes
 * it creates carry a digest ACL, so ZooKeeper itself refuses writes from any other session.
 */
export async function startPublisher(options: PublisherOptions): Promise<RunningPublisher> {
  if (!options.adminSecret) {
    throw new ConfigCenterError(
      'BAD_SETTINGS',
      'startPublisher',
      'an admin secret is required (ADMIN_SECRET)',
    );
  }
  const logger = (options.logger ?? defaultLogger()).child({ service: 'publisher' });
  const admin = { user: options.adminUser ?? ADMIN_USER, secret: options.adminSecret };
  const layout = configLayout(options.root ?? DEFAULT_ROOT);
  const host = options.host ?? '127.0.0.1';
  const client = new ZooKeeperClient(options.connectString, {
    sessionTimeoutMs: options.sessionTimeoutMs ?? 10_000,
    // Sent on every connection before any request: a reconnected session is the admin at once.
    auth: [{ scheme: 'digest', auth: `${admin.user}:${admin.secret}` }],
    logger: logger.child({ component: 'zookeeper' }),
  });
  client.start();
  const store = new ConfigStore(client, layout, admin, logger);
  const board = new SubscriberBoard(client, layout.subscribers, logger);

  // The layout first (the board watches a node it creates), then the board. A failure is kept
  // for /readyz rather than thrown: the service stays up and says what is wrong.
  let layoutState: { ready: boolean; detail: string } = { ready: false, detail: 'creating the layout' };
  const stopping = new AbortController();
  const started = (async () => {
    for (;;) {
      try {
        await client.waitForConnected({ signal: stopping.signal });
        await store.ensureLayout();
        break;
      } catch (error) {
        // A lost connection or session mid-way is retried; anything else (LAYOUT_NOT_OURS) is final.
        if (
          stopping.signal.aborted ||
          !(isConnectionLossClass(error) || isZooKeeperError(error, 'SESSIONEXPIRED'))
        )
          throw error;
        layoutState = { ready: false, detail: `creating the layout, retrying: ${(error as Error).message}` };
        await sleep(1_000, undefined, { signal: stopping.signal });
      }
    }
    await board.start();
    layoutState = { ready: true, detail: `${layout.root} ready` };
  })().catch((error: unknown) => {
    if (stopping.signal.aborted) return;
    layoutState = { ready: false, detail: (error as Error).message };
    logger.error({ err: error }, 'could not set up the configuration tree');
  });

  const registry = createMetricsRegistry();
  new Gauge({
    name: 'config_center_subscribers',
    help: 'registered subscribers, by whether the publisher currently receives their stream',
    labelNames: ['reachable'] as const,
    registers: [registry],
    collect() {
      const all = board.subscribers();
      this.set({ reachable: 'true' }, all.filter((each) => each.reachable).length);
      this.set({ reachable: 'false' }, all.filter((each) => !each.reachable).length);
    },
  });
  const adminOnly = requireAdmin(admin);
  const adminForWrites: RequestHandler = (request, response, next) =>
    SAFE_METHODS.has(request.method) ? next() : adminOnly(request, response, next);
  const streams = new EventStreams({ maxStreams: 32 });
  const maxValueBytes = options.maxValueBytes ?? DEFAULT_MAX_VALUE_BYTES;
  const app = createApp({
    logger,
    // Before any body is read: the Host check (DNS rebinding), cross-site browser requests refused,
    // and the admin credential on every write.
    guards: [
      hostCheck({ boundHost: host, ...(options.allowedHosts && { allowedHosts: options.allowedHosts }) }),
      sameOriginReads(),
      adminForWrites,
    ],
    // JSON escaping can make a value up to six times longer on the wire than in UTF-8.
    bodyLimit: maxValueBytes * 6 + 1024,
    quietPaths: ['/healthz', '/readyz', '/metrics', '/api/subscribers'],
    routes: [
      healthRouter({ zookeeper: zooKeeperSessionCheck(client), layout: () => layoutState }),
      metricsRouter(registry),
      publisherRouter({ store, registry, maxValueBytes }),
      viewerRouter(board, streams),
      pagesRouter('live'),
    ],
  });

  let server: RunningServer;
  try {
    server = await listen(app, { host, ...(options.port !== undefined && { port: options.port }) });
  } catch (error) {
    await board.close();
    await client.close();
    throw error;
  }
  logger.info({ url: server.url, root: layout.root }, 'publisher listening');

  let closing: Promise<void> | undefined;
  return {
    url: server.url,
    client,
    store,
    board,
    close() {
      closing ??= (async () => {
        stopping.abort();
        streams.closeAll();
        await server.close({ graceMs: 2_000 });
        await board.close();
        await client.close();
        await started;
      })();
      return closing;
    },
  };
}

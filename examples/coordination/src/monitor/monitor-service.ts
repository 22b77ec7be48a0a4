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
  zooKeeperSessionCheck,
} from '@zk-cookbook/core/http';
import { Gauge } from 'prom-client';
import type { Logger } from 'pino';
import { coordinationLayout, DEFAULT_ROOT, DEFAULT_TASK, taskLayout } from '../layout.ts';
import { pagesRouter } from '../pages.ts';
import { RoundCoordinator } from '../rounds/round-coordinator.ts';
import { monitorRouter } from './monitor-api.ts';
import { WorkerBoard, type Liveness } from './worker-board.ts';

export interface MonitorOptions {
  connectString: string;
  /** the input log's size, for the progress bar */
  total: number;
  root?: string;
  task?: string;
  /** no heartbeat for this long → late; default 1.5 s (three beats of 500 ms) */
  lateAfterMs?: number;
  sessionTimeoutMs?: number;
  host?: string;
  port?: number;
  allowedHosts?: readonly string[];
  logger?: Logger;
}

export interface RunningMonitor {
  readonly url: string;
  readonly client: ZooKeeperClient;
  readonly board: WorkerBoard;
  readonly rounds: RoundCoordinator;
  /** the CSRF token its page sends with POSTs (tests send it too) */
  readonly csrfToken: string;
  close(): Promise<void>;
}

/**
 * The monitor: the live page of workers (RUNNING/STANDBY, alive/late/dead, heartbeats, progress)
 * and the barrier rounds. It only reads what the workers write, and writes only the rounds.
 */
export async function startMonitor(options: MonitorOptions): Promise<RunningMonitor> {
  const logger = (options.logger ?? defaultLogger()).child({ instanceId: 'monitor' });
  const root = options.root ?? DEFAULT_ROOT;
  const layout = coordinationLayout(root);
  const host = options.host ?? '127.0.0.1';
  const lateAfterMs = options.lateAfterMs ?? 1_500;
  const client = new ZooKeeperClient(options.connectString, {
    sessionTimeoutMs: options.sessionTimeoutMs ?? 10_000,
    logger: logger.child({ component: 'zookeeper' }),
  });
  client.on('suspended', () =>
    logger.warn('disconnected from ZooKeeper: the board is stale until it is back'),
  );
  client.start();

  const board = new WorkerBoard(client, layout, taskLayout(root, options.task ?? DEFAULT_TASK), {
    total: options.total,
    lateAfterMs,
    logger,
  });
  const rounds = new RoundCoordinator(client, layout.rounds);
  let startFailure: Error | undefined;
  const started = board.start().catch((error: unknown) => {
    startFailure = error as Error;
    logger.error({ err: error }, 'could not read the workers');
  });

  const registry = createMetricsRegistry();
  new Gauge({
    name: 'coordination_workers',
    help: 'workers on the board, by liveness (alive, late, dead, left)',
    labelNames: ['liveness'] as const,
    registers: [registry],
    collect() {
      const counts: Record<Liveness, number> = { alive: 0, late: 0, dead: 0, left: 0 };
      for (const worker of board.list()) counts[worker.liveness]++;
      for (const [liveness, count] of Object.entries(counts)) this.set({ liveness }, count);
    },
  });
  const csrf = csrfProtection();
  const streams = new EventStreams({ maxStreams: 16 });
  const app = createApp({
    logger,
    guards: [
      hostCheck({ boundHost: host, ...(options.allowedHosts && { allowedHosts: options.allowedHosts }) }),
      csrf.guard,
    ],
    routes: [
      healthRouter({
        zookeeper: zooKeeperSessionCheck(client),
        board: () =>
          startFailure
            ? { ready: false, detail: `could not read the workers: ${startFailure.message}` }
            : { ready: board.isInitialized, detail: board.isInitialized ? 'read' : 'reading' },
      }),
      metricsRouter(registry),
      csrf.tokenRouter('/api/csrf'),
      monitorRouter({ board, rounds, streams, lateAfterMs }),
      pagesRouter(),
    ],
    quietPaths: ['/healthz', '/readyz', '/metrics', '/api/workers', '/api/rounds/latest'],
  });
  let server;
  try {
    server = await listen(app, { host, ...(options.port !== undefined && { port: options.port }) });
  } catch (error) {
    await board.close();
    await client.close();
    throw error;
  }
  logger.info({ url: server.url, root }, 'monitor listening');

  let closing: Promise<void> | undefined;
  return {
    url: server.url,
    client,
    board,
    rounds,
    csrfToken: csrf.token,
    close() {
      closing ??= (async () => {
        streams.closeAll();
        await server.close({ graceMs: 2_000 });
        await board.close();
        await started;
        await client.close();
      })();
      return closing;
    },
  };
}

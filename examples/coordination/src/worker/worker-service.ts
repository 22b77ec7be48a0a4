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
import type { Logger } from 'pino';
import { CoordinationError } from '../errors.ts';
import { WorkerHeartbeat } from '../heartbeat/worker-heartbeat.ts';
import type { InputRecord } from '../input-log.ts';
import { coordinationLayout, DEFAULT_ROOT, DEFAULT_TASK, nodeNameSchema, taskLayout } from '../layout.ts';
import { RoundParticipant } from '../rounds/round-participant.ts';
import { TaskRunner } from '../task/task-runner.ts';
import { describeWorker, workerRouter, type WorkerStatus } from './worker-api.ts';
import { registerWorkerMetrics } from './worker-metrics.ts';

export interface WorkerOptions {
  /** host:port[,host:port...][/chroot] */
  connectString: string;
  /** names this instance in the election, the workers group, the page and its logs, e.g. "worker-2" */
  instanceId: string;
  /** the input log's records (readInputLog) */
  records: readonly InputRecord[];
  /** the pattern's root znode; default /coordination */
  root?: string;
  /** the task's name; default "replication" */
  task?: string;
  /** records per checkpoint transaction; default 1 */
  batchSize?: number;
  /** pace of the demo; 0 = as fast as possible. Default 0 */
  recordsPerSecond?: number;
  /** default 500 ms */
  heartbeatMs?: number;
  /** default 6 s: a crashed RUNNING instance is replaced after about this long */
  sessionTimeoutMs?: number;
  host?: string;
  port?: number;
  allowedHosts?: readonly string[];
  logger?: Logger;
}

export interface RunningWorker {
  readonly url: string;
  readonly instanceId: string;
  readonly client: ZooKeeperClient;
  readonly runner: TaskRunner;
  status(): WorkerStatus;
  /** Graceful: stop applying (the next in line takes over at once), say STOPPED, leave, close the session. */
  close(): Promise<void>;
}

/**
 * A worker: one instance of the task (RUNNING or STANDBY, see TaskRunner), a heartbeat in the
 * workers group, and a member of every barrier round. It starts even when ZooKeeper is
 * unreachable; /readyz says 503 until its session is up and it has joined the line.
 */
export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  for (const [what, value] of [
    ['instance id', options.instanceId],
    ['task', options.task ?? DEFAULT_TASK],
  ] as const) {
    const parsed = nodeNameSchema.safeParse(value);
    if (!parsed.success)
      throw new CoordinationError(
        'BAD_SETTINGS',
        'startWorker',
        `${what} ${JSON.stringify(value)}: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
      );
  }
  const logger = (options.logger ?? defaultLogger()).child({ instanceId: options.instanceId });
  const root = options.root ?? DEFAULT_ROOT;
  const task = options.task ?? DEFAULT_TASK;
  const layout = coordinationLayout(root);
  const batchSize = options.batchSize ?? 1;
  const host = options.host ?? '127.0.0.1';
  const client = new ZooKeeperClient(options.connectString, {
    sessionTimeoutMs: options.sessionTimeoutMs ?? 6_000,
    logger: logger.child({ component: 'zookeeper' }),
  });
  client.on('suspended', () => logger.warn('disconnected from ZooKeeper: stopped applying until it is back'));
  client.on('lost', () => logger.warn('session expired: rejoining the line at the back'));
  client.start();

  const runner = new TaskRunner(client, taskLayout(root, task), options.records, {
    instanceId: options.instanceId,
    batchSize,
    ...(options.recordsPerSecond !== undefined && { recordsPerSecond: options.recordsPerSecond }),
    logger,
  });
  const status = (): WorkerStatus => describeWorker(options.instanceId, task, batchSize, client, runner);

  const registry = createMetricsRegistry();
  registerWorkerMetrics(registry, runner);
  let joined = false;
  let startFailure: Error | undefined;
  const app = createApp({
    logger,
    guards: [
      hostCheck({ boundHost: host, ...(options.allowedHosts && { allowedHosts: options.allowedHosts }) }),
    ],
    routes: [
      healthRouter({
        zookeeper: zooKeeperSessionCheck(client),
        task: () =>
          startFailure
            ? { ready: false, detail: `could not join: ${startFailure.message}` }
            : { ready: joined, detail: joined ? `in line (${runner.role})` : 'joining' },
      }),
      metricsRouter(registry),
      workerRouter(status),
    ],
  });
  let server;
  try {
    server = await listen(app, { host, ...(options.port !== undefined && { port: options.port }) });
  } catch (error) {
    await client.close();
    throw error;
  }

  const heartbeat = new WorkerHeartbeat(client, layout, {
    instanceId: options.instanceId,
    ...(options.heartbeatMs !== undefined && { intervalMs: options.heartbeatMs }),
    logger,
    report: () => {
      const now = status();
      return {
        state: now.role,
        offset: now.offset,
        total: now.total,
        ...(now.token !== undefined && { token: now.token }),
        appliedByUs: now.appliedByUs,
        url: server.url,
      };
    },
  });
  runner.on('role', () => void heartbeat.beatNow());
  const rounds = new RoundParticipant(client, layout.rounds, options.instanceId, logger);
  const stopping = new AbortController();
  const started = (async () => {
    await heartbeat.start({ signal: stopping.signal });
    await rounds.start({ signal: stopping.signal });
    await runner.start();
    joined = true;
    logger.info({ role: runner.role }, 'joined the line');
  })().catch((error: unknown) => {
    if (stopping.signal.aborted) return;
    startFailure = error as Error;
    logger.error({ err: error }, 'could not join');
  });
  logger.info({ url: server.url, root, task, batchSize }, 'worker listening');

  let closing: Promise<void> | undefined;
  return {
    url: server.url,
    instanceId: options.instanceId,
    client,
    runner,
    status,
    close() {
      closing ??= (async () => {
        stopping.abort();
        await server.close({ graceMs: 2_000 });
        // Leadership first, so that a successor starts as early as possible; closing the latch also
        // ends a join still waiting for a connection, which `started` may be waiting on.
        await runner.close();
        await started;
        await rounds.close();
        await heartbeat.close();
        await client.close();
      })();
      return closing;
    },
  };
}

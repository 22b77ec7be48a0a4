import type { Logger } from 'pino';
import { formatServer, parseConnectString, ZooKeeperClient } from '../client/index.ts';
import type { LocalEnsemble } from '../ensemble/index.ts';
import {
  createApp,
  createMetricsRegistry,
  csrfProtection,
  defaultLogger,
  EventStreams,
  healthRouter,
  hostCheck,
  listen,
  metricsRouter,
  zooKeeperSessionCheck,
  type EventStreamStats,
  type RunningServer,
} from '../http/index.ts';
import { ensembleRouter } from './api/ensemble-api.ts';
import { eventsRouter } from './api/events-api.ts';
import { memberActionsRouter } from './api/member-actions-api.ts';
import { znodeRouter } from './api/znode-api.ts';
import { dashboardRouter } from './dashboard.ts';
import { registerEnsembleMetrics } from './ensemble-metrics.ts';
import { EnsemblePoller } from './ensemble-poller.ts';
import type { MonitoredMember } from './member-status.ts';
import { assertControlsStayLocal } from './remote-control.ts';
import { SharedWatches } from './shared-watches.ts';

export interface MonitorOptions {
  /** The ensemble to watch, host:port[,host:port...][/chroot]; default: the local ensemble's. */
  connectString?: string;
  /**
   * A local ensemble the monitor may break: its members' process states show in the table and
   * POST /api/members/:id/{kill,pause,resume,restart} exist. Without it those routes answer 404.
   * The monitor never closes it; whoever started it does.
   */
  localEnsemble?: LocalEnsemble;
  /** Default 0 (a free port). */
  port?: number;
  /**
   * Default 127.0.0.1. With a localEnsemble, a non-loopback address is refused
   * (RemoteControlRefusedError) unless allowRemoteControl is set: the controls have no authentication.
   */
  host?: string;
  /** Serve the fault-injection controls on a non-loopback host anyway. */
  allowRemoteControl?: boolean;
  /**
   * Host names the monitor answers to besides its own address and, on loopback, localhost — e.g.
   * `monitor` behind compose's network, `localhost` when a container publishes the port. See
   * hostCheck(); every other Host gets 403 (DNS rebinding defence).
   */
  allowedHosts?: readonly string[];
  pollIntervalMs?: number;
  /** Per four-letter word; see PollerOptions. */
  fourLetterTimeoutMs?: number;
  /** Deadline of each ZooKeeper request made for the browser. Default 5000 ms. */
  requestTimeoutMs?: number;
  /** SSE heartbeat. Default 15 s. */
  heartbeatMs?: number;
  /** Most event streams open at once; more get 503. Default 32. */
  maxEventStreams?: number;
  /** Bytes held per event stream for a client that does not keep up; see EventStreamOptions. */
  maxStreamBufferedBytes?: number;
  /** An event stream whose client takes nothing for this long is cut. Default 60 s. */
  streamStallTimeoutMs?: number;
  logger?: Logger;
}

export interface MonitorService {
  readonly url: string;
  readonly poller: EnsemblePoller;
  /** the monitor's own session, for the tree, node and event endpoints */
  readonly client: ZooKeeperClient;
  /** The live event streams and the watches they share, to see what browsers cost the service. */
  streamStats(): {
    open: number;
    refused: number;
    streams: EventStreamStats[];
    watches: { path: string; listeners: number }[];
  };
  close(): Promise<void>;
}

/**
 * The monitoring service: polls every member's four-letter words, exposes them as JSON and
 * Prometheus metrics, browses the tree and streams changes through its own session, and serves the
 * dashboard. It starts even when no server answers yet — that is when a monitor matters most — and
 * reports itself not ready (/readyz) until its session is up.
 */
export async function startMonitor(options: MonitorOptions): Promise<MonitorService> {
  const local = options.localEnsemble;
  const connectString = options.connectString ?? local?.connectString;
  if (!connectString) throw new TypeError('startMonitor needs a connectString or a localEnsemble');
  const host = options.host ?? '127.0.0.1';
  assertControlsStayLocal({
    host,
    controls: local !== undefined,
    ...(options.allowRemoteControl !== undefined && { allowRemoteControl: options.allowRemoteControl }),
  });
  const logger = options.logger ?? defaultLogger();

  const members: MonitoredMember[] = local
    ? local.members.map((member) => ({
        id: member.id,
        host: member.host,
        port: member.clientPort,
        role: member.role,
      }))
    : parseConnectString(connectString).servers.map((server, index) => ({
        id: index + 1,
        host: server.host,
        port: server.port,
      }));
  const poller = new EnsemblePoller({
    members,
    ...(options.pollIntervalMs !== undefined && { intervalMs: options.pollIntervalMs }),
    ...(options.fourLetterTimeoutMs !== undefined && { timeoutMs: options.fourLetterTimeoutMs }),
  });

  const client = new ZooKeeperClient(connectString, {
    requestTimeoutMs: options.requestTimeoutMs ?? 5_000,
    logger: logger.child({ component: 'zookeeper' }),
  });
  client.start();

  const registry = createMetricsRegistry();
  registerEnsembleMetrics(registry, () => ({ members: poller.members(), summary: poller.summary() }));

  const watches = new SharedWatches(client);
  const streams = new EventStreams({
    ...(options.maxEventStreams !== undefined && { maxStreams: options.maxEventStreams }),
    ...(options.heartbeatMs !== undefined && { heartbeatMs: options.heartbeatMs }),
    ...(options.maxStreamBufferedBytes !== undefined && { maxBufferedBytes: options.maxStreamBufferedBytes }),
    ...(options.streamStallTimeoutMs !== undefined && { stallTimeoutMs: options.streamStallTimeoutMs }),
  });
  const csrf = csrfProtection();

  const app = createApp({
    logger,
    // Before anything reads a body or touches ZooKeeper: a page of another site may send the
    // browser here (CSRF), or re-point its own name at this address (DNS rebinding).
    guards: [
      hostCheck({ boundHost: host, ...(options.allowedHosts && { allowedHosts: options.allowedHosts }) }),
      csrf.guard,
    ],
    quietPaths: ['/healthz', '/readyz', '/metrics', '/api/ensemble'],
    routes: [
      healthRouter({ zookeeper: zooKeeperSessionCheck(client) }),
      metricsRouter(registry),
      ensembleRouter({
        poller,
        client,
        connectString: parseConnectString(connectString).servers.map(formatServer).join(','),
        ...(local && { localEnsemble: local }),
      }),
      csrf.tokenRouter('/api/csrf-token'),
      znodeRouter(client),
      eventsRouter(watches, streams),
      ...(local ? [memberActionsRouter(local, { onChange: (id) => poller.pollNow(id) })] : []),
      dashboardRouter(),
    ],
  });

  poller.start();
  let server: RunningServer;
  try {
    server = await listen(app, { host, ...(options.port !== undefined && { port: options.port }) });
  } catch (error) {
    await Promise.all([poller.stop(), client.close()]);
    throw error;
  }

  let closing: Promise<void> | undefined;
  return {
    url: server.url,
    poller,
    client,
    streamStats: () => ({ ...streams.stats(), watches: watches.stats() }),
    close() {
      // Streams never end on their own: end them, so that they do not wait out the grace period.
      streams.closeAll();
      closing ??= Promise.all([poller.stop(), client.close(), server.close({ graceMs: 2_000 })]).then(
        () => {},
      );
      return closing;
    },
  };
}

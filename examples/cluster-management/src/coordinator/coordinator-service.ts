import { Gauge } from 'prom-client';
import { isZooKeeperError, joinPath, type ZooKeeperClient } from '@zk-cookbook/core/client';
import {
  EventStreams,
  createApp,
  createMetricsRegistry,
  healthRouter,
  hostCheck,
  listen,
  metricsRouter,
  sameOriginReads,
  zooKeeperSessionCheck,
  type RunningServer,
} from '@zk-cookbook/core/http';
import { openServiceSession, type ServiceOptions } from '../service-session.ts';
import { STRATEGIES, type StrategyName } from '../assignment/strategies.ts';
import type { ClusterLayout } from '../layout.ts';
import { pagesRouter } from '../pages.ts';
import { Coordinator } from './coordinator.ts';
import { coordinatorRouter } from './coordinator-api.ts';

export interface CoordinatorServiceOptions extends ServiceOptions {
  /** default sticky */
  strategy?: StrategyName;
  /** source ids created at start when missing (a demo's sources) */
  seedSources?: readonly string[];
}

export interface RunningCoordinator {
  readonly url: string;
  readonly client: ZooKeeperClient;
  readonly coordinator: Coordinator;
  readonly started: Promise<void>;
  close(): Promise<void>;
}

/** A coordinator process: the Coordinator, the management API and the live page. */
export async function startCoordinator(options: CoordinatorServiceOptions): Promise<RunningCoordinator> {
  const { logger, layout, host, client } = openServiceSession('coordinator', options);
  client.start();
  const strategy = STRATEGIES[options.strategy ?? 'sticky'];

  const coordinator = new Coordinator({
    client,
    layout,
    id: options.id,
    strategy,
    ...(options.advertisedUrl && { url: options.advertisedUrl }),
    logger,
  });
  let ready = false;
  let startFailure: Error | undefined;

  const registry = createMetricsRegistry();
  new Gauge({
    name: 'cluster_machines',
    help: 'machines in the group, by role',
    labelNames: ['role'] as const,
    registers: [registry],
    collect() {
      const machines = coordinator.machines();
      for (const role of ['collector', 'coordinator'] as const)
        this.set({ role }, machines.filter((machine) => machine.status?.role === role).length);
    },
  });
  new Gauge({
    name: 'cluster_coordinator_leading',
    help: '1 while this coordinator leads (decides the assignment)',
    registers: [registry],
    collect() {
      this.set(coordinator.isLeader ? 1 : 0);
    },
  });
  new Gauge({
    name: 'cluster_assignment_generation',
    help: 'generation of the assignment this coordinator last saw',
    registers: [registry],
    collect() {
      this.set(coordinator.currentAssignment().generation);
    },
  });
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
        view: () =>
          startFailure
            ? { ready: false, detail: startFailure.message }
            : { ready, detail: ready ? (coordinator.isLeader ? 'leading' : 'following') : 'starting' },
      }),
      metricsRouter(registry),
      coordinatorRouter({ coordinator, client, layout, streams }),
      pagesRouter(),
    ],
  });

  let server: RunningServer;
  try {
    server = await listen(app, { host, ...(options.port !== undefined && { port: options.port }) });
  } catch (error) {
    await client.close();
    throw error;
  }
  const started = coordinator
    .start({ timeoutMs: 60_000 })
    .then(() => seedSources(client, layout, options.seedSources ?? []))
    .then(
      () => {
        ready = true;
      },
      (error: unknown) => {
        startFailure = error as Error;
        logger.error({ err: error }, 'could not start the coordinator');
      },
    );
  logger.info({ url: server.url, root: layout.root, strategy: strategy.name }, 'coordinator listening');

  let closing: Promise<void> | undefined;
  return {
    url: server.url,
    client,
    coordinator,
    started,
    close() {
      closing ??= (async () => {
        streams.closeAll();
        // Leadership ends before the session does, so a successor takes over at once.
        await coordinator.close();
        await started;
        await server.close({ graceMs: 2_000 });
        await client.close();
      })();
      return closing;
    },
  };
}

/** Creates each source that does not exist yet; an existing one (maybe edited since) is left alone. */
async function seedSources(
  client: ZooKeeperClient,
  layout: ClusterLayout,
  sources: readonly string[],
): Promise<void> {
  for (const source of sources) {
    try {
      await client.create(
        joinPath(layout.sources, source),
        JSON.stringify({ path: `/var/log/${source}.log` }),
      );
    } catch (error) {
      if (!isZooKeeperError(error, 'NODEEXISTS')) throw error;
    }
  }
}

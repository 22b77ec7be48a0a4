import { setTimeout as sleep } from 'node:timers/promises';
import { ZooKeeperClient, isConnectionLossClass, isZooKeeperError } from '@zk-cookbook/core/client';
import {
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
import { isRecipeError } from '@zk-cookbook/core/recipes';
import type { Logger } from 'pino';
import { NamingError } from './errors.ts';
import { IdService } from './ids/id-service.ts';
import { IdTypes, describe } from './ids/id-types.ts';
import { idsRouter } from './ids/ids-api.ts';
import { sweepLeftoverIdNodes } from './ids/leftover-sweeper.ts';
import { DEFAULT_ROOT, namingLayout, type IdTypeDefinition } from './layout.ts';
import { NameRegistry } from './names/name-registry.ts';
import { namesRouter } from './names/names-api.ts';

export interface NamingServiceOptions {
  /** host:port[,host:port...][/chroot] */
  connectString: string;
  /** names this instance in the bindings it writes and in its logs; default "naming" */
  instanceId?: string;
  /** the pattern's root znode; default /naming */
  root?: string;
  /** types to define at start unless defined already (an existing definition always wins) */
  idTypes?: Readonly<Record<string, IdTypeDefinition>>;
  /** deadline of one POST /ids request; default 5 s */
  idTimeoutMs?: number;
  /** how often leftover sequential ID nodes are swept (and once at start); default 10 minutes */
  sweepIntervalMs?: number;
  /** leftover ID nodes younger than this are left alone; default 60 s */
  sweepMinAgeMs?: number;
  /** default 127.0.0.1 */
  host?: string;
  /** default 0: a free port */
  port?: number;
  /** further Host names to answer to, e.g. the compose service name (see hostCheck) */
  allowedHosts?: readonly string[];
  sessionTimeoutMs?: number;
  logger?: Logger;
}

export interface RunningNamingService {
  readonly url: string;
  readonly client: ZooKeeperClient;
  readonly ids: IdService;
  readonly names: NameRegistry;
  /** Graceful: finish requests, delete this instance's session bindings, close the session. */
  close(): Promise<void>;
}

/**
 * The naming service: unique, ordered IDs by type (sequential nodes or leased ranges) and a
 * dynamic-DNS style name registry, behind one HTTP API. Any number of instances may run against one
 * root: the IDs stay unique across all of them, and each answers lookups from its own watched copy.
 */
export async function startNamingService(options: NamingServiceOptions): Promise<RunningNamingService> {
  const instanceId = options.instanceId ?? 'naming';
  const logger = (options.logger ?? defaultLogger()).child({ service: 'naming', instanceId });
  const layout = namingLayout(options.root ?? DEFAULT_ROOT);
  const host = options.host ?? '127.0.0.1';
  const client = new ZooKeeperClient(options.connectString, {
    sessionTimeoutMs: options.sessionTimeoutMs ?? 10_000,
    logger: logger.child({ component: 'zookeeper' }),
  });
  client.start();
  client.on('lost', () => logger.warn('session lost: a new one is being set up; session bindings follow'));
  const types = new IdTypes(client, layout);
  const ids = new IdService(client, layout, types);
  const names = new NameRegistry(client, layout, instanceId, logger);

  // Types, then the registry's copy. A failure is kept for /readyz rather than thrown: the service
  // stays up and says what is wrong.
  let setup: { ready: boolean; detail: string } = { ready: false, detail: 'starting' };
  const stopping = new AbortController();
  const started = (async () => {
    for (;;) {
      try {
        await client.waitForConnected({ signal: stopping.signal });
        for (const [type, definition] of Object.entries(options.idTypes ?? {})) {
          await defineAtStart(types, type, definition, logger);
        }
        await names.start({ timeoutMs: 30_000 });
        break;
      } catch (error) {
        if (stopping.signal.aborted || !retryable(error)) throw error;
        setup = { ready: false, detail: `setting up, retrying: ${(error as Error).message}` };
        await sleep(1_000, undefined, { signal: stopping.signal });
      }
    }
    setup = { ready: true, detail: `${layout.root} ready` };
  })().catch((error: unknown) => {
    if (stopping.signal.aborted) return;
    setup = { ready: false, detail: (error as Error).message };
    logger.error({ err: error }, 'could not set up the naming tree');
  });

  const sweep = async (): Promise<void> => {
    try {
      const swept = await sweepLeftoverIdNodes(client, layout, types, {
        minAgeMs: options.sweepMinAgeMs ?? 60_000,
      });
      if (swept.deleted > 0) logger.info(swept, 'deleted leftover ID nodes');
    } catch (error) {
      // The next sweep tries again; nothing depends on this one.
      logger.warn({ err: error }, 'sweeping leftover ID nodes failed');
    }
  };
  void started.then(() => (setup.ready ? sweep() : undefined));
  const sweeper = setInterval(() => void sweep(), options.sweepIntervalMs ?? 600_000).unref();

  const registry = createMetricsRegistry();
  const app = createApp({
    logger,
    guards: [
      hostCheck({ boundHost: host, ...(options.allowedHosts && { allowedHosts: options.allowedHosts }) }),
      // No page of ours calls this API: whatever a browser marks as cross-site is refused.
      sameOriginReads(),
    ],
    bodyLimit: '64kb',
    routes: [
      healthRouter({
        zookeeper: zooKeeperSessionCheck(client),
        setup: () => setup,
        names: () => ({
          ready: names.isReady,
          detail: names.isReady ? 'copy filled' : 'reading the registry',
        }),
      }),
      metricsRouter(registry),
      idsRouter({ ids, registry, timeoutMs: options.idTimeoutMs ?? 5_000 }),
      namesRouter({ names, client, registry }),
    ],
  });

  let server: RunningServer;
  try {
    server = await listen(app, { host, ...(options.port !== undefined && { port: options.port }) });
  } catch (error) {
    stopping.abort();
    clearInterval(sweeper);
    await client.close();
    throw error;
  }
  logger.info({ url: server.url, root: layout.root }, 'naming service listening');

  let closing: Promise<void> | undefined;
  return {
    url: server.url,
    client,
    ids,
    names,
    close() {
      closing ??= (async () => {
        stopping.abort();
        clearInterval(sweeper);
        await server.close({ graceMs: 2_000 });
        await ids.close();
        await names.close();
        await client.close();
        await started;
      })();
      return closing;
    },
  };
}

async function defineAtStart(
  types: IdTypes,
  type: string,
  definition: IdTypeDefinition,
  logger: Logger,
): Promise<void> {
  try {
    const { created } = await types.define(type, definition);
    logger.info({ type, ...definition }, created ? 'defined ID type' : 'ID type already defined');
  } catch (error) {
    if (!(error instanceof NamingError && error.code === 'ID_TYPE_CONFLICT')) throw error;
    // The definition in ZooKeeper is the one every instance uses; this instance's wish is not.
    const existing = await types.get(type);
    logger.warn({ type, wanted: definition, existing }, `ID type kept as ${describe(existing)}`);
  }
}

function retryable(error: unknown): boolean {
  return (
    isConnectionLossClass(error) ||
    isZooKeeperError(error, 'SESSIONEXPIRED') ||
    isRecipeError(error, 'TIMEOUT')
  );
}

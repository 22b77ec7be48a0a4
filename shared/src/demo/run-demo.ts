import { pino } from 'pino';
import { ZooKeeperClient, ensurePath, isZooKeeperError } from '../client/index.ts';
import { LocalEnsemble } from '../ensemble/index.ts';
import { assertControlsStayLocal, startMonitor, type MonitorService } from '../monitor/index.ts';
import {
  COUNTER_PATH,
  CONFIG_PATH,
  DEMO_ROOT,
  DemoWorker,
  LEADER_PATH,
  type WorkerTally,
} from './demo-worker.ts';

export interface DemoOptions {
  /** an existing ensemble; default: start a local one (3 servers + 1 observer) */
  connectString?: string;
  servers?: number;
  observers?: number;
  tickTimeMs?: number;
  workers?: number;
  /** dashboard port (0: any free one); default 8080, or any free port if 8080 is taken */
  port?: number;
  /** dashboard address; default 127.0.0.1. Another one needs allowRemoteControl with a local ensemble. */
  host?: string;
  /** serve the dashboard's fault buttons on a non-loopback host anyway (they have no authentication) */
  allowRemoteControl?: boolean;
  /** stop after this long; default: until `signal` aborts */
  durationMs?: number;
  signal?: AbortSignal;
  say?: (line: string) => void;
  /** called once everything runs, e.g. to inject faults in a test */
  onReady?: (running: { ensemble: LocalEnsemble | undefined; dashboardUrl: string }) => void;
}

export interface DemoSummary {
  dashboardUrl: string;
  workers: Record<string, WorkerTally>;
  counter: number;
  configVersions: number;
}

/**
 * The main demo: a local ensemble (or ZK_CONNECT), the monitoring dashboard with fault buttons, and
 * a few workers that elect a leader, share a lock-guarded counter and follow a configuration node.
 * Kill or pause servers from the dashboard and watch the workers react in the terminal.
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoSummary> {
  const say = options.say ?? ((line: string) => process.stdout.write(`${line}\n`));
  let ensemble: LocalEnsemble | undefined;
  let monitor: MonitorService | undefined;
  const workers: DemoWorker[] = [];
  let admin: ZooKeeperClient | undefined;
  // Before any JVM starts, so that the refusal leaves nothing behind.
  assertControlsStayLocal({
    host: options.host ?? '127.0.0.1',
    controls: !options.connectString,
    ...(options.allowRemoteControl !== undefined && { allowRemoteControl: options.allowRemoteControl }),
  });
  try {
    if (!options.connectString) {
      const servers = options.servers ?? 3;
      const observers = options.observers ?? 1;
      say(`Starting a local ZooKeeper ensemble: ${servers} servers + ${observers} observer...`);
      ensemble = await LocalEnsemble.start({ servers, observers, tickTimeMs: options.tickTimeMs ?? 500 });
      const modes = await ensemble.modes();
      for (const member of ensemble.members)
        say(`  server ${member.id} ${member.address} ${modes.get(member.id)}`);
    }
    const connectString = options.connectString ?? ensemble!.connectString;
    say(`Connect string: ${connectString}`);

    monitor = await startDashboard(options, connectString, ensemble);
    say(
      `Dashboard: ${monitor.url}/  (${ensemble ? 'kill, pause and restart servers there' : 'read-only view'})`,
    );

    admin = await ZooKeeperClient.connect(connectString, { logger: {} });
    await ensurePath(admin, DEMO_ROOT, { parentMode: 'persistent' });
    for (const [path, data] of [
      [COUNTER_PATH, '0'],
      [CONFIG_PATH, JSON.stringify({ greeting: 'hello', version: 0 })],
      [LEADER_PATH, ''],
    ] as const) {
      await admin.create(path, data).catch((error: unknown) => {
        if (!isZooKeeperError(error, 'NODEEXISTS')) throw error;
      });
    }
    const counterAtStart = Number((await admin.getData(COUNTER_PATH)).data.toString());

    for (let index = 1; index <= (options.workers ?? 3); index++) {
      const worker = new DemoWorker(`worker-${index}`, connectString, say);
      await worker.start();
      workers.push(worker);
    }
    say(
      'Workers are running: one leads (heartbeats under its fencing token), all share a lock-guarded counter.',
    );
    say(
      options.durationMs
        ? `Running for ${Math.round(options.durationMs / 1000)} s.`
        : 'Press Ctrl-C to stop.',
    );
    options.onReady?.({ ensemble, dashboardUrl: monitor.url });

    await publishConfigUntilDone(admin, options, say);

    await Promise.all(workers.map((worker) => worker.stop().catch(() => {})));
    // The workers wrote through their own sessions, maybe on other servers.
    await admin.sync(COUNTER_PATH);
    const counter = Number((await admin.getData(COUNTER_PATH)).data.toString()) - counterAtStart;
    const configVersions = (await admin.getData(CONFIG_PATH)).stat.version;
    const tallies = Object.fromEntries(workers.map((worker) => [worker.name, worker.tally]));
    return { dashboardUrl: monitor.url, workers: tallies, counter, configVersions };
  } finally {
    await Promise.all(workers.map((worker) => worker.stop().catch(() => {})));
    await admin?.close();
    await monitor?.close();
    await ensemble?.close();
  }
}

async function startDashboard(
  options: DemoOptions,
  connectString: string,
  ensemble: LocalEnsemble | undefined,
): Promise<MonitorService> {
  const base = {
    connectString,
    ...(ensemble && { localEnsemble: ensemble }),
    host: options.host ?? '127.0.0.1',
    ...(options.allowRemoteControl !== undefined && { allowRemoteControl: options.allowRemoteControl }),
    // Request logs would drown the workers' story in the terminal.
    logger: pino({ level: process.env.LOG_LEVEL ?? 'warn' }),
  };
  try {
    return await startMonitor({ ...base, port: options.port ?? 8080 });
  } catch (error) {
    if (options.port !== undefined || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    return startMonitor({ ...base, port: 0 });
  }
}

/** Every 10 s a new configuration; returns when the duration is over or the signal fires. */
async function publishConfigUntilDone(
  admin: ZooKeeperClient,
  options: DemoOptions,
  say: (line: string) => void,
): Promise<void> {
  const deadline = options.durationMs === undefined ? Infinity : Date.now() + options.durationMs;
  const greetings = ['hello', 'bonjour', 'hola', 'ciao', 'hallo', 'olá', 'nǐ hǎo'];
  for (let version = 1; Date.now() < deadline && !options.signal?.aborted; version++) {
    const waitMs = Math.min(10_000, deadline - Date.now());
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, waitMs);
      options.signal?.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
    if (Date.now() >= deadline || options.signal?.aborted) break;
    const config = { greeting: greetings[version % greetings.length], version };
    await admin.setData(CONFIG_PATH, JSON.stringify(config)).then(
      () => say(`demo: published config ${JSON.stringify(config)}`),
      (error: unknown) => say(`demo: could not publish config (${(error as Error).message})`),
    );
  }
}

/**
 * One run of the cluster-management benchmark, in a fresh process (bench/suites/cluster-management.ts
 * starts it with the source condition, since it uses the pattern's package): a coordinator with the
 * given assignment strategy, K collectors (each its own session) and N log sources, then three
 * changes, each measured from the moment it happens until the cluster has settled again — the
 * assignment spreads every source over exactly the live collectors and each collector works exactly
 * its share (its own report):
 *
 * - join: a collector starts;
 * - leave: a collector shuts down cleanly (stops, closes its session);
 * - dies: a collector process (started beforehand, session timeout 4 s) is SIGKILLed, so nothing
 *   happens until its session expires on the servers.
 *
 * For each it also counts the sources that changed hands (the rebalance's moves): every move is a
 * hand-over during which nobody collects that source. Prints one JSON line (RebalanceRunResult).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { ZooKeeperClient } from '@zk-cookbook/core/client';
import {
  Collector,
  Coordinator,
  STRATEGIES,
  clusterLayout,
  ensureLayout,
  type StrategyName,
} from '@zk-cookbook/example-cluster-management';

export type Scenario = 'join' | 'leave' | 'dies';

export interface RebalanceRunResult {
  strategy: StrategyName;
  sources: number;
  collectors: number;
  sessionTimeoutMs: number;
  scenarios: Record<Scenario, { settledMs: number; moves: number; rebalances: number }>;
}

const { values } = parseArgs({
  options: {
    connect: { type: 'string' },
    root: { type: 'string' },
    strategy: { type: 'string', default: 'sticky' },
    sources: { type: 'string', default: '60' },
    collectors: { type: 'string', default: '6' },
  },
});
const strategyName = values.strategy as StrategyName;
if (!(strategyName in STRATEGIES)) throw new Error(`unknown strategy ${values.strategy}`);
const connectString = values.connect!;
const layout = clusterLayout(values.root!);
const sourceCount = Number(values.sources);
const collectorCount = Number(values.collectors);
const SESSION_TIMEOUT_MS = 4_000;
const logger = pino({ level: 'silent' });
const COLLECTOR_ENTRY = fileURLToPath(
  new URL('../../examples/cluster-management/src/collector-main.ts', import.meta.url),
);

const clients: ZooKeeperClient[] = [];
async function connect(): Promise<ZooKeeperClient> {
  const client = await ZooKeeperClient.connect(connectString, {
    sessionTimeoutMs: SESSION_TIMEOUT_MS,
    logger: {},
  });
  clients.push(client);
  return client;
}

const admin = await connect();
await ensureLayout(admin, layout);
const sources = Array.from({ length: sourceCount }, (_, index) => `source-${String(index).padStart(3, '0')}`);
for (const source of sources) await admin.create(`${layout.sources}/${source}`, '{"path":"/var/log/x.log"}');

const coordinator = new Coordinator({
  client: await connect(),
  layout,
  id: 'coordinator',
  strategy: STRATEGIES[strategyName],
  logger,
});
await coordinator.start();

const collectors = new Map<string, { collector: Collector; client: ZooKeeperClient }>();
async function startCollector(id: string): Promise<void> {
  const client = await connect();
  const collector = new Collector({ client, layout, id, logger, tickMs: 1_000 });
  collectors.set(id, { collector, client });
  await collector.start();
}
for (let index = 1; index <= collectorCount; index++) await startCollector(`collector-${index}`);

/** Resolves when the assignment covers exactly `expected` and every in-process collector works its share. */
async function settled(expected: readonly string[], remote?: string): Promise<void> {
  const want = [...expected].sort().join(',');
  for (;;) {
    const assignment = coordinator.currentAssignment();
    const ok =
      Object.keys(assignment.collectors).sort().join(',') === want &&
      Object.values(assignment.collectors).flat().length === sources.length &&
      [...collectors.values()].every(
        ({ collector }) =>
          collector.generation === assignment.generation &&
          collector.working.join(',') === (assignment.collectors[collector.id] ?? []).join(','),
      ) &&
      (remote === undefined || (await remoteWorks(remote, assignment.collectors[remote] ?? [])));
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

let remoteUrl = '';
async function remoteWorks(_id: string, assigned: readonly string[]): Promise<boolean> {
  const status = (await (await fetch(`${remoteUrl}/api/status`)).json()) as { working?: string[] };
  return (status.working ?? []).join(',') === [...assigned].sort().join(',');
}

/** Sums the moves of the rebalances written since `since`. */
function movesSince(since: number): { moves: number; rebalances: number } {
  const done = coordinator.recentRebalances().filter((rebalance) => rebalance.at >= since);
  return { moves: done.reduce((sum, rebalance) => sum + rebalance.moves, 0), rebalances: done.length };
}

const ids = (): string[] => [...collectors.keys()];
await settled(ids());
const scenarios = {} as RebalanceRunResult['scenarios'];

// join
let started = Date.now();
let t0 = performance.now();
await startCollector('collector-joined');
await settled(ids());
scenarios.join = { settledMs: performance.now() - t0, ...movesSince(started) };

// leave: the first collector shuts down cleanly
const leaving = collectors.get('collector-1')!;
collectors.delete('collector-1');
started = Date.now();
t0 = performance.now();
await leaving.collector.close();
await leaving.client.close();
await settled(ids());
scenarios.leave = { settledMs: performance.now() - t0, ...movesSince(started) };

// dies: a collector process joins, then is SIGKILLed
const child = spawn(
  process.execPath,
  ['--conditions=zk-cookbook-source', '--import', 'tsx', COLLECTOR_ENTRY, '--port', '0'],
  {
    env: {
      ...process.env,
      ZK_CONNECT: connectString,
      CLUSTER_ROOT: layout.root,
      INSTANCE_ID: 'collector-doomed',
      SESSION_TIMEOUT_MS: String(SESSION_TIMEOUT_MS),
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
let output = '';
child.stdout.setEncoding('utf8').on('data', (text: string) => (output += text));
while (!/"url":"(http:[^"]+)"[^\n]*listening/.test(output))
  await new Promise((resolve) => setTimeout(resolve, 20));
remoteUrl = /"url":"(http:[^"]+)"[^\n]*listening/.exec(output)![1]!;
await settled([...ids(), 'collector-doomed'], 'collector-doomed');
started = Date.now();
t0 = performance.now();
child.kill('SIGKILL');
await once(child, 'exit');
await settled(ids());
scenarios.dies = { settledMs: performance.now() - t0, ...movesSince(started) };

for (const { collector } of collectors.values()) await collector.close();
await coordinator.close();
for (const client of clients) await client.close();
const result: RebalanceRunResult = {
  strategy: strategyName,
  sources: sourceCount,
  collectors: collectorCount,
  sessionTimeoutMs: SESSION_TIMEOUT_MS,
  scenarios,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);

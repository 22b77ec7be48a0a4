/**
 * The load-balancing pattern's two headline numbers:
 *
 * 1. What the gateway costs: requests/s and p50/p99 latency of GET /app/hello through the gateway
 *    (smooth weighted round-robin over one provider) against the same provider called directly,
 *    with autocannon as the load generator, in the same run. Both services run as their own
 *    processes (`src/*-main.ts` through tsx), as `zk-cookbook run` starts them; the two sides
 *    alternate which goes first. The CPU each process spent per request is read from /proc.
 * 2. What a provider joining or leaving costs a sticky strategy: the share of keys that change
 *    provider with the consistent-hash ring (160 points per unit of weight) against hash mod n,
 *    for 2 to 10 providers, and how evenly the ring spreads keys.
 */
import autocannon from 'autocannon';
import { deleteRecursive, ZooKeeperClient } from '../../shared/src/client/index.ts';
import { formatTable } from '../../shared/src/cli/table.ts';
import {
  HashRing,
  keyHash,
  keyMovement,
  sampleKeys,
  type Candidate,
} from '../../examples/load-balancing/src/strategies/index.ts';
import { formatComparisonTable, goalMet, ratio, type ComparisonRow } from '../lib/comparison-table.ts';
import { describeEnvironment, loadAverage } from '../lib/environment.ts';
import { processCpuMs } from '../lib/process-cpu.ts';
import { roundOrder } from '../lib/rounds.ts';
import { spread } from '../lib/stats.ts';
import {
  startServiceProcess,
  waitUntilReady,
  type ServiceProcess,
} from '../load-balancing/service-process.ts';
import type { BenchSuite, SuiteContext, SuiteOptions, SuiteOutcome } from '../suite.ts';

const SIDES = ['gateway', 'direct'] as const;
type Side = (typeof SIDES)[number];
const CONNECTIONS = 32;

interface LoadRun {
  side: Side;
  round: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
  errors: number;
  /** CPU ms per 1,000 requests, per process that served them */
  providerCpuMsPer1000: number | undefined;
  gatewayCpuMsPer1000: number | undefined;
  loadAverage: number;
}

export const suite: BenchSuite = {
  name: 'load-balancing',
  description:
    'load balancing: gateway vs direct (req/s, p99, autocannon), keys moved per provider change (consistent hashing vs modulo)',
  prepare(options) {
    return Promise.resolve({ run: (context) => runSuite(context, options) });
  },
};

async function runSuite(context: SuiteContext, options: SuiteOptions): Promise<SuiteOutcome> {
  const failures: string[] = [];
  const overhead = await measureOverhead(context, options, failures);
  const movement = measureMovement(context, options);
  const report = [overhead.report, '', movement.report].join('\n');
  return { report, failures, results: { overhead: overhead.results, movement: movement.results } };
}

async function measureOverhead(
  { ensemble, log }: SuiteContext,
  options: SuiteOptions,
  failures: string[],
): Promise<{ report: string; results: unknown }> {
  const durationSeconds = options.quick ? 2 : 10;
  const warmupSeconds = options.quick ? 1 : 3;
  const root = `/zk-cookbook-bench/load-balancing-${Date.now()}`;
  const env = { ZK_CONNECT: ensemble.connectString, LB_ROOT: root, LOG_LEVEL: 'warn' };
  const runs: LoadRun[] = [];
  let provider: ServiceProcess | undefined;
  let gateway: ServiceProcess | undefined;
  try {
    // "listening" is logged at info; everything after it at warn, so the services do not log per request.
    provider = await startServiceProcess('provider-main.ts', {
      ...env,
      LOG_LEVEL: 'info',
      INSTANCE_ID: 'bench-provider',
    });
    await waitUntilReady(`${provider.url}/readyz`);
    gateway = await startServiceProcess('gateway-main.ts', {
      ...env,
      LOG_LEVEL: 'info',
      INSTANCE_ID: 'bench-gateway',
    });
    await waitUntilReady(`${gateway.url}/readyz`);
    const targets: Record<Side, string> = { gateway: gateway.url, direct: provider.url };
    for (let round = 0; round < options.rounds; round++) {
      for (const side of roundOrder(SIDES, round)) {
        const url = `${targets[side]}/app/hello`;
        await load(url, warmupSeconds);
        const cpuBefore = {
          provider: processCpuMs(provider.child.pid),
          gateway: processCpuMs(gateway.child.pid),
        };
        const result = await load(url, durationSeconds);
        const cpuAfter = {
          provider: processCpuMs(provider.child.pid),
          gateway: processCpuMs(gateway.child.pid),
        };
        const per1000 = (before: number | undefined, after: number | undefined) =>
          before === undefined || after === undefined || result.requests.total === 0
            ? undefined
            : ((after - before) / result.requests.total) * 1000;
        const run: LoadRun = {
          side,
          round,
          requestsPerSecond: result.requests.average,
          p50Ms: result.latency.p50,
          p99Ms: result.latency.p99,
          requests: result.requests.total,
          non2xx: result.non2xx,
          errors: result.errors + result.timeouts,
          providerCpuMsPer1000: per1000(cpuBefore.provider, cpuAfter.provider),
          gatewayCpuMsPer1000: side === 'gateway' ? per1000(cpuBefore.gateway, cpuAfter.gateway) : undefined,
          loadAverage: loadAverage(),
        };
        runs.push(run);
        if (run.non2xx > 0 || run.errors > 0) {
          failures.push(`${side} round ${round + 1}: ${run.non2xx} non-2xx answers, ${run.errors} errors`);
        }
        log(
          `round ${round + 1}/${options.rounds}  ${side.padEnd(7)}  ${run.requestsPerSecond.toFixed(0)} req/s  ` +
            `p50 ${run.p50Ms} ms  p99 ${run.p99Ms} ms  (load ${run.loadAverage})`,
        );
      }
    }
  } finally {
    await gateway?.stop();
    await provider?.stop();
    const admin = await ZooKeeperClient.connect(ensemble.connectString, { logger: {} });
    // Tidying only: a leftover subtree under /zk-cookbook-bench is never read by a later run.
    await deleteRecursive(admin, root).catch((error: unknown) =>
      log(`could not remove ${root}: ${String(error)}`),
    );
    await admin.close();
  }

  const per = (side: Side, measure: (run: LoadRun) => number | undefined) => {
    const values = runs.filter((run) => run.side === side).flatMap((run) => measure(run) ?? []);
    return values.length > 0 ? spread(values) : undefined;
  };
  const row = (
    metric: string,
    better: 'higher' | 'lower',
    measure: (run: LoadRun) => number | undefined,
  ): ComparisonRow => ({
    metric,
    subject: per('gateway', measure),
    baseline: per('direct', measure),
    better,
  });
  const rows = [
    row('requests/s', 'higher', (run) => run.requestsPerSecond),
    row('latency p50 ms', 'lower', (run) => run.p50Ms),
    row('latency p99 ms', 'lower', (run) => run.p99Ms),
    row('provider CPU ms per 1,000 requests', 'lower', (run) => run.providerCpuMsPer1000),
    {
      metric: 'gateway CPU ms per 1,000 requests',
      subject: per('gateway', (run) => run.gatewayCpuMsPer1000),
      better: 'lower' as const,
    },
  ];
  const report = [
    `gateway overhead — ensemble: ${ensemble.description}, ZooKeeper ${ensemble.serverVersion}; one provider and one gateway, ` +
      'each its own Node process (sources through tsx); autocannon in the bench process',
    `${options.rounds} run(s) per side, order alternating; each: ${warmupSeconds} s warm-up, then ${durationSeconds} s of GET /app/hello ` +
      `over ${CONNECTIONS} keep-alive connections`,
    `load average after each run (${describeEnvironment().cpus} CPUs): ${runs.map((run) => run.loadAverage).join(', ')}`,
    'each row: median (min–max) over runs; the ratio is gateway / direct',
    '',
    formatComparisonTable({ subject: 'gateway', baseline: 'direct', rows }),
  ].join('\n');
  return {
    report,
    results: {
      connections: CONNECTIONS,
      durationSeconds,
      rows: rows.map((each) => ({ ...each, ratio: ratio(each), goalMet: goalMet(each) })),
      runs,
    },
  };
}

function load(url: string, durationSeconds: number): Promise<autocannon.Result> {
  return autocannon({ url, connections: CONNECTIONS, duration: durationSeconds, pipelining: 1 });
}

function measureMovement({ log }: SuiteContext, options: SuiteOptions): { report: string; results: unknown } {
  const keys = sampleKeys(options.quick ? 10_000 : 100_000);
  const providers = (count: number): Candidate[] =>
    Array.from({ length: count }, (_, index) => ({ id: `provider-${index + 1}`, weight: 1, zone: 'z' }));
  // A leave is a join played backwards (n + 1 → n moves the keys n → n + 1 moved), so joins suffice.
  const rows = Array.from({ length: 9 }, (_, index) => {
    const count = index + 2;
    const join = keyMovement(providers(count), providers(count + 1), keys);
    return {
      change: `${count} → ${count + 1}`,
      consistent: join.consistentHash,
      modulo: join.modulo,
      ideal: join.ideal,
    };
  });
  log(`keys moved: ${rows.length} provider changes over ${keys.length} keys`);
  // How evenly the ring spreads keys over 5 providers, by points per unit of weight.
  const evenness = [1, 10, 40, 160].map((points) => {
    const ring = new HashRing(providers(5), points);
    const counts = new Map<string, number>();
    for (const key of keys) {
      const owner = ring.ownerOf(keyHash(key))!.id;
      counts.set(owner, (counts.get(owner) ?? 0) + 1);
    }
    const shares = providers(5).map((provider) => (counts.get(provider.id) ?? 0) / keys.length);
    return {
      points,
      largestShare: Math.max(...shares),
      smallestShare: Math.min(...shares),
    };
  });
  const percent = (value: number) => `${(value * 100).toFixed(1)} %`;
  const moduloOverConsistent = rows.map((r) => r.modulo / r.consistent);
  const report = [
    `keys moved per provider change — ${keys.length.toLocaleString('en')} keys, providers of weight 1, ` +
      'consistent hashing with 160 points per provider (MD5, ketama) vs hash mod n (providers ordered by id); ' +
      'a provider joining (a leave, n + 1 → n, moves the same keys back)',
    formatTable(
      ['providers', 'consistent hash', 'modulo', 'least possible', 'modulo / consistent'],
      rows.map((r) => [
        r.change,
        percent(r.consistent),
        percent(r.modulo),
        percent(r.ideal),
        (r.modulo / r.consistent).toFixed(1),
      ]),
    ),
    `modulo moves ${Math.min(...moduloOverConsistent).toFixed(1)}–${Math.max(...moduloOverConsistent).toFixed(1)}× as many keys as the ring`,
    '',
    'spread of keys over 5 providers (ideal 20 % each), by points per provider:',
    formatTable(
      ['points', 'largest share', 'smallest share'],
      evenness.map((e) => [String(e.points), percent(e.largestShare), percent(e.smallestShare)]),
    ),
  ].join('\n');
  return { report, results: { keys: keys.length, rows, evenness } };
}

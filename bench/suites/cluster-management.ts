/**
 * Cluster management's headline number: how long the log-collection cluster takes to settle again
 * — every source worked by exactly its assignee, by the collectors' own reports — after a collector
 * joins, leaves cleanly, or dies (SIGKILL: nothing happens until its 4 s session expires), and how
 * many sources changed hands to get there. The pattern's sticky strategy (the book's local dynamic
 * assignment: keep what stays balanced, move only what must move) against the naive peer measured
 * in the same run: re-deal every source round-robin over the collectors (global reassignment).
 * Each run is a fresh process (bench/cluster-management/rebalance-run.ts); the two alternate which
 * goes first.
 */
import { join } from 'node:path';
import { deleteRecursive, ZooKeeperClient } from '../../shared/src/client/index.ts';
import type { RebalanceRunResult, Scenario } from '../cluster-management/rebalance-run.ts';
import { runJsonChild } from '../lib/child-process.ts';
import { formatComparisonTable, goalMet, ratio, type ComparisonRow } from '../lib/comparison-table.ts';
import { describeEnvironment, loadAverage } from '../lib/environment.ts';
import { REPOSITORY_ROOT } from '../lib/node-child.ts';
import { roundOrder } from '../lib/rounds.ts';
import { spread } from '../lib/stats.ts';
import type { BenchSuite, SuiteContext, SuiteOptions, SuiteOutcome } from '../suite.ts';

const STRATEGIES = ['sticky', 'redeal'] as const;
type Strategy = (typeof STRATEGIES)[number];
const SCENARIOS: readonly Scenario[] = ['join', 'leave', 'dies'];

export const suite: BenchSuite = {
  name: 'cluster-management',
  description:
    'log collection: time to rebalance after a collector joins, leaves, dies, and sources moved; sticky assignment vs re-deal',
  prepare(options) {
    return Promise.resolve({ run: (context) => runSuite(context, options) });
  },
};

async function runSuite({ ensemble, log }: SuiteContext, options: SuiteOptions): Promise<SuiteOutcome> {
  const sizes = options.quick ? { sources: 12, collectors: 3 } : { sources: 60, collectors: 6 };
  const root = `/zk-cookbook-bench/cluster-management-${Date.now()}`;
  const runs: (RebalanceRunResult & { round: number; loadAverage: number })[] = [];
  const failures: string[] = [];
  try {
    for (let round = 0; round < options.rounds; round++) {
      for (const strategy of roundOrder(STRATEGIES, round)) {
        const heading = `round ${round + 1}/${options.rounds}  ${strategy.padEnd(7)}`;
        try {
          const result = await runJsonChild<RebalanceRunResult>({
            command: process.execPath,
            args: [
              // The pattern's package resolves @zk-cookbook/core to its sources only with this condition.
              '--conditions=zk-cookbook-source',
              '--import',
              'tsx',
              join(REPOSITORY_ROOT, 'bench/cluster-management/rebalance-run.ts'),
              ...['--connect', ensemble.connectString, '--root', `${root}/${strategy}-${round}`],
              ...['--strategy', strategy, '--sources', String(sizes.sources)],
              ...['--collectors', String(sizes.collectors)],
            ],
            label: `cluster-management ${strategy}`,
            cwd: REPOSITORY_ROOT,
            timeoutMs: 120_000,
          });
          runs.push({ ...result, round, loadAverage: loadAverage() });
          log(
            `${heading}  ` +
              SCENARIOS.map(
                (scenario) =>
                  `${scenario} ${result.scenarios[scenario].settledMs.toFixed(0)} ms / ${result.scenarios[scenario].moves} moved`,
              ).join('  ') +
              `  (load ${loadAverage()})`,
          );
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          failures.push(`${strategy} round ${round + 1}: ${message}`);
          log(`${heading}  FAILED: ${message}`);
        }
      }
    }
  } finally {
    const admin = await ZooKeeperClient.connect(ensemble.connectString, { logger: {} });
    await deleteRecursive(admin, root).catch(() => undefined);
    await admin.close();
  }

  const of = (strategy: Strategy) => runs.filter((run) => run.strategy === strategy);
  const per = (strategy: Strategy, measure: (run: RebalanceRunResult) => number) => {
    const values = of(strategy).map(measure);
    return values.length > 0 ? spread(values) : undefined;
  };
  const rows: ComparisonRow[] = SCENARIOS.flatMap((scenario) => [
    {
      metric: `${scenario}: settled after, ms`,
      subject: per('sticky', (run) => run.scenarios[scenario].settledMs),
      baseline: per('redeal', (run) => run.scenarios[scenario].settledMs),
      better: 'lower' as const,
    },
    {
      metric: `${scenario}: sources moved`,
      subject: per('sticky', (run) => run.scenarios[scenario].moves),
      baseline: per('redeal', (run) => run.scenarios[scenario].moves),
      better: 'lower' as const,
    },
  ]);
  const report = [
    `ensemble: ${ensemble.description}, ZooKeeper ${ensemble.serverVersion}; ${sizes.sources} sources, ` +
      `${sizes.collectors} collectors (+1 joining, +1 to die) and one coordinator, each its own session, ` +
      'in one fresh Node process per run (sources through tsx); the dying collector is a process of its own',
    `${options.rounds} run(s) per strategy, order alternating; collector session timeout 4 s`,
    `load average after each run (${describeEnvironment().cpus} CPUs): ${runs.map((run) => run.loadAverage).join(', ')}`,
    'each row: median (min–max) over runs; the ratio is sticky / re-deal. "settled": the assignment covers ' +
      'exactly the live collectors and every collector works exactly its share',
    '',
    formatComparisonTable({ subject: 'sticky', baseline: 're-deal', rows }),
    '',
    'dies: the time is mostly the session expiry: 4 s, but the servers expire sessions in buckets of one ' +
      'tickTime (2 s here), so 4–6 s whichever strategy; the moves are what differs. sticky moves only the ' +
      'departed collector’s sources (and the newcomer’s share on a join); re-deal moves nearly every source, ' +
      'each a hand-over: stop, release the claim, take it.',
  ].join('\n');
  return {
    report,
    failures,
    results: {
      sizes,
      rounds: options.rounds,
      rows: rows.map((each) => ({ ...each, ratio: ratio(each), goalMet: goalMet(each) })),
      runs,
    },
  };
}

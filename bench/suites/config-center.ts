/**
 * The configuration centre's headline number: how long a change takes from the write's
 * acknowledgement to every one of 20 subscribers having applied it (p50, p99; goal p99 < 50 ms on
 * loopback), and how many changes per second the subscribers keep up with. The pattern's subscriber
 * (ConfigSubscription: a ChildrenCache with one persistent watch) against the classic peer measured
 * in the same run: the same cache with one-shot getData watches set again after every event, as
 * Curator's old caches and most hand-written subscribers do. Each run is a fresh process
 * (bench/config-center/propagation-run.ts); the two alternate which goes first.
 */
import { join } from 'node:path';
import { deleteRecursive, ZooKeeperClient } from '../../shared/src/client/index.ts';
import { formatTable } from '../../shared/src/cli/table.ts';
import type { PropagationRunResult } from '../config-center/propagation-run.ts';
import { runJsonChild } from '../lib/child-process.ts';
import { formatComparisonTable, goalMet, ratio, type ComparisonRow } from '../lib/comparison-table.ts';
import { describeEnvironment, loadAverage } from '../lib/environment.ts';
import { REPOSITORY_ROOT } from '../lib/node-child.ts';
import { roundOrder } from '../lib/rounds.ts';
import { mean, percentile, spread } from '../lib/stats.ts';
import type { BenchSuite, SuiteContext, SuiteOptions, SuiteOutcome } from '../suite.ts';

const SUBSCRIBERS = 20;
const MODES = ['auto', 'oneShot'] as const;
type Mode = (typeof MODES)[number];
const LABEL: Record<Mode, string> = { auto: 'persistent watch', oneShot: 'one-shot watches' };
const SECRET = 'bench-admin-secret';

export const suite: BenchSuite = {
  name: 'config-center',
  description: `configuration centre: write acknowledged → applied by each of ${SUBSCRIBERS} subscribers, and changes/s; persistent-watch cache vs one-shot watches`,
  prepare(options) {
    return Promise.resolve({ run: (context) => runSuite(context, options) });
  },
};

async function runSuite({ ensemble, log }: SuiteContext, options: SuiteOptions): Promise<SuiteOutcome> {
  const sizes = options.quick
    ? { changes: 30, warmup: 5, durationMs: 1_000 }
    : { changes: 200, warmup: 20, durationMs: 5_000 };
  const root = `/zk-cookbook-bench/config-center-${Date.now()}`;
  const runs: (PropagationRunResult & { round: number; loadAverage: number })[] = [];
  const failures: string[] = [];
  try {
    for (let round = 0; round < options.rounds; round++) {
      for (const mode of roundOrder(MODES, round)) {
        const heading = `round ${round + 1}/${options.rounds}  ${LABEL[mode].padEnd(16)}`;
        try {
          const result = await runJsonChild<PropagationRunResult>({
            command: process.execPath,
            args: [
              // The pattern's package resolves @zk-cookbook/core to its sources only with this condition.
              '--conditions=zk-cookbook-source',
              '--import',
              'tsx',
              join(REPOSITORY_ROOT, 'bench/config-center/propagation-run.ts'),
              ...[
                '--connect',
                ensemble.connectString,
                '--root',
                `${root}/${mode}-${round}`,
                '--secret',
                SECRET,
              ],
              ...['--mode', mode, '--subscribers', String(SUBSCRIBERS), '--changes', String(sizes.changes)],
              ...['--warmup', String(sizes.warmup), '--duration-ms', String(sizes.durationMs)],
            ],
            label: `config-center ${mode}`,
            cwd: REPOSITORY_ROOT,
            timeoutMs: 180_000,
          });
          runs.push({ ...result, round, loadAverage: loadAverage() });
          log(
            `${heading}  p50 ${percentile(result.latenciesMs, 50).toFixed(2)} ms  p99 ${percentile(result.latenciesMs, 99).toFixed(2)} ms  ` +
              `${result.rate.perSecond.toFixed(0)} changes/s  (load ${loadAverage()})`,
          );
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          failures.push(`${mode} round ${round + 1}: ${message}`);
          log(`${heading}  FAILED: ${message}`);
        }
      }
    }
  } finally {
    const admin = await ZooKeeperClient.connect(ensemble.connectString, {
      auth: [{ scheme: 'digest', auth: `admin:${SECRET}` }],
      logger: {},
    });
    await deleteRecursive(admin, root).catch(() => undefined);
    await admin.close();
  }

  const of = (mode: Mode) => runs.filter((run) => run.mode === mode);
  const per = (mode: Mode, measure: (run: PropagationRunResult) => number) => {
    const values = of(mode).map(measure);
    return values.length > 0 ? spread(values) : undefined;
  };
  const row = (
    metric: string,
    better: 'higher' | 'lower',
    measure: (run: PropagationRunResult) => number,
    valueGoal?: number,
  ): ComparisonRow => ({
    metric,
    subject: per('auto', measure),
    baseline: per('oneShot', measure),
    better,
    ...(valueGoal !== undefined && { valueGoal }),
  });
  const rows = [
    row('propagation p50 ms', 'lower', (run) => percentile(run.latenciesMs, 50)),
    row('propagation p99 ms', 'lower', (run) => percentile(run.latenciesMs, 99), 50),
    row('propagation max ms', 'lower', (run) => percentile(run.latenciesMs, 100)),
    row('changes/s acknowledged', 'higher', (run) => run.rate.perSecond),
    row(`all ${SUBSCRIBERS} current, ms after the last ack`, 'lower', (run) => run.rate.convergedAfterMs),
    row('values seen per subscriber, % written', 'higher', (run) => 100 * mean(run.rate.seenFraction)),
  ];
  const pooled = MODES.map((mode) => {
    const samples = of(mode).flatMap((run) => run.latenciesMs);
    return samples.length === 0
      ? [LABEL[mode], '—', '—', '—', '—']
      : [
          LABEL[mode],
          String(samples.length),
          percentile(samples, 50).toFixed(2),
          percentile(samples, 99).toFixed(2),
          String(of(mode).reduce((sum, run) => sum + run.appliedBeforeAck, 0)),
        ];
  });
  const report = [
    `ensemble: ${ensemble.description}, ZooKeeper ${ensemble.serverVersion}; ${SUBSCRIBERS} subscriber sessions and one writer ` +
      'in one fresh Node process per run (sources through tsx), sessions spread over every server',
    `${options.rounds} run(s) per side, order alternating; each run: ${sizes.warmup} untimed then ${sizes.changes} changes one at a time ` +
      `(each waited for at every subscriber), then ${sizes.durationMs / 1000} s of pipelined writes (32 in flight)`,
    `load average after each run (${describeEnvironment().cpus} CPUs): ${runs.map((run) => run.loadAverage).join(', ')}`,
    'each row: median (min–max) over runs; the ratio is persistent / one-shot',
    '',
    formatComparisonTable({ subject: 'persistent', baseline: 'one-shot', rows }),
    '',
    'every sample pooled (ms from the acknowledgement to applied; applied before the ack counts as 0):',
    formatTable(['subscriber', 'samples', 'p50 ms', 'p99 ms', 'applied before ack'], pooled),
    '',
    'persistent: one addWatch(PERSISTENT_RECURSIVE) on the config node, an unwatched getData per notification; ' +
      'one-shot: a getData watch per key, set again by the read that follows each notification. ' +
      '"values seen" below 100 % is by design: a cache reads the newest value, skipping those overwritten meanwhile.',
  ].join('\n');
  return {
    report,
    failures,
    results: {
      subscribers: SUBSCRIBERS,
      sizes,
      rounds: options.rounds,
      rows: rows.map((each) => ({ ...each, ratio: ratio(each), goalMet: goalMet(each) })),
      runs: runs.map(({ latenciesMs, ...rest }) => ({
        ...rest,
        p50: percentile(latenciesMs, 50),
        p99: percentile(latenciesMs, 99),
        latenciesMs,
      })),
    },
  };
}

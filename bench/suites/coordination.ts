/**
 * Coordination's headline numbers, both measured in the same run:
 *
 * - throughput: records/s one RUNNING instance applies with exactly-once output, checkpointing every
 *   record (one multi per record) against every 50 records (one multi per 50: the same version-checked
 *   checkpoint, 50 creates). Each run is a fresh process (bench/coordination/apply-run.ts); the two
 *   alternate which goes first.
 * - takeover: from kill -9 of the RUNNING worker process to the standby RUNNING and to its first
 *   commit, against a graceful SIGTERM of the same (bench/coordination/takeover-run.ts: two worker
 *   processes of the pattern). A killed leader's latch node lives until the servers expire its
 *   session, so the kill's takeover is the session timeout plus up to one tick; the graceful one is a
 *   node deletion and a notification.
 */
import { join } from 'node:path';
import { deleteRecursive, ZooKeeperClient } from '../../shared/src/client/index.ts';
import type { ApplyRunResult } from '../coordination/apply-run.ts';
import type { TakeoverRunResult } from '../coordination/takeover-run.ts';
import { runJsonChild } from '../lib/child-process.ts';
import { formatComparisonTable, goalMet, ratio, type ComparisonRow } from '../lib/comparison-table.ts';
import { describeEnvironment, loadAverage } from '../lib/environment.ts';
import { REPOSITORY_ROOT } from '../lib/node-child.ts';
import { roundOrder } from '../lib/rounds.ts';
import { spread } from '../lib/stats.ts';
import type { BenchSuite, SuiteContext, SuiteOptions, SuiteOutcome } from '../suite.ts';

const BATCHES = [50, 1] as const;
const TAKEOVERS = ['kill', 'term'] as const;
/** ZooKeeper's smallest session timeout at the default tickTime of 2000 ms: 2 ticks */
const SESSION_TIMEOUT_MS = 4_000;
const SOURCE = ['--conditions=zk-cookbook-source', '--import', 'tsx'];

export const suite: BenchSuite = {
  name: 'coordination',
  description:
    'coordination: exactly-once records/s checkpointing every 50 records vs every record; takeover after kill -9 vs SIGTERM',
  prepare(options) {
    return Promise.resolve({ run: (context) => runSuite(context, options) });
  },
};

async function runSuite({ ensemble, log }: SuiteContext, options: SuiteOptions): Promise<SuiteOutcome> {
  const sizes = options.quick ? { records: 200, warmup: 20 } : { records: 2_000, warmup: 200 };
  const root = `/zk-cookbook-bench/coordination-${Date.now()}`;
  const applied: (ApplyRunResult & { round: number; loadAverage: number })[] = [];
  const takeovers: (TakeoverRunResult & { round: number; loadAverage: number })[] = [];
  const failures: string[] = [];
  const attempt = async (label: string, run: () => Promise<void>): Promise<void> => {
    try {
      await run();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      failures.push(`${label}: ${message}`);
      log(`${label}  FAILED: ${message}`);
    }
  };
  try {
    for (let round = 0; round < options.rounds; round++) {
      for (const batch of roundOrder(BATCHES, round)) {
        const label = `round ${round + 1}/${options.rounds}  checkpoint every ${String(batch).padStart(2)}`;
        await attempt(label, async () => {
          const result = await runJsonChild<ApplyRunResult>({
            command: process.execPath,
            args: [
              ...SOURCE,
              join(REPOSITORY_ROOT, 'bench/coordination/apply-run.ts'),
              ...['--connect', ensemble.pinnedConnectString, '--root', `${root}/apply-${batch}-${round}`],
              ...[
                '--batch',
                String(batch),
                '--records',
                String(sizes.records),
                '--warmup',
                String(sizes.warmup),
              ],
            ],
            label: `coordination apply batch ${batch}`,
            cwd: REPOSITORY_ROOT,
            timeoutMs: 300_000,
          });
          applied.push({ ...result, round, loadAverage: loadAverage() });
          log(
            `${label}  ${result.recordsPerSecond.toFixed(0)} records/s  ${result.commitsPerSecond.toFixed(0)} commits/s  (load ${loadAverage()})`,
          );
        });
      }
      for (const mode of roundOrder(TAKEOVERS, round)) {
        const label = `round ${round + 1}/${options.rounds}  takeover after ${mode === 'kill' ? 'kill -9' : 'SIGTERM'}`;
        await attempt(label, async () => {
          const result = await runJsonChild<TakeoverRunResult>({
            command: process.execPath,
            args: [
              ...SOURCE,
              join(REPOSITORY_ROOT, 'bench/coordination/takeover-run.ts'),
              ...['--connect', ensemble.connectString, '--root', `${root}/takeover-${mode}-${round}`],
              ...['--mode', mode, '--session-timeout-ms', String(SESSION_TIMEOUT_MS)],
            ],
            label: `coordination takeover ${mode}`,
            cwd: REPOSITORY_ROOT,
            timeoutMs: 300_000,
          });
          takeovers.push({ ...result, round, loadAverage: loadAverage() });
          log(
            `${label}  RUNNING after ${result.runningAfterMs.toFixed(0)} ms, first commit after ${result.firstCommitAfterMs.toFixed(0)} ms`,
          );
        });
      }
    }
  } finally {
    const admin = await ZooKeeperClient.connect(ensemble.connectString, { logger: {} });
    await deleteRecursive(admin, root).catch(() => undefined);
    await admin.close();
  }

  const of = <T>(values: T[]) => (values.length > 0 ? values : undefined);
  const applyRow = (
    metric: string,
    measure: (run: ApplyRunResult) => number,
    ratioGoal?: number,
  ): ComparisonRow => {
    const batched = of(applied.filter((run) => run.batch === 50).map(measure));
    const single = of(applied.filter((run) => run.batch === 1).map(measure));
    return {
      metric,
      subject: batched && spread(batched),
      baseline: single && spread(single),
      better: 'higher',
      ...(ratioGoal !== undefined && { ratioGoal }),
    };
  };
  const applyRows = [
    applyRow('records/s applied, exactly once', (run) => run.recordsPerSecond, 5),
    applyRow('commits/s (multis)', (run) => run.commitsPerSecond),
  ];
  const takeoverRow = (
    metric: string,
    measure: (run: TakeoverRunResult) => number,
    valueGoal?: number,
  ): ComparisonRow => {
    const killed = of(takeovers.filter((run) => run.mode === 'kill').map(measure));
    const stopped = of(takeovers.filter((run) => run.mode === 'term').map(measure));
    return {
      metric,
      subject: killed && spread(killed),
      baseline: stopped && spread(stopped),
      better: 'lower',
      ...(valueGoal !== undefined && { valueGoal }),
    };
  };
  const takeoverRows = [
    // The session timeout plus one tick (expiry runs on tick boundaries) plus a second of slack.
    takeoverRow(
      'standby RUNNING, ms after the signal',
      (run) => run.runningAfterMs,
      SESSION_TIMEOUT_MS + 2_000 + 1_000,
    ),
    takeoverRow('first commit of the successor, ms', (run) => run.firstCommitAfterMs),
  ];
  const report = [
    `ensemble: ${ensemble.description}, ZooKeeper ${ensemble.serverVersion}; every run a fresh Node process (sources through tsx)`,
    `throughput: ${options.rounds} run(s) per side, order alternating; each applies ${sizes.warmup} records untimed, then ` +
      `${sizes.records} timed, one TaskRunner on a fresh task, pinned to one follower`,
    `takeover: two worker processes of the pattern (session timeout ${SESSION_TIMEOUT_MS} ms requested), the RUNNING one signalled ` +
      'after 50 of 600 records; every run then checks that the output holds all 600 exactly once, in order',
    `load average after each run (${describeEnvironment().cpus} CPUs): ${[...applied, ...takeovers].map((run) => run.loadAverage).join(', ')}`,
    'each row: median (min–max) over runs',
    '',
    formatComparisonTable({ subject: 'every 50', baseline: 'every record', rows: applyRows }),
    '',
    formatComparisonTable({ subject: 'kill -9', baseline: 'SIGTERM', rows: takeoverRows }),
    '',
    'every 50 / every record: one version-checked multi carries 50 records instead of one; a crash loses nothing either way ' +
      '(uncommitted records are applied again by the successor, exactly once). kill -9 / SIGTERM: a crash costs the session timeout.',
  ].join('\n');
  return {
    report,
    failures,
    results: {
      sizes,
      sessionTimeoutMs: SESSION_TIMEOUT_MS,
      rounds: options.rounds,
      rows: [...applyRows, ...takeoverRows].map((each) => ({
        ...each,
        ratio: ratio(each),
        goalMet: goalMet(each),
      })),
      applied,
      takeovers,
    },
  };
}

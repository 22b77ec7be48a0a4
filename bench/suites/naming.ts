/**
 * The naming service's headline number: IDs per second from its two generators — one sequential
 * node per ID (SequentialIdGenerator) and leased ranges (RangeIdGenerator, ranges of 1000) — against
 * Curator's DistributedAtomicLong, the usual Java answer for "a unique number from ZooKeeper",
 * measured in the same run. Goal: the range generator at least 100× the sequential one.
 *
 * Ours runs in a fresh Node process per run (bench/naming/id-rate-run.ts, through the pattern's
 * IdService, with the source condition), Curator in a fresh CuratorPeer JVM per run; the two
 * alternate which goes first, and every session is on the same pinned follower.
 */
import { join } from 'node:path';
import { deleteRecursive, ZooKeeperClient } from '../../shared/src/client/index.ts';
import type { IdLoop, IdRateRunResult } from '../naming/id-rate-run.ts';
import { runJsonChild } from '../lib/child-process.ts';
import {
  contenderGoalMet,
  contenderRatio,
  formatContenderTable,
  type ContenderRow,
} from '../lib/contender-table.ts';
import { describeEnvironment, loadAverage } from '../lib/environment.ts';
import { locateJavaToolchain } from '../lib/java.ts';
import { REPOSITORY_ROOT } from '../lib/node-child.ts';
import { roundOrder } from '../lib/rounds.ts';
import { spread } from '../lib/stats.ts';
import { RecipePeers } from '../recipes/recipe-peers.ts';
import type { BenchSuite, SuiteContext, SuiteOptions, SuiteOutcome } from '../suite.ts';

const SIDES = ['ours', 'curator'] as const;
const RANGE_SIZE = 1000;
const CONCURRENCY = 16;

interface Sizes {
  /** sequential-node IDs and Curator increments per timed loop, and their warm-up */
  perWrite: number;
  warmup: number;
  /** range IDs per timed loop, and their warm-up */
  rangeIds: number;
  rangeWarmup: number;
}

const FULL: Sizes = { perWrite: 2000, warmup: 200, rangeIds: 1_000_000, rangeWarmup: 100_000 };
const QUICK: Sizes = { perWrite: 200, warmup: 20, rangeIds: 100_000, rangeWarmup: 10_000 };

type Run =
  | { side: 'ours'; round: number; result: IdRateRunResult; loadAverage: number }
  | { side: 'curator'; round: number; result: IdLoop; loadAverage: number };

export const suite: BenchSuite = {
  name: 'naming',
  description:
    'naming service: IDs/s from sequential nodes and from leased ranges, against Curator DistributedAtomicLong',
  async prepare(options) {
    // Only Curator's peer is started from here (ours is the pattern's own process): tsx spares the
    // compile of our peer, which this suite never runs.
    const peers = await RecipePeers.prepare({ ...options, typescript: 'tsx' }, locateJavaToolchain());
    return { run: (context) => runSuite(context, options, peers) };
  },
};

async function runSuite(
  { ensemble, log }: SuiteContext,
  options: SuiteOptions,
  peers: RecipePeers,
): Promise<SuiteOutcome> {
  const sizes = options.quick ? QUICK : FULL;
  const root = `/zk-cookbook-bench/naming-${Date.now()}`;
  const connect = ensemble.pinnedConnectString;
  const runs: Run[] = [];
  const failures: string[] = [];
  try {
    for (let round = 0; round < options.rounds; round++) {
      for (const side of roundOrder(SIDES, round)) {
        const heading = `round ${round + 1}/${options.rounds}  ${side.padEnd(8)}`;
        try {
          if (side === 'ours') {
            const result = await runOurs(connect, `${root}/ours-${round}`, sizes);
            runs.push({ side, round, result, loadAverage: loadAverage() });
            log(
              `${heading}  sequential ${perSecond(result.sequential).toFixed(0)} IDs/s  ` +
                `range ${perSecond(result.range).toFixed(0)} IDs/s  (load ${loadAverage()})`,
            );
          } else {
            const result = await runCurator(peers, connect, `${root}/curator-${round}`, sizes, round);
            runs.push({ side, round, result, loadAverage: loadAverage() });
            log(
              `${heading}  DistributedAtomicLong ${perSecond(result).toFixed(0)} IDs/s  (load ${loadAverage()})`,
            );
          }
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          failures.push(`${side} round ${round + 1}: ${message}`);
          log(`${heading}  FAILED: ${message}`);
        }
      }
    }
  } finally {
    const admin = await ZooKeeperClient.connect(ensemble.connectString, { logger: {} });
    await deleteRecursive(admin, root).catch(() => undefined);
    await admin.close();
  }

  const ours = runs.flatMap((run) => (run.side === 'ours' ? [run.result] : []));
  const curator = runs.flatMap((run) => (run.side === 'curator' ? [run.result] : []));
  const cell = <T>(values: readonly T[], measure: (value: T) => number) =>
    values.length > 0 ? spread(values.map(measure)) : undefined;
  const rows: ContenderRow[] = [
    {
      metric: 'IDs/s, one caller after another',
      cells: {
        range: cell(ours, (run) => perSecond(run.range)),
        sequential: cell(ours, (run) => perSecond(run.sequential)),
        curator: cell(curator, perSecond),
      },
      better: 'higher',
      ratioGoal: 100,
    },
    {
      metric: `IDs/s, ${CONCURRENCY} callers at once`,
      cells: {
        range: cell(ours, (run) => perSecond(run.rangeConcurrent)),
        sequential: cell(ours, (run) => perSecond(run.sequentialConcurrent)),
        curator: { unavailable: 'one blocking caller per loop' },
      },
      better: 'higher',
      ratioGoal: 100,
    },
  ];
  const table = {
    contenders: [
      { key: 'range', label: 'range' },
      { key: 'sequential', label: 'sequential' },
      { key: 'curator', label: 'curator' },
    ],
    subject: 'range',
    goalBaseline: 'sequential',
    rows,
  };
  const report = [
    `ours: the naming service's IdService (@zk-cookbook/core recipes, sources through tsx) in a fresh Node process per run   ` +
      `Curator: DistributedAtomicLong.increment() of Apache Curator ${peers.curatorVersion} in a CuratorPeer JVM on ${peers.javaVersion}`,
    `ensemble: ${ensemble.description}, ZooKeeper ${ensemble.serverVersion}; every session on ${connect}`,
    `${options.rounds} run(s) per side, order alternating; each run: untimed warm-up (${sizes.warmup} sequential, ` +
      `${sizes.rangeWarmup} range IDs; Curator ${sizes.warmup} increments), then ${sizes.perWrite} sequential-node IDs and ` +
      `Curator increments, ${sizes.rangeIds} range IDs in ranges of ${RANGE_SIZE}`,
    `load average after each run (${describeEnvironment().cpus} CPUs): ${runs.map((run) => run.loadAverage).join(', ')}`,
    'each row: median (min–max) over runs; the goal is range / sequential ≥ 100',
    '',
    formatContenderTable(table),
    '',
    'range: one compare-and-set on the counter per 1000 IDs, the rest from memory; sequential: one create of a ' +
      'sequential node per ID, a write through the leader (the nodes are deleted in batches afterwards); Curator: ' +
      'a getData and a compare-and-set setData per ID (its increment), two round trips of which one a write.',
  ].join('\n');
  return {
    report,
    failures,
    results: {
      sizes,
      rangeSize: RANGE_SIZE,
      concurrency: CONCURRENCY,
      rounds: options.rounds,
      rows: rows.map((row) => ({
        ...row,
        rangeOverSequential: contenderRatio(row, 'range', 'sequential'),
        rangeOverCurator: contenderRatio(row, 'range', 'curator'),
        goalMet: contenderGoalMet(row, 'range', 'sequential'),
      })),
      runs,
    },
  };
}

function runOurs(connect: string, root: string, sizes: Sizes): Promise<IdRateRunResult> {
  return runJsonChild<IdRateRunResult>({
    command: process.execPath,
    args: [
      // The pattern's package resolves @zk-cookbook/core to its sources only with this condition.
      '--conditions=zk-cookbook-source',
      '--import',
      'tsx',
      join(REPOSITORY_ROOT, 'bench/naming/id-rate-run.ts'),
      ...['--connect', connect, '--root', root],
      ...['--sequential', String(sizes.perWrite), '--sequential-warmup', String(sizes.warmup)],
      ...['--range', String(sizes.rangeIds), '--range-warmup', String(sizes.rangeWarmup)],
      ...['--range-size', String(RANGE_SIZE), '--concurrency', String(CONCURRENCY)],
    ],
    label: 'naming ids',
    cwd: REPOSITORY_ROOT,
    timeoutMs: 300_000,
  });
}

async function runCurator(
  peers: RecipePeers,
  connect: string,
  root: string,
  sizes: Sizes,
  round: number,
): Promise<IdLoop> {
  const peer = await peers.start('curator', `naming-r${round}`);
  try {
    await peer.openClient('default', connect, 10_000);
    await peer.call('naming.atomicLongLoop', { path: `${root}/warmup`, count: sizes.warmup });
    return await peer.call<IdLoop>('naming.atomicLongLoop', {
      path: `${root}/counter`,
      count: sizes.perWrite,
    });
  } finally {
    await peer.close();
  }
}

function perSecond(loop: IdLoop): number {
  return loop.elapsedMs > 0 ? (loop.count * 1000) / loop.elapsedMs : 0;
}

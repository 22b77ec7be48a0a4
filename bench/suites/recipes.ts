/**
 * Our recipes against Apache Curator 5.4.0 on the same ensemble in the same run: uncontended lock
 * cycles, lock hand-offs between 10 sessions, leader failover after a graceful close and after a
 * SIGKILL, queue put+take, and IDs per second. Every run starts fresh peer processes — a Node peer
 * for ours, a CuratorPeer JVM for Curator — driven with the JSON-line protocol of the interop tests
 * (shared/interop/); sides alternate which goes first. See bench/README.md.
 */
import { readFileSync } from 'node:fs';
import { deleteRecursive, ensurePath, ZooKeeperClient } from '../../shared/src/client/index.ts';
import { formatComparisonTable, goalMet, ratio } from '../lib/comparison-table.ts';
import {
  formatProfileSummary,
  mergeSummaries,
  sourceFileName,
  summariseCpuProfile,
  type CpuProfile,
  type ProfileSummary,
} from '../lib/cpu-profile.ts';
import { describeEnvironment, loadAverage } from '../lib/environment.ts';
import { BenchError } from '../lib/errors.ts';
import { locateJavaToolchain } from '../lib/java.ts';
import { REPOSITORY_ROOT } from '../lib/node-child.ts';
import { roundOrder } from '../lib/rounds.ts';
import { mainThreadProfile, RecipePeers } from '../recipes/recipe-peers.ts';
import { describeSizes, QUICK_RECIPE_SIZES, RECIPE_SIZES } from '../recipes/sizes.ts';
import {
  describeLoad,
  describeMeasures,
  RECIPE_ROWS,
  RECIPE_WORKLOADS,
  recipeComparisonRows,
  SIDES,
  type RecipeRun,
  type RecipeWorkload,
} from '../recipes/summary.ts';
import { WORKLOADS, type WorkloadContext } from '../recipes/workloads.ts';
import type { BenchSuite, SuiteContext, SuiteOptions, SuiteOutcome } from '../suite.ts';

/** BENCH_RECIPES=lock,queue runs only those workloads (e.g. to profile one). */
const WORKLOAD_FILTER = 'BENCH_RECIPES';

export const suite: BenchSuite = {
  name: 'recipes',
  description: 'our recipes against Apache Curator 5.4.0: locks, leader failover, queue, IDs',
  async prepare(options) {
    const workloads = selectedWorkloads();
    const peers = await RecipePeers.prepare(options, locateJavaToolchain());
    return { run: (context) => runRecipeSuite(context, options, peers, workloads) };
  },
};

async function runRecipeSuite(
  { ensemble, log }: SuiteContext,
  options: SuiteOptions,
  peers: RecipePeers,
  workloads: readonly RecipeWorkload[],
): Promise<SuiteOutcome> {
  const sizes = options.quick ? QUICK_RECIPE_SIZES : RECIPE_SIZES;
  const root = `/zk-cookbook-bench/recipes-${Date.now()}`;
  const admin = await ZooKeeperClient.connect(ensemble.pinnedConnectString);
  const context: WorkloadContext = { peers, connect: ensemble.pinnedConnectString, admin, root, sizes };
  const runs: RecipeRun[] = [];
  const failures: string[] = [];
  try {
    await ensurePath(admin, root);
    log('warming up the pinned server (untimed)');
    await warmUpServer(admin, root);
    for (const workload of workloads) {
      for (let round = 0; round < options.rounds; round++) {
        for (const side of roundOrder(SIDES, round)) {
          const heading = `${workload.padEnd(14)} round ${round + 1}/${options.rounds}  ${side.padEnd(7)}`;
          try {
            const result = await WORKLOADS[workload](context, side, round);
            const run: RecipeRun = { workload, side, round, ...result, loadAverage: loadAverage() };
            runs.push(run);
            log(`${heading}  ${describeMeasures(run.measures)}  (load ${run.loadAverage})`);
          } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            failures.push(`${workload} ${side} round ${round + 1}: ${message}`);
            log(`${heading}  FAILED: ${message}`);
          }
        }
      }
    }
  } finally {
    await deleteRecursive(admin, root).catch(() => undefined);
    await admin.close();
  }

  const rows = recipeComparisonRows(
    runs,
    RECIPE_ROWS.filter((row) => workloads.includes(row.workload)),
  );
  const profiles = summariseProfiles(peers);
  const typescript = options.typescript === 'tsx' ? 'sources through tsx' : 'compiled as npm run build does';
  const report = [
    `TS: zk-cookbook recipes (${typescript}) in a Node peer   ` +
      `Curator: Apache Curator ${peers.curatorVersion} in a CuratorPeer JVM on ${peers.javaVersion} (full JIT tiers)`,
    `ensemble: ${ensemble.description}, ZooKeeper ${ensemble.serverVersion}; every session on ${ensemble.pinnedConnectString}`,
    `${options.rounds} run(s) per side and workload, each in fresh processes, order alternating; ` +
      'every timed part follows an untimed warm-up of the same work in the same process',
    `  ${describeSizes(sizes)}`,
    describeLoad(runs, describeEnvironment().cpus),
    'each row: median (min–max) of every sample — one per run for rates, one per failover for times; ' +
      'TS/CURATOR is the ratio of the medians: rates are better higher (goal ≥ 1), times lower (goal ≤ 1)',
    '',
    formatComparisonTable({ subject: 'TS', baseline: 'Curator', rows }),
    '',
    "A killed leader's node lives until the servers expire its session: 4 s after its last ping, checked " +
      'every tickTime (2 s), so "kill → session expired" varies by up to 2 s from run to run whatever the ' +
      "recipe; the rest is the recipe's reaction, timed from the deletion as the suite's own session on the " +
      'same server heard it (a busy suite process hears it late: values a few ms below zero). Peer CPU comes ' +
      'from /proc/<pid>/stat (10 ms ticks) around the timed commands, JIT and GC threads included.',
    ...(profiles.length > 0
      ? [
          '',
          'CPU profiles of the TS peers (main thread), by workload: the timed commands only, the failovers whole processes',
          ...profiles.flatMap(({ workload, files, summary }) => [
            '',
            `-- ${workload} (${files.length} profile(s))`,
            formatProfileSummary(summary, 15),
          ]),
        ]
      : []),
  ].join('\n');
  return {
    report,
    failures,
    results: {
      sizes,
      rounds: options.rounds,
      workloads,
      ensemble: {
        description: ensemble.description,
        roles: ensemble.roles,
        pinned: ensemble.pinnedConnectString,
        serverVersion: ensemble.serverVersion,
      },
      java: peers.javaVersion,
      curator: peers.curatorVersion,
      rows: rows.map((row) => ({ ...row, ratio: ratio(row), goalMet: goalMet(row) })),
      runs,
      profiles: profiles.map(({ workload, files, summary }) => ({
        workload,
        files,
        summary: { ...summary, functions: summary.functions.slice(0, 50), files: summary.files.slice(0, 30) },
      })),
    },
  };
}

function selectedWorkloads(): RecipeWorkload[] {
  const filter = process.env[WORKLOAD_FILTER];
  if (!filter) return [...RECIPE_WORKLOADS];
  const wanted = filter.split(',').map((name) => name.trim());
  const unknown = wanted.filter((name) => !RECIPE_WORKLOADS.includes(name as RecipeWorkload));
  if (unknown.length > 0) {
    throw new BenchError(
      `${WORKLOAD_FILTER}: unknown workload(s) ${unknown.join(', ')}; known: ${RECIPE_WORKLOADS.join(', ')}`,
    );
  }
  return RECIPE_WORKLOADS.filter((workload) => wanted.includes(workload));
}

/**
 * A freshly started server runs cold code; whichever side went first would pay for it. The kinds of
 * request the recipes make, untimed, from the suite's own session.
 */
async function warmUpServer(admin: ZooKeeperClient, root: string): Promise<void> {
  const parent = `${root}/warmup`;
  await admin.create(parent);
  for (let batch = 0; batch < 5; batch++) {
    const created = await Promise.all(
      Array.from({ length: 200 }, () => admin.create(`${parent}/n-`, 'x', { mode: 'ephemeralSequential' })),
    );
    await admin.getChildren(parent);
    await Promise.all(created.map((path) => admin.getData(path)));
    await Promise.all(created.map((path) => admin.delete(path)));
  }
}

/** The CPU profiles the TS peers wrote (with --profile), added up per workload. */
function summariseProfiles(
  peers: RecipePeers,
): { workload: RecipeWorkload; files: string[]; summary: ProfileSummary }[] {
  const byWorkload = new Map<RecipeWorkload, { files: string[]; summaries: ProfileSummary[] }>();
  for (const { label, directory, timedWindows } of peers.profiles) {
    const path = mainThreadProfile(directory);
    if (!path) continue;
    const workload = RECIPE_WORKLOADS.find((name) => label.startsWith(`${name}-r`));
    if (!workload) continue;
    const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
    const entry = byWorkload.get(workload) ?? { files: [], summaries: [] };
    entry.files.push(path);
    entry.summaries.push(
      summariseCpuProfile(profile, {
        fileName: (url) => sourceFileName(url, REPOSITORY_ROOT),
        // The timed part where there is one; the failovers time events, so their whole processes.
        ...(timedWindows.length > 0 && { windows: timedWindows }),
      }),
    );
    byWorkload.set(workload, entry);
  }
  return [...byWorkload.entries()].map(([workload, { files, summaries }]) => ({
    workload,
    files,
    summary: mergeSummaries(summaries),
  }));
}

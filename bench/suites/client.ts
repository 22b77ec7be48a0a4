/**
 * Our TypeScript client against the official Java client, on the same ensemble and the same
 * follower: pipelined creates, pipelined reads, sequential round trips, and (TypeScript only) heap
 * growth over 100,000 fired watches. Every run is a fresh process: a Node child for ours, a JVM for
 * Java's, in alternating order; the report gives medians over the rounds.
 */
import { deleteRecursive, ensurePath, ZooKeeperClient } from '../../shared/src/client/index.ts';
import { runJsonChild } from '../lib/child-process.ts';
import { formatComparisonTable, goalMet, ratio } from '../lib/comparison-table.ts';
import {
  compileJava,
  javaProgram,
  javaVersion,
  locateJavaToolchain,
  zooKeeperClientClasspath,
  type JavaToolchain,
} from '../lib/java.ts';
import { nodeScript } from '../lib/node-child.ts';
import { compileTypeScript } from '../lib/typescript-build.ts';
import { roundOrder } from '../lib/rounds.ts';
import { shortZooKeeperVersion } from '../lib/zookeeper-version.ts';
import { mean, percentile } from '../lib/stats.ts';
import type { BenchSuite, SuiteContext, SuiteOptions, SuiteOutcome } from '../suite.ts';
import {
  formatRunArguments,
  PAYLOAD_BYTES,
  READ_NODES,
  WATCH_HEAP_SIZE,
  WORKLOAD_SIZES,
  type ClientRunResult,
  type ClientWorkload,
  type Contender,
  type RunArguments,
  type WatchHeapResult,
  type WorkloadSize,
} from '../client/protocol.ts';
import { clientComparisonRows, formatHeapSamples, opsPerSecond } from '../client/summary.ts';

const CONTENDERS: readonly Contender[] = ['ts', 'java'];
const WORKLOADS: readonly ClientWorkload[] = ['creates', 'reads', 'latency'];
const RUN_TIMEOUT_MS = 180_000;
const HEAP_RUN_TIMEOUT_MS = 900_000;

interface Programs {
  toolchain: JavaToolchain;
  javaClasspath: string[];
  javaVersion: string;
  /** the script a Node child runs for a TypeScript entry: itself (tsx) or its compiled file */
  nodeScriptFor: (entry: string) => string;
}

const TS_CLIENT_BENCH = 'bench/client/ts-client-bench.ts';
const WATCH_HEAP = 'bench/client/watch-heap.ts';

export const suite: BenchSuite = {
  name: 'client',
  description: 'our TypeScript client against the official Java client: throughput, latency, watch memory',
  async prepare(options) {
    const toolchain = locateJavaToolchain();
    const zooKeeperJars = zooKeeperClientClasspath();
    const classes = await compileJava({
      toolchain,
      sources: ['bench/java/ClientBench.java'],
      classpath: zooKeeperJars,
      name: 'client',
    });
    const programs: Programs = {
      toolchain,
      javaClasspath: [classes, ...zooKeeperJars],
      javaVersion: await javaVersion(toolchain),
      nodeScriptFor:
        options.typescript === 'tsx'
          ? (entry) => entry
          : compileTypeScript([TS_CLIENT_BENCH, WATCH_HEAP], 'client'),
    };
    return { run: (context) => runClientSuite(context, options, programs) };
  },
};

async function runClientSuite(
  context: SuiteContext,
  options: SuiteOptions,
  programs: Programs,
): Promise<SuiteOutcome> {
  const { ensemble, log } = context;
  const sizes = suiteSizes(options.quick);
  const root = `/zk-cookbook-bench/client-${Date.now()}`;
  const admin = await ZooKeeperClient.connect(ensemble.pinnedConnectString);
  let runs: ClientRunResult[];
  let heap: WatchHeapResult;
  try {
    await createFixtures(admin, root);
    log('warming up the pinned server (untimed)');
    await warmUpServer(admin, root);
    runs = await runRounds(context, options, programs, sizes, root);
    log(`watch heap: ${sizes.heap.watches} watches in batches of ${sizes.heap.batch} (TypeScript only)`);
    heap = await runWatchHeap(context, options, programs, sizes, root);
  } finally {
    await deleteRecursive(admin, root).catch(() => undefined);
    await admin.close();
  }

  const rows = clientComparisonRows(runs, heap);
  const version = (contender: Contender) =>
    runs.find((run) => run.contender === contender)?.clientVersion ?? 'no run';
  const typescript = options.typescript === 'tsx' ? 'sources through tsx' : 'compiled as npm run build does';
  const report = [
    `TS: ${version('ts')} (${typescript})   ` +
      `Java: ZooKeeper client ${shortZooKeeperVersion(version('java'))} on ${programs.javaVersion}`,
    `ensemble: ${ensemble.description}, ZooKeeper ${ensemble.serverVersion}; ` +
      `both clients pinned to ${ensemble.pinnedConnectString}`,
    `workloads: ${describeSizes(sizes)}; ${options.rounds} run(s) per client, each in a fresh process, ` +
      'order alternating',
    '',
    formatComparisonTable({ subject: 'TS', baseline: 'Java', rows }),
    '',
    formatHeapSamples(heap),
  ].join('\n');
  return {
    report,
    failures:
      heap.watchCount === 0
        ? []
        : [`${heap.watchCount} watch registrations left after every watch fired: the client leaks watches`],
    results: {
      sizes,
      rounds: options.rounds,
      ensemble: {
        description: ensemble.description,
        roles: ensemble.roles,
        pinned: ensemble.pinnedConnectString,
        serverVersion: ensemble.serverVersion,
      },
      java: programs.javaVersion,
      rows: rows.map((row) => ({ ...row, ratio: ratio(row), goalMet: goalMet(row) })),
      runs,
      heap,
    },
  };
}

/** Every workload, `rounds` times per contender, in rotated order. */
async function runRounds(
  { ensemble, log }: SuiteContext,
  options: SuiteOptions,
  programs: Programs,
  sizes: SuiteSizes,
  root: string,
): Promise<ClientRunResult[]> {
  const runs: ClientRunResult[] = [];
  for (const workload of WORKLOADS) {
    for (let round = 0; round < options.rounds; round++) {
      for (const contender of roundOrder(CONTENDERS, round)) {
        const run: RunArguments = {
          workload,
          connect: ensemble.pinnedConnectString,
          path: workloadPath(root, workload, round, contender),
          ...sizes.workloads[workload],
          payloadBytes: PAYLOAD_BYTES,
        };
        const result = await runContender(contender, run, options, programs);
        runs.push(result);
        log(
          `${workload.padEnd(7)} round ${round + 1}/${options.rounds}  ${contender.padEnd(4)}  ${describeRun(result)}`,
        );
      }
    }
  }
  return runs;
}

function runWatchHeap(
  { ensemble }: SuiteContext,
  options: SuiteOptions,
  programs: Programs,
  sizes: SuiteSizes,
  root: string,
): Promise<WatchHeapResult> {
  const args = [ensemble.pinnedConnectString, `${root}/watch-heap`, sizes.heap.watches, sizes.heap.batch];
  return runJsonChild(
    nodeScript(programs.nodeScriptFor(WATCH_HEAP), args.map(String), {
      label: 'watch-heap.ts',
      timeoutMs: HEAP_RUN_TIMEOUT_MS,
      exposeGc: true,
      cpuProfileDirectory: options.cpuProfileDirectory,
    }),
  );
}

/** Nodes the reads and round trips use; creates make their own parent per run. */
async function createFixtures(admin: ZooKeeperClient, root: string): Promise<void> {
  const payload = Buffer.alloc(PAYLOAD_BYTES, 'x');
  await ensurePath(admin, root);
  await admin.create(`${root}/reads`);
  await Promise.all(
    Array.from({ length: READ_NODES }, (_, index) => admin.create(`${root}/reads/node-${index}`, payload)),
  );
  await admin.create(`${root}/latency`, payload);
}

/**
 * A freshly started server runs interpreted code; whichever client went first would pay for its JIT.
 * The same kinds of request, untimed, from the suite's own client.
 */
async function warmUpServer(admin: ZooKeeperClient, root: string): Promise<void> {
  const payload = Buffer.alloc(PAYLOAD_BYTES, 'x');
  await admin.create(`${root}/warmup`);
  await Promise.all(
    Array.from({ length: 2_000 }, (_, index) => admin.create(`${root}/warmup/node-${index}`, payload)),
  );
  await Promise.all(
    Array.from({ length: 10_000 }, (_, index) => {
      const path = `${root}/reads/node-${index % READ_NODES}`;
      return index % 2 === 0 ? admin.getData(path) : admin.exists(path);
    }),
  );
}

function workloadPath(root: string, workload: ClientWorkload, round: number, contender: Contender): string {
  if (workload === 'creates') return `${root}/creates-${round}-${contender}`;
  return `${root}/${workload}`;
}

function runContender(
  contender: Contender,
  run: RunArguments,
  options: SuiteOptions,
  programs: Programs,
): Promise<ClientRunResult> {
  const args = formatRunArguments(run);
  const label = `${contender} ${run.workload}`;
  if (contender === 'ts') {
    return runJsonChild(
      nodeScript(programs.nodeScriptFor(TS_CLIENT_BENCH), args, {
        label,
        timeoutMs: RUN_TIMEOUT_MS,
        cpuProfileDirectory: options.cpuProfileDirectory,
      }),
    );
  }
  return runJsonChild(
    javaProgram({
      toolchain: programs.toolchain,
      classpath: programs.javaClasspath,
      mainClass: 'ClientBench',
      args,
      label,
      timeoutMs: RUN_TIMEOUT_MS,
    }),
  );
}

interface SuiteSizes {
  workloads: Record<ClientWorkload, WorkloadSize>;
  heap: { watches: number; batch: number };
}

function suiteSizes(quick: boolean): SuiteSizes {
  if (!quick) return { workloads: WORKLOAD_SIZES, heap: WATCH_HEAP_SIZE };
  const tenth = (size: WorkloadSize): WorkloadSize => ({
    count: Math.ceil(size.count / 10),
    warmup: Math.ceil(size.warmup / 10),
  });
  return {
    workloads: {
      creates: tenth(WORKLOAD_SIZES.creates),
      reads: tenth(WORKLOAD_SIZES.reads),
      latency: tenth(WORKLOAD_SIZES.latency),
    },
    heap: { watches: 8_000, batch: 1_000 },
  };
}

function describeSizes(sizes: SuiteSizes): string {
  const { creates, reads, latency } = sizes.workloads;
  return (
    `${creates.count} pipelined creates of ${PAYLOAD_BYTES} B (+${creates.warmup} warm-up), ` +
    `${reads.count} pipelined getData/exists (+${reads.warmup}), ` +
    `${latency.count} sequential getData (+${latency.warmup})`
  );
}

function describeRun(result: ClientRunResult): string {
  const waited =
    result.cpuWaitMs === undefined
      ? ''
      : `, waited for a CPU ${((result.cpuWaitMs * 1000) / result.ops).toFixed(0)}`;
  const cpu = `CPU ${((result.cpuMs * 1000) / result.ops).toFixed(0)}${waited} µs/op`;
  if (result.latenciesUs?.length) {
    const samples = result.latenciesUs;
    return (
      `mean ${mean(samples).toFixed(0)} µs, p50 ${percentile(samples, 50).toFixed(0)} µs, ` +
      `p99 ${percentile(samples, 99).toFixed(0)} µs, ${cpu}`
    );
  }
  return `${opsPerSecond(result).toFixed(0)} ops/s, ${cpu}, RSS ${result.maxRssMb.toFixed(0)} MB`;
}

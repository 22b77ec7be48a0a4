/**
 * Our TypeScript client against the official Java client and the two npm ZooKeeper clients (the
 * `zookeeper` native binding, `node-zookeeper-client`), on the same ensemble and the same follower:
 * pipelined creates, pipelined reads, sequential round trips, pipelined multis, changes seen by a
 * persistent recursive watch, and (TypeScript only) heap growth over 100,000 fired watches. Every
 * run is a fresh process: a Node child per Node client, a JVM for Java's, in rotating order; the
 * report gives medians over the rounds, and says so where a client cannot do a workload at all.
 */
import { deleteRecursive, ensurePath, op, ZooKeeperClient } from '../../shared/src/client/index.ts';
import { runJsonChild } from '../lib/child-process.ts';
import { contenderGoalMet, contenderRatio, formatContenderTable } from '../lib/contender-table.ts';
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
  CONTENDER_LABELS,
  CONTENDERS,
  formatRunArguments,
  isUnavailable,
  MULTI_CREATES,
  PAYLOAD_BYTES,
  READ_NODES,
  WATCH_HEAP_SIZE,
  WORKLOAD_SIZES,
  WORKLOADS,
  type ChildOutcome,
  type ClientWorkload,
  type Contender,
  type NodeContender,
  type RunArguments,
  type WatchHeapResult,
  type WorkloadSize,
} from '../client/protocol.ts';
import { clientTableRows, formatHeapSamples, opsPerSecond } from '../client/summary.ts';

/** the watch-memory workload runs in the Node clients only: the Java client's heap is not in question */
const HEAP_CONTENDERS: readonly NodeContender[] = ['ts', 'native', 'nzc'];
const RUN_TIMEOUT_MS = 180_000;
const HEAP_RUN_TIMEOUT_MS = 900_000;

interface Programs {
  toolchain: JavaToolchain;
  javaClasspath: string[];
  javaVersion: string;
  /** the script a Node child runs for a TypeScript entry: itself (tsx) or its compiled file */
  nodeScriptFor: (entry: string) => string;
}

const NODE_CLIENT_BENCH = 'bench/client/node-client-bench.ts';
/** loaded by node-client-bench.ts on demand, one per Node contender */
const DRIVERS = [
  'bench/client/drivers/zk-cookbook.ts',
  'bench/client/drivers/native-zookeeper.ts',
  'bench/client/drivers/node-zookeeper-client.ts',
];
const WATCH_HEAP = 'bench/client/watch-heap.ts';

export const suite: BenchSuite = {
  name: 'client',
  description:
    'our TypeScript client against the official Java client and the npm zookeeper and ' +
    'node-zookeeper-client packages: throughput, latency, multi, persistent watches, watch memory',
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
          : compileTypeScript([NODE_CLIENT_BENCH, ...DRIVERS, WATCH_HEAP], 'client'),
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
  let runs: ChildOutcome[];
  const heaps: WatchHeapResult[] = [];
  try {
    await createFixtures(admin, root);
    log('warming up the pinned server (untimed)');
    await warmUpServer(admin, root);
    runs = await runRounds(context, options, programs, sizes, root);
    for (const contender of HEAP_CONTENDERS) {
      log(`watch heap: ${contender}, ${sizes.heap.watches} watches in batches of ${sizes.heap.batch}`);
      const heap = await runWatchHeap(context, options, programs, sizes, root, contender);
      heaps.push(heap);
      log(`watch heap: ${formatHeapSamples(heap)}`);
    }
  } finally {
    await deleteRecursive(admin, root).catch(() => undefined);
    await admin.close();
  }

  const rows = clientTableRows(runs, heaps);
  const version = (contender: Contender) =>
    runs.find((run) => run.contender === contender)?.clientVersion ?? 'no run';
  const typescript = options.typescript === 'tsx' ? 'sources through tsx' : 'compiled as npm run build does';
  const report = [
    `ours: ${version('ts')} (${typescript})   ` +
      `Java: ZooKeeper client ${shortZooKeeperVersion(version('java'))} on ${programs.javaVersion}`,
    `npm: ${version('native')} (native binding over the C client, promise API)   ` +
      `${version('nzc')} (pure JavaScript, callbacks wrapped in promises)`,
    `ensemble: ${ensemble.description}, ZooKeeper ${ensemble.serverVersion}; ` +
      `every client pinned to ${ensemble.pinnedConnectString}`,
    `workloads: ${describeSizes(sizes)}; ${options.rounds} run(s) per client, each in a fresh process, ` +
      'order rotating',
    '',
    formatContenderTable({
      contenders: CONTENDERS.map((key) => ({ key, label: CONTENDER_LABELS[key] })),
      subject: 'ts',
      goalBaseline: 'java',
      rows,
    }),
    '',
    ...heaps.map(formatHeapSamples),
  ].join('\n');
  // Ours must drop fired watches; the npm clients' registrations are what they are, measured above.
  const ours = heaps.find((heap) => heap.contender === 'ts');
  return {
    report,
    failures:
      ours?.watchCount === 0
        ? []
        : [`${ours?.watchCount} watch registrations left after every watch fired: the client leaks watches`],
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
      rows: rows.map((row) => ({
        ...row,
        ratios: Object.fromEntries(
          CONTENDERS.filter((other) => other !== 'ts').map((other) => [
            other,
            contenderRatio(row, 'ts', other),
          ]),
        ),
        goalMet: contenderGoalMet(row, 'ts', 'java'),
      })),
      runs,
      heaps,
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
): Promise<ChildOutcome[]> {
  const runs: ChildOutcome[] = [];
  for (const workload of WORKLOADS) {
    // a client that cannot do the workload says so on its first run; it is not asked again
    const unable = new Set<Contender>();
    for (let round = 0; round < options.rounds; round++) {
      for (const contender of roundOrder(CONTENDERS, round)) {
        if (unable.has(contender)) continue;
        const run: RunArguments = {
          workload,
          connect: ensemble.pinnedConnectString,
          path: workloadPath(root, workload, round, contender),
          ...sizes.workloads[workload],
          payloadBytes: PAYLOAD_BYTES,
        };
        const result = await runContender(contender, run, options, programs);
        if (result.contender !== contender || result.workload !== workload) {
          throw new Error(
            `${contender} ${workload}: the child reported ${result.contender} ${result.workload}`,
          );
        }
        runs.push(result);
        if (isUnavailable(result)) unable.add(contender);
        log(
          `${workload.padEnd(7)} round ${round + 1}/${options.rounds}  ${contender.padEnd(6)}  ${describeRun(result)}`,
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
  contender: NodeContender,
): Promise<WatchHeapResult> {
  const args = [
    contender,
    ensemble.pinnedConnectString,
    `${root}/watch-heap-${contender}`,
    sizes.heap.watches,
    sizes.heap.batch,
  ];
  return runJsonChild(
    nodeScript(programs.nodeScriptFor(WATCH_HEAP), args.map(String), {
      label: `${contender} watch-heap`,
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
  await admin.create(`${root}/watched`);
  await Promise.all(
    Array.from({ length: READ_NODES }, (_, index) => admin.create(`${root}/watched/node-${index}`, payload)),
  );
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
  await Promise.all(
    Array.from({ length: 400 }, (_, index) =>
      admin.multi(
        Array.from({ length: MULTI_CREATES }, (_, item) =>
          op.create(`${root}/warmup/multi-${index}-${item}`, payload),
        ),
      ),
    ),
  );
  // setData where no watch is set: the contenders' persistent watches are their own sessions'
  await Promise.all(
    Array.from({ length: 2_000 }, (_, index) => admin.setData(`${root}/warmup/node-${index}`, payload)),
  );
}

function workloadPath(root: string, workload: ClientWorkload, round: number, contender: Contender): string {
  switch (workload) {
    case 'creates':
    case 'multi':
      return `${root}/${workload}-${round}-${contender}`;
    case 'watches':
      return `${root}/watched`;
    case 'reads':
    case 'latency':
      return `${root}/${workload}`;
  }
}

function runContender(
  contender: Contender,
  run: RunArguments,
  options: SuiteOptions,
  programs: Programs,
): Promise<ChildOutcome> {
  const args = formatRunArguments(run);
  const label = `${contender} ${run.workload}`;
  if (contender !== 'java') {
    return runJsonChild(
      nodeScript(programs.nodeScriptFor(NODE_CLIENT_BENCH), [contender, ...args], {
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
      multi: tenth(WORKLOAD_SIZES.multi),
      watches: tenth(WORKLOAD_SIZES.watches),
    },
    heap: { watches: 8_000, batch: 1_000 },
  };
}

function describeSizes(sizes: SuiteSizes): string {
  const { creates, reads, latency, multi, watches } = sizes.workloads;
  return (
    `${creates.count} pipelined creates of ${PAYLOAD_BYTES} B (+${creates.warmup} warm-up), ` +
    `${reads.count} pipelined getData/exists (+${reads.warmup}), ` +
    `${latency.count} sequential getData (+${latency.warmup}), ` +
    `${multi.count} pipelined multis of ${MULTI_CREATES} creates (+${multi.warmup}), ` +
    `${watches.count} pipelined setData under one persistent recursive watch (+${watches.warmup})`
  );
}

function describeRun(result: ChildOutcome): string {
  if (isUnavailable(result)) return `n/a: ${result.unavailable} (${result.clientVersion})`;
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

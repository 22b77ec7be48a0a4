/**
 * What the client suite and its child processes agree on: the workloads, the arguments a child
 * takes and the JSON line it prints. bench/java/ClientBench.java and node-client-bench.ts (with one
 * driver per Node client, drivers/) follow the same contract, so every client runs the same requests.
 */

/** ours, the official Java client, the npm `zookeeper` native binding, npm `node-zookeeper-client` */
export type Contender = 'ts' | 'java' | 'native' | 'nzc';

/** The contenders that run in a Node child through a driver of drivers/. */
export type NodeContender = Exclude<Contender, 'java'>;

export const CONTENDERS: readonly Contender[] = ['ts', 'java', 'native', 'nzc'];

/** What the table calls each contender: the npm package names, as a reader would install them. */
export const CONTENDER_LABELS: Record<Contender, string> = {
  ts: 'ours',
  java: 'Java',
  native: 'zookeeper',
  nzc: 'node-zookeeper-client',
};

export type ClientWorkload = 'creates' | 'reads' | 'latency' | 'multi' | 'watches';

export const WORKLOADS: readonly ClientWorkload[] = ['creates', 'reads', 'latency', 'multi', 'watches'];

export interface WorkloadSize {
  /** timed requests */
  count: number;
  /** untimed requests first, in the same process, so both runtimes have compiled their hot paths */
  warmup: number;
}

/** The shape used by the earlier evaluation of Node.js ZooKeeper clients (its section 3, throughput). */
export const WORKLOAD_SIZES: Record<ClientWorkload, WorkloadSize> = {
  // all issued at once, each a 100-byte persistent node under a parent created for the run
  creates: { count: 5_000, warmup: 1_000 },
  // all issued at once, alternating getData and exists over the children of one parent
  reads: { count: 20_000, warmup: 2_000 },
  // one getData after another, each awaited: the round trip, not the pipeline
  latency: { count: 2_000, warmup: 500 },
  // all issued at once, each a transaction creating MULTI_CREATES nodes under a parent made for the run
  multi: { count: 1_000, warmup: 200 },
  // one persistent recursive watch on a parent; setData on its children, all issued at once; timed
  // until the last change has been both acknowledged and notified
  watches: { count: 10_000, warmup: 1_000 },
};

export const PAYLOAD_BYTES = 100;

/** The creates in each transaction of the multi workload. */
export const MULTI_CREATES = 5;

/** How many nodes the reads and the watched changes cycle over (each holds PAYLOAD_BYTES). */
export const READ_NODES = 100;

export interface RunArguments {
  workload: ClientWorkload;
  /** pinned to one server, so both clients hit the same follower */
  connect: string;
  /**
   * creates, multi: the fresh parent (created by the child); reads, watches: the parent of the nodes;
   * latency: the node
   */
  path: string;
  count: number;
  warmup: number;
  payloadBytes: number;
}

/**
 * What a child prints instead of a result when its client has no way to do the workload (no multi,
 * no persistent watches): the table shows the reason rather than leaving the cell empty or
 * approximating the workload with other requests.
 */
export interface UnavailableRun {
  contender: Contender;
  clientVersion: string;
  workload: ClientWorkload;
  /** "no multi" */
  unavailable: string;
}

/** What every child prints as its last line of output. */
export interface ClientRunResult {
  contender: Contender;
  /** "zk-cookbook 0.1.0", "3.8.0-…" */
  clientVersion: string;
  workload: ClientWorkload;
  ops: number;
  elapsedMs: number;
  /** process CPU time (all threads) over the timed part */
  cpuMs: number;
  /** time its threads were runnable but waited for a CPU over the timed part (Linux only) */
  cpuWaitMs?: number;
  /** peak resident set size of the child process */
  maxRssMb: number;
  /** latency only: every timed round trip, in µs */
  latenciesUs?: number[];
}

export type ChildOutcome = ClientRunResult | UnavailableRun;

export function isUnavailable(outcome: ChildOutcome): outcome is UnavailableRun {
  return 'unavailable' in outcome;
}

export interface HeapSample {
  fired: number;
  heapUsedMb: number;
  rssMb: number;
}

/** What watch-heap.ts prints. */
export interface WatchHeapResult {
  contender: NodeContender;
  clientVersion: string;
  watches: number;
  batch: number;
  /** after forced GC: at the start, every quarter of the watches, at the end */
  samples: HeapSample[];
  /**
   * the watching client's registrations left at the end: every fired watch must be gone; null for a
   * client that does not say (the npm ones), whose heap growth is then the only evidence
   */
  watchCount: number | null;
  elapsedMs: number;
}

/** The heap workload: the Node clients only, as the Java client's memory is not what is in question. */
export const WATCH_HEAP_SIZE = { watches: 100_000, batch: 1_000 };

/** argv of a child: workload connect path count warmup payloadBytes */
export function formatRunArguments(run: RunArguments): string[] {
  return [
    run.workload,
    run.connect,
    run.path,
    String(run.count),
    String(run.warmup),
    String(run.payloadBytes),
  ];
}

export function parseRunArguments(argv: readonly string[]): RunArguments {
  const [workload, connect, path, count, warmup, payloadBytes] = argv;
  if (!isWorkload(workload) || !connect || !path || argv.length !== 6) {
    throw new Error(
      `usage: <${WORKLOADS.join('|')}> <connect> <path> <count> <warmup> <payloadBytes>, got: ${argv.join(' ')}`,
    );
  }
  return {
    workload,
    connect,
    path,
    count: wholeNumber(count, 'count'),
    warmup: wholeNumber(warmup, 'warmup'),
    payloadBytes: wholeNumber(payloadBytes, 'payloadBytes'),
  };
}

function isWorkload(value: string | undefined): value is ClientWorkload {
  return WORKLOADS.includes(value as ClientWorkload);
}

function wholeNumber(text: string | undefined, name: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number, got "${text}"`);
  return value;
}

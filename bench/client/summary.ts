import { formatNumber } from '../lib/comparison-table.ts';
import type { ContenderCell, ContenderRow } from '../lib/contender-table.ts';
import { mean, percentile, spread } from '../lib/stats.ts';
import {
  CONTENDER_LABELS,
  CONTENDERS,
  isUnavailable,
  MULTI_CREATES,
  type ChildOutcome,
  type ClientRunResult,
  type ClientWorkload,
  type Contender,
  type WatchHeapResult,
} from './protocol.ts';

/** Our goals against the Java client: as fast, and round trips at most 10 % slower. */
export const THROUGHPUT_RATIO_GOAL = 1.0;
export const LATENCY_RATIO_GOAL = 1.1;
export const HEAP_GROWTH_GOAL_MB = 10;

/**
 * The table of the client suite, from every run of every contender: each cell is the median over
 * that contender's runs (one number per run) and its range, or why the contender cannot do the
 * workload. Goals are ours against Java's; the npm clients are there to compare with, not to beat.
 */
export function clientTableRows(
  outcomes: readonly ChildOutcome[],
  heaps: readonly WatchHeapResult[] = [],
): ContenderRow[] {
  const row = (
    metric: string,
    workload: ClientWorkload,
    better: ContenderRow['better'],
    perRun: (run: ClientRunResult) => number,
    ratioGoal?: number,
  ): ContenderRow => ({
    metric,
    cells: Object.fromEntries(
      CONTENDERS.flatMap((contender) => {
        const cell = cellOf(outcomes, contender, workload, perRun);
        return cell ? [[contender, cell]] : [];
      }),
    ),
    better,
    ...(ratioGoal !== undefined && { ratioGoal }),
  });
  const rows: ContenderRow[] = [
    row('creates/s (pipelined)', 'creates', 'higher', opsPerSecond, THROUGHPUT_RATIO_GOAL),
    row('reads/s (pipelined)', 'reads', 'higher', opsPerSecond, THROUGHPUT_RATIO_GOAL),
    row('getData round trip mean µs', 'latency', 'lower', (run) => mean(latencies(run)), LATENCY_RATIO_GOAL),
    row(
      'getData round trip p50 µs',
      'latency',
      'lower',
      (run) => percentile(latencies(run), 50),
      LATENCY_RATIO_GOAL,
    ),
    row('getData round trip p99 µs', 'latency', 'lower', (run) => percentile(latencies(run), 99)),
    row(`multis/s (pipelined, ${MULTI_CREATES} creates each)`, 'multi', 'higher', opsPerSecond),
    row('watched changes/s (persistent recursive)', 'watches', 'higher', opsPerSecond),
    row('client CPU µs per create', 'creates', 'lower', cpuMicrosPerOp),
    row('client CPU µs per read', 'reads', 'lower', cpuMicrosPerOp),
    row('client CPU µs per round trip', 'latency', 'lower', cpuMicrosPerOp),
    row('client CPU µs per multi', 'multi', 'lower', cpuMicrosPerOp),
    row('client CPU µs per watched change', 'watches', 'lower', cpuMicrosPerOp),
    row('waiting for a CPU µs per create', 'creates', 'lower', cpuWaitMicrosPerOp),
    row('waiting for a CPU µs per read', 'reads', 'lower', cpuWaitMicrosPerOp),
    row('waiting for a CPU µs per round trip', 'latency', 'lower', cpuWaitMicrosPerOp),
    row('waiting for a CPU µs per multi', 'multi', 'lower', cpuWaitMicrosPerOp),
    row('waiting for a CPU µs per watched change', 'watches', 'lower', cpuWaitMicrosPerOp),
    row('peak RSS MB (reads)', 'reads', 'lower', (run) => run.maxRssMb),
  ];
  const first = heaps[0];
  if (first) {
    rows.push({
      metric: `heap growth MB, ${first.watches / 1000}k fired watches`,
      cells: Object.fromEntries(
        heaps.map((heap) => {
          const growth = heapGrowthMb(heap);
          return [heap.contender, { median: growth, min: growth, max: growth }];
        }),
      ),
      better: 'lower',
      valueGoal: HEAP_GROWTH_GOAL_MB,
      ratios: false,
    });
  }
  return rows;
}

export function opsPerSecond(run: ClientRunResult): number {
  return run.ops / (run.elapsedMs / 1000);
}

function cpuMicrosPerOp(run: ClientRunResult): number {
  return (run.cpuMs * 1000) / run.ops;
}

/** NaN (left out of the row) where the platform does not tell. */
function cpuWaitMicrosPerOp(run: ClientRunResult): number {
  return run.cpuWaitMs === undefined ? Number.NaN : (run.cpuWaitMs * 1000) / run.ops;
}

function latencies(run: ClientRunResult): number[] {
  if (!run.latenciesUs?.length) throw new Error(`${run.contender} latency run reported no latencies`);
  return run.latenciesUs;
}

/**
 * One contender's cell: why it cannot do the workload if its child said so, else the spread of its
 * runs' values (NaN and negative values, e.g. Java's -1 for an unknown RSS, left out), else nothing.
 */
function cellOf(
  outcomes: readonly ChildOutcome[],
  contender: Contender,
  workload: ClientWorkload,
  perRun: (run: ClientRunResult) => number,
): ContenderCell | undefined {
  const own = outcomes.filter((outcome) => outcome.contender === contender && outcome.workload === workload);
  const unavailable = own.find(isUnavailable);
  if (unavailable) return { unavailable: unavailable.unavailable };
  const values = own
    .filter((outcome): outcome is ClientRunResult => !isUnavailable(outcome))
    .map(perRun)
    .filter((value) => Number.isFinite(value) && value >= 0);
  return values.length > 0 ? spread(values) : undefined;
}

/** From the first sample after warm-up to the last one. */
export function heapGrowthMb(heap: WatchHeapResult): number {
  const first = heap.samples[0];
  const last = heap.samples[heap.samples.length - 1];
  if (!first || !last) throw new Error('heap run reported no samples');
  return last.heapUsedMb - first.heapUsedMb;
}

/**
 * "ours: heap used after GC (MB): 6.10 at 0 → 6.21 at 25k → … → 6.30 at 100k fired; RSS …;
 * watches left registered: 0 (must be 0)"
 */
export function formatHeapSamples(heap: WatchHeapResult): string {
  const points = heap.samples
    .map(
      (sample) =>
        `${formatNumber(sample.heapUsedMb)} at ${sample.fired >= 1000 ? `${sample.fired / 1000}k` : sample.fired}`,
    )
    .join(' → ');
  const rss = heap.samples.map((sample) => formatNumber(sample.rssMb)).join(' → ');
  return (
    `${CONTENDER_LABELS[heap.contender]}: heap used after GC (MB): ${points} fired; RSS ${rss} MB; ` +
    (heap.watchCount === null
      ? 'watches left registered: not reported by the client'
      : `watches left registered: ${heap.watchCount} (must be 0)`)
  );
}

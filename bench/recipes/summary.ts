/**
 * What the recipes suite measured and how it becomes the comparison table: each run of a workload
 * (one side, fresh processes) reports samples per measure, and each row of the table pools the
 * samples of every run of that workload, ours against Curator's.
 */
import { spread, median } from '../lib/stats.ts';
import { formatNumber, type ComparisonRow } from '../lib/comparison-table.ts';

export type Side = 'ts' | 'curator';
export const SIDES: readonly Side[] = ['ts', 'curator'];

export type RecipeWorkload = 'lock' | 'handoffs' | 'queue' | 'ids' | 'failover-close' | 'failover-kill';
export const RECIPE_WORKLOADS: readonly RecipeWorkload[] = [
  'lock',
  'handoffs',
  'queue',
  'ids',
  'failover-close',
  'failover-kill',
];

export interface RecipeRun {
  workload: RecipeWorkload;
  side: Side;
  /** 0-based */
  round: number;
  /**
   * Samples per measure: one per run for a rate ("cyclesPerSecond": [412]), one per event for a
   * time ("failoverMs": [12, 9, 15, …]).
   */
  measures: Record<string, number[]>;
  /** what the peers returned, for the results file */
  details: Record<string, unknown>;
  /** the 1-minute load average as the run ended */
  loadAverage: number;
}

/** One line of the table: a measure of ours against a measure of Curator's, from one workload. */
export interface RecipeRowSpec {
  metric: string;
  workload: RecipeWorkload;
  ts: string;
  curator: string;
  better: ComparisonRow['better'];
  /** the goal: ours at least as good as Curator's (ratio ≥ 1 for rates, ≤ 1 for times) */
  ratioGoal?: number;
}

export const RATIO_GOAL = 1.0;

export const RECIPE_ROWS: readonly RecipeRowSpec[] = [
  {
    metric: 'lock acquire+release cycles/s, uncontended',
    workload: 'lock',
    ts: 'cyclesPerSecond',
    curator: 'cyclesPerSecond',
    better: 'higher',
    ratioGoal: RATIO_GOAL,
  },
  {
    metric: '  peer CPU µs per cycle',
    workload: 'lock',
    ts: 'cpuUsPerCycle',
    curator: 'cpuUsPerCycle',
    better: 'lower',
  },
  {
    metric: 'lock hand-offs/s, 10 contenders',
    workload: 'handoffs',
    ts: 'handoffsPerSecond',
    curator: 'handoffsPerSecond',
    better: 'higher',
    ratioGoal: RATIO_GOAL,
  },
  {
    metric: '  peer CPU µs per acquisition',
    workload: 'handoffs',
    ts: 'cpuUsPerAcquisition',
    curator: 'cpuUsPerAcquisition',
    better: 'lower',
  },
  {
    metric: 'leader failover ms, graceful close (lower is better)',
    workload: 'failover-close',
    ts: 'failoverMs',
    curator: 'failoverMs',
    better: 'lower',
    ratioGoal: RATIO_GOAL,
  },
  {
    metric: 'leader failover ms, leader SIGKILLed (lower is better)',
    workload: 'failover-kill',
    ts: 'failoverMs',
    curator: 'failoverMs',
    better: 'lower',
    ratioGoal: RATIO_GOAL,
  },
  {
    metric: '  kill → session expired (server side) ms',
    workload: 'failover-kill',
    ts: 'expiryMs',
    curator: 'expiryMs',
    better: 'lower',
  },
  {
    metric: '  deletion heard by the suite → new leader ms',
    workload: 'failover-kill',
    ts: 'reactionMs',
    curator: 'reactionMs',
    better: 'lower',
  },
  {
    metric: 'queue put+take/s, 1 producer + 1 consumer',
    workload: 'queue',
    ts: 'putTakePerSecond',
    curator: 'putTakePerSecond',
    better: 'higher',
    ratioGoal: RATIO_GOAL,
  },
  {
    metric: '  puts/s (the producer alone)',
    workload: 'queue',
    ts: 'putsPerSecond',
    curator: 'putsPerSecond',
    better: 'higher',
  },
  {
    metric: '  peer CPU µs per item',
    workload: 'queue',
    ts: 'cpuUsPerItem',
    curator: 'cpuUsPerItem',
    better: 'lower',
  },
  {
    metric: 'IDs/s: SequentialIdGenerator vs DistributedAtomicLong',
    workload: 'ids',
    ts: 'sequentialIdsPerSecond',
    curator: 'atomicLongIdsPerSecond',
    better: 'higher',
    ratioGoal: RATIO_GOAL,
  },
  {
    metric: 'IDs/s: SequentialIdGenerator vs sequential-node loop',
    workload: 'ids',
    ts: 'sequentialIdsPerSecond',
    curator: 'sequentialNodeIdsPerSecond',
    better: 'higher',
    ratioGoal: RATIO_GOAL,
  },
  {
    metric: 'IDs/s: RangeIdGenerator vs DistributedAtomicLong',
    workload: 'ids',
    ts: 'rangeIdsPerSecond',
    curator: 'atomicLongIdsPerSecond',
    better: 'higher',
    ratioGoal: RATIO_GOAL,
  },
  {
    metric: '  DistributedAtomicLong increments/s (both)',
    workload: 'ids',
    ts: 'atomicLongIdsPerSecond',
    curator: 'atomicLongIdsPerSecond',
    better: 'higher',
  },
  {
    metric: '  peer CPU µs per sequential ID',
    workload: 'ids',
    ts: 'cpuUsPerSequentialId',
    curator: 'cpuUsPerSequentialNodeId',
    better: 'lower',
  },
];

/** The table's rows: every sample of every run of the row's workload, per side, as median and range. */
export function recipeComparisonRows(
  runs: readonly RecipeRun[],
  specs: readonly RecipeRowSpec[] = RECIPE_ROWS,
): ComparisonRow[] {
  return specs.map((spec) => ({
    metric: spec.metric,
    subject: pooledSpread(runs, spec.workload, 'ts', spec.ts),
    baseline: pooledSpread(runs, spec.workload, 'curator', spec.curator),
    better: spec.better,
    ...(spec.ratioGoal !== undefined && { ratioGoal: spec.ratioGoal }),
  }));
}

export function pooledSpread(
  runs: readonly RecipeRun[],
  workload: RecipeWorkload,
  side: Side,
  measure: string,
): ComparisonRow['subject'] {
  const samples = runs
    .filter((run) => run.workload === workload && run.side === side)
    .flatMap((run) => run.measures[measure] ?? [])
    .filter((value) => Number.isFinite(value));
  return samples.length > 0 ? spread(samples) : undefined;
}

/** "load average 7.9 (6.1–11.2) over 36 runs on 2 CPUs" */
export function describeLoad(runs: readonly RecipeRun[], cpus: number): string {
  if (runs.length === 0) return 'no runs';
  const loads = runs.map((run) => run.loadAverage);
  const { min, max } = spread(loads);
  return (
    `load average at the end of each run: median ${median(loads).toFixed(2)} ` +
    `(${min.toFixed(2)}–${max.toFixed(2)}) over ${runs.length} runs on ${cpus} CPUs`
  );
}

/** A progress line: "cyclesPerSecond 412, cpuUsPerCycle 890" (medians of a run's samples). */
export function describeMeasures(measures: Record<string, number[]>): string {
  return Object.entries(measures)
    .filter(([, samples]) => samples.length > 0)
    .map(([name, samples]) => {
      const value = formatNumber(median(samples));
      return samples.length === 1 ? `${name} ${value}` : `${name} ${value} (median of ${samples.length})`;
    })
    .join(', ');
}

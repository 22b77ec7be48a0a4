import { describe, expect, it } from 'vitest';
import {
  describeLoad,
  describeMeasures,
  pooledSpread,
  recipeComparisonRows,
  type RecipeRowSpec,
  type RecipeRun,
} from './summary.ts';

const run = (
  workload: RecipeRun['workload'],
  side: RecipeRun['side'],
  round: number,
  measures: Record<string, number[]>,
  loadAverage = 4,
): RecipeRun => ({ workload, side, round, measures, details: {}, loadAverage });

const runs: RecipeRun[] = [
  run('lock', 'ts', 0, { cyclesPerSecond: [400] }, 3.5),
  run('lock', 'curator', 0, { cyclesPerSecond: [300] }, 6),
  run('lock', 'ts', 1, { cyclesPerSecond: [500] }, 4),
  run('lock', 'curator', 1, { cyclesPerSecond: [350] }, 5),
  run('failover-close', 'ts', 0, { failoverMs: [9, 12, 10] }),
  run('failover-close', 'ts', 1, { failoverMs: [30] }),
  run('failover-close', 'curator', 0, { failoverMs: [14, 15] }),
  run('ids', 'ts', 0, { sequentialIdsPerSecond: [150], rangeIdsPerSecond: [90_000] }),
  run('ids', 'curator', 0, { atomicLongIdsPerSecond: [200], sequentialNodeIdsPerSecond: [220] }),
];

describe('pooledSpread', () => {
  it('pools the samples of every run of one side and workload', () => {
    expect(pooledSpread(runs, 'lock', 'ts', 'cyclesPerSecond')).toEqual({ median: 450, min: 400, max: 500 });
    expect(pooledSpread(runs, 'failover-close', 'ts', 'failoverMs')).toEqual({ median: 11, min: 9, max: 30 });
  });

  it('is undefined when no run measured it, and skips values that are no numbers', () => {
    expect(pooledSpread(runs, 'queue', 'ts', 'putTakePerSecond')).toBeUndefined();
    expect(
      pooledSpread(
        [run('lock', 'ts', 0, { cpuUsPerCycle: [Number.NaN, 10] })],
        'lock',
        'ts',
        'cpuUsPerCycle',
      ),
    ).toEqual({ median: 10, min: 10, max: 10 });
  });
});

describe('recipeComparisonRows', () => {
  const specs: RecipeRowSpec[] = [
    {
      metric: 'cycles/s',
      workload: 'lock',
      ts: 'cyclesPerSecond',
      curator: 'cyclesPerSecond',
      better: 'higher',
      ratioGoal: 1,
    },
    {
      metric: 'failover ms',
      workload: 'failover-close',
      ts: 'failoverMs',
      curator: 'failoverMs',
      better: 'lower',
    },
    {
      metric: 'range vs atomic long',
      workload: 'ids',
      ts: 'rangeIdsPerSecond',
      curator: 'atomicLongIdsPerSecond',
      better: 'higher',
    },
  ];

  it('sets our measure against Curator’s, which may have another name', () => {
    const [cycles, failover, range] = recipeComparisonRows(runs, specs);
    expect(cycles).toEqual({
      metric: 'cycles/s',
      subject: { median: 450, min: 400, max: 500 },
      baseline: { median: 325, min: 300, max: 350 },
      better: 'higher',
      ratioGoal: 1,
    });
    expect(failover).toMatchObject({ better: 'lower', baseline: { median: 14.5, min: 14, max: 15 } });
    expect(failover).not.toHaveProperty('ratioGoal');
    expect(range!.subject!.median).toBe(90_000);
    expect(range!.baseline!.median).toBe(200);
  });
});

describe('describeLoad and describeMeasures', () => {
  it('summarises the load average of the runs', () => {
    expect(describeLoad(runs.slice(0, 4), 2)).toBe(
      'load average at the end of each run: median 4.50 (3.50–6.00) over 4 runs on 2 CPUs',
    );
    expect(describeLoad([], 2)).toBe('no runs');
  });

  it('prints a run’s measures, saying when a value is a median of several samples', () => {
    expect(describeMeasures({ cyclesPerSecond: [412.3], failoverMs: [9, 12, 10], cpuUsPerCycle: [] })).toBe(
      'cyclesPerSecond 412, failoverMs 10.0 (median of 3)',
    );
  });
});

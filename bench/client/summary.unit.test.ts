import { describe, expect, it } from 'vitest';
import { goalMet, ratio } from '../lib/comparison-table.ts';
import type { ClientRunResult, WatchHeapResult } from './protocol.ts';
import { clientComparisonRows, formatHeapSamples, heapGrowthMb, opsPerSecond } from './summary.ts';

function run(overrides: Partial<ClientRunResult>): ClientRunResult {
  return {
    contender: 'ts',
    clientVersion: 'test',
    workload: 'creates',
    ops: 5000,
    elapsedMs: 1000,
    cpuMs: 500,
    maxRssMb: 80,
    ...overrides,
  };
}

const heap: WatchHeapResult = {
  watches: 100_000,
  batch: 1000,
  samples: [
    { fired: 0, heapUsedMb: 6, rssMb: 60 },
    { fired: 50_000, heapUsedMb: 6.5, rssMb: 61 },
    { fired: 100_000, heapUsedMb: 7.25, rssMb: 62 },
  ],
  watchCount: 0,
  elapsedMs: 30_000,
};

describe('clientComparisonRows', () => {
  const runs = [
    run({ contender: 'ts', elapsedMs: 1000 }),
    run({ contender: 'ts', elapsedMs: 1250 }),
    run({ contender: 'ts', elapsedMs: 2000 }),
    run({ contender: 'java', elapsedMs: 1000 }),
    run({ contender: 'java', elapsedMs: 1000 }),
    run({ contender: 'java', elapsedMs: 1250 }),
    run({ contender: 'ts', workload: 'latency', ops: 4, latenciesUs: [100, 100, 100, 500] }),
    run({ contender: 'java', workload: 'latency', ops: 4, latenciesUs: [100, 100, 100, 100] }),
  ];
  const rows = clientComparisonRows(runs, heap);
  const byMetric = (prefix: string) => rows.find((row) => row.metric.startsWith(prefix))!;

  it('reports the median throughput per contender over runs, with its range', () => {
    const creates = byMetric('creates/s');
    expect(creates.subject).toEqual({ median: 4000, min: 2500, max: 5000 });
    expect(creates.baseline).toEqual({ median: 5000, min: 4000, max: 5000 });
    expect(ratio(creates)).toBeCloseTo(0.8);
    expect(goalMet(creates)).toBe(false);
  });

  it('compares mean round trips, where a slow tail shows, and p50, where it does not', () => {
    expect(byMetric('getData round trip mean').subject?.median).toBe(200);
    expect(goalMet(byMetric('getData round trip mean'))).toBe(false);
    expect(goalMet(byMetric('getData round trip p50'))).toBe(true);
  });

  it('leaves a contender out of a row it has no runs for', () => {
    expect(byMetric('reads/s').subject).toBeUndefined();
  });

  it('leaves out CPU waits where the platform does not report them', () => {
    expect(byMetric('waiting for a CPU µs per create').subject).toBeUndefined();
    const withWaits = clientComparisonRows([run({ contender: 'ts', cpuWaitMs: 250 })]);
    expect(withWaits.find((row) => row.metric === 'waiting for a CPU µs per create')?.subject?.median).toBe(
      50,
    );
  });

  it('ends with the heap growth against its absolute goal', () => {
    const growth = rows[rows.length - 1]!;
    expect(growth.metric).toBe('heap growth MB, 100k fired watches');
    expect(growth.subject?.median).toBe(1.25);
    expect(goalMet(growth)).toBe(true);
  });
});

describe('heap samples', () => {
  it('measures growth from the first sample to the last', () => {
    expect(heapGrowthMb(heap)).toBe(1.25);
  });

  it('lists every sample and the registrations left', () => {
    expect(formatHeapSamples(heap)).toBe(
      'heap used after GC (MB): 6.00 at 0 → 6.50 at 50k → 7.25 at 100k fired; RSS 60.0 → 61.0 → 62.0 MB; ' +
        'watches left registered: 0 (must be 0)',
    );
  });
});

describe('opsPerSecond', () => {
  it('divides operations by elapsed seconds', () => {
    expect(opsPerSecond(run({ ops: 5000, elapsedMs: 1250 }))).toBe(4000);
  });
});

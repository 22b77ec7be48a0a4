import { describe, expect, it } from 'vitest';
import { contenderGoalMet, contenderRatio, type ContenderRow } from '../lib/contender-table.ts';
import type { ChildOutcome, ClientRunResult, WatchHeapResult } from './protocol.ts';
import { clientTableRows, formatHeapSamples, heapGrowthMb, opsPerSecond } from './summary.ts';

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
  contender: 'ts',
  clientVersion: 'test',
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

describe('clientTableRows', () => {
  const runs: ChildOutcome[] = [
    run({ contender: 'ts', elapsedMs: 1000 }),
    run({ contender: 'ts', elapsedMs: 1250 }),
    run({ contender: 'ts', elapsedMs: 2000 }),
    run({ contender: 'java', elapsedMs: 1000 }),
    run({ contender: 'java', elapsedMs: 1000 }),
    run({ contender: 'java', elapsedMs: 1250 }),
    run({ contender: 'native', elapsedMs: 2500 }),
    run({ contender: 'nzc', elapsedMs: 500 }),
    run({ contender: 'ts', workload: 'latency', ops: 4, latenciesUs: [100, 100, 100, 500] }),
    run({ contender: 'java', workload: 'latency', ops: 4, latenciesUs: [100, 100, 100, 100] }),
    run({ contender: 'ts', workload: 'multi', ops: 1000, elapsedMs: 1000 }),
    run({ contender: 'java', workload: 'multi', ops: 1000, elapsedMs: 2000 }),
    { contender: 'native', clientVersion: 'zookeeper 7.3.0', workload: 'multi', unavailable: 'no multi' },
    run({ contender: 'nzc', workload: 'multi', ops: 1000, elapsedMs: 4000 }),
  ];
  const leakingHeap: WatchHeapResult = {
    ...heap,
    contender: 'native',
    samples: [
      { fired: 0, heapUsedMb: 4, rssMb: 60 },
      { fired: 100_000, heapUsedMb: 88, rssMb: 160 },
    ],
    watchCount: null,
  };
  const rows = clientTableRows(runs, [heap, leakingHeap]);
  const byMetric = (prefix: string): ContenderRow => rows.find((row) => row.metric.startsWith(prefix))!;

  it('reports the median throughput per contender over runs, with its range', () => {
    const creates = byMetric('creates/s');
    expect(creates.cells.ts).toEqual({ median: 4000, min: 2500, max: 5000 });
    expect(creates.cells.java).toEqual({ median: 5000, min: 4000, max: 5000 });
    expect(creates.cells.native).toEqual({ median: 2000, min: 2000, max: 2000 });
    expect(contenderRatio(creates, 'ts', 'java')).toBeCloseTo(0.8);
    expect(contenderRatio(creates, 'ts', 'nzc')).toBeCloseTo(0.4);
    expect(contenderGoalMet(creates, 'ts', 'java')).toBe(false);
  });

  it('compares mean round trips, where a slow tail shows, and p50, where it does not', () => {
    expect(byMetric('getData round trip mean').cells.ts).toMatchObject({ median: 200 });
    expect(contenderGoalMet(byMetric('getData round trip mean'), 'ts', 'java')).toBe(false);
    expect(contenderGoalMet(byMetric('getData round trip p50'), 'ts', 'java')).toBe(true);
  });

  it('says why a client cannot do a workload, in every row of that workload, and gives no ratio', () => {
    for (const metric of ['multis/s', 'client CPU µs per multi']) {
      const row = byMetric(metric);
      expect(row.cells.native).toEqual({ unavailable: 'no multi' });
      expect(contenderRatio(row, 'ts', 'native')).toBeUndefined();
    }
    expect(byMetric('multis/s').cells.nzc).toMatchObject({ median: 250 });
    expect(contenderRatio(byMetric('multis/s'), 'ts', 'java')).toBe(2);
  });

  it('leaves a contender out of a row it has no runs for', () => {
    expect(byMetric('reads/s').cells).toEqual({});
    expect(byMetric('getData round trip mean').cells.native).toBeUndefined();
  });

  it('leaves out CPU waits where the platform does not report them', () => {
    expect(byMetric('waiting for a CPU µs per create').cells.ts).toBeUndefined();
    const withWaits = clientTableRows([run({ contender: 'ts', cpuWaitMs: 250 })]);
    expect(withWaits.find((row) => row.metric === 'waiting for a CPU µs per create')?.cells.ts).toMatchObject(
      {
        median: 50,
      },
    );
  });

  it('ends with the heap growth of each Node client, ours against its absolute goal', () => {
    const growth = rows[rows.length - 1]!;
    expect(growth.metric).toBe('heap growth MB, 100k fired watches');
    expect(growth.cells).toEqual({
      ts: { median: 1.25, min: 1.25, max: 1.25 },
      native: { median: 84, min: 84, max: 84 },
    });
    expect(contenderGoalMet(growth, 'ts', 'java')).toBe(true);
  });

  it('has no heap row without heap runs', () => {
    expect(clientTableRows(runs).some((row) => row.metric.startsWith('heap'))).toBe(false);
  });
});

describe('heap samples', () => {
  it('measures growth from the first sample to the last', () => {
    expect(heapGrowthMb(heap)).toBe(1.25);
  });

  it('lists every sample and the registrations left', () => {
    expect(formatHeapSamples(heap)).toBe(
      'ours: heap used after GC (MB): 6.00 at 0 → 6.50 at 50k → 7.25 at 100k fired; RSS 60.0 → 61.0 → 62.0 MB; ' +
        'watches left registered: 0 (must be 0)',
    );
  });

  it('says so when the client does not report its registrations', () => {
    expect(formatHeapSamples({ ...heap, contender: 'nzc', watchCount: null })).toMatch(
      /^node-zookeeper-client: .*watches left registered: not reported by the client$/,
    );
  });
});

describe('opsPerSecond', () => {
  it('divides operations by elapsed seconds', () => {
    expect(opsPerSecond(run({ ops: 5000, elapsedMs: 1250 }))).toBe(4000);
  });
});

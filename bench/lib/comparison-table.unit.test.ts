import { describe, expect, it } from 'vitest';
import {
  formatComparisonTable,
  formatNumber,
  formatSpread,
  goalMet,
  rangesOverlap,
  ratio,
  type ComparisonRow,
} from './comparison-table.ts';

const creates: ComparisonRow = {
  metric: 'creates/s',
  subject: { median: 4123, min: 3900, max: 4400 },
  baseline: { median: 3950, min: 3700, max: 4100 },
  better: 'higher',
  ratioGoal: 1,
};

describe('formatComparisonTable', () => {
  it('lines up our client, the reference, their ratio and the goal', () => {
    const latency: ComparisonRow = {
      metric: 'getData mean µs',
      subject: { median: 250, min: 240, max: 270 },
      baseline: { median: 200, min: 190, max: 230 },
      better: 'lower',
      ratioGoal: 1.1,
    };
    const heap: ComparisonRow = {
      metric: 'heap growth MB',
      subject: { median: 1.5, min: 1.5, max: 1.5 },
      better: 'lower',
      valueGoal: 10,
    };
    expect(formatComparisonTable({ subject: 'TS', baseline: 'Java', rows: [creates, latency, heap] })).toBe(
      [
        'METRIC           TS                JAVA              TS/JAVA  GOAL',
        'creates/s        4123 (3900–4400)  3950 (3700–4100)  1.04     ≥ 1.00 ok',
        'getData mean µs  250 (240–270)     200 (190–230)     1.25     ≤ 1.10 MISSED',
        'heap growth MB   1.50              —                 —        < 10 ok',
      ].join('\n'),
    );
  });

  it('leaves the goal cell empty for informational rows', () => {
    const cpu: ComparisonRow = { ...creates, metric: 'CPU µs/create', ratioGoal: undefined };
    expect(formatComparisonTable({ subject: 'TS', baseline: 'Java', rows: [cpu] }).split('\n')[1]).toBe(
      'CPU µs/create  4123 (3900–4400)  3950 (3700–4100)  1.04',
    );
  });
});

describe('ratio and goals', () => {
  it('divides the subject median by the baseline median', () => {
    expect(ratio(creates)).toBeCloseTo(4123 / 3950);
  });

  it('has no ratio without a baseline or with a zero baseline', () => {
    expect(ratio({ ...creates, baseline: undefined })).toBeUndefined();
    expect(ratio({ ...creates, baseline: { median: 0, min: 0, max: 0 } })).toBeUndefined();
  });

  it('reads a ratio goal as a floor when higher is better and a ceiling when lower is', () => {
    expect(goalMet(creates)).toBe(true);
    expect(goalMet({ ...creates, better: 'lower', ratioGoal: 1.1 })).toBe(true);
    expect(goalMet({ ...creates, better: 'lower', ratioGoal: 1.0 })).toBe(false);
  });

  it('reads a value goal as a strict bound on the subject', () => {
    const heap: ComparisonRow = { metric: 'heap', better: 'lower', valueGoal: 10 };
    expect(goalMet({ ...heap, subject: { median: 9.9, min: 9.9, max: 9.9 } })).toBe(true);
    expect(goalMet({ ...heap, subject: { median: 10, min: 10, max: 10 } })).toBe(false);
  });
});

describe('rangesOverlap', () => {
  it('tells a miss that may be noise from a clear one', () => {
    const slower: ComparisonRow = {
      ...creates,
      subject: { median: 3000, min: 2900, max: 3100 },
      baseline: { median: 4000, min: 3800, max: 4200 },
    };
    expect(rangesOverlap(slower)).toBe(false);
    expect(rangesOverlap({ ...slower, subject: { median: 3000, min: 2900, max: 3800 } })).toBe(true);
    const line = (row: ComparisonRow) =>
      formatComparisonTable({ subject: 'TS', baseline: 'Java', rows: [row] }).split('\n')[1];
    expect(line(slower)).toMatch(/ ≥ 1\.00 MISSED$/);
    expect(line({ ...slower, subject: { median: 3000, min: 2900, max: 3800 } })).toMatch(
      / ≥ 1\.00 MISSED \(ranges overlap\)$/,
    );
  });
});

describe('number formatting', () => {
  it('keeps about three significant figures', () => {
    expect([4123.4, 215.26, 12.345, 1.2345, 0.5, 3].map(formatNumber)).toEqual([
      '4123',
      '215',
      '12.3',
      '1.23',
      '0.50',
      '3.00',
    ]);
  });

  it('drops the range when all runs agree after rounding', () => {
    expect(formatSpread({ median: 10.01, min: 10.0, max: 10.04 })).toBe('10.0');
    expect(formatSpread({ median: 3950, min: 3700, max: 4100 })).toBe('3950 (3700–4100)');
  });
});

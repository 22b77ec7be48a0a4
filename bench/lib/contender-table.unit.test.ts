import { describe, expect, it } from 'vitest';
import {
  comparisonAgainst,
  contenderGoalMet,
  contenderRatio,
  formatContenderTable,
  isUnavailable,
  type ContenderRow,
  type ContenderTable,
} from './contender-table.ts';

const contenders = [
  { key: 'ts', label: 'ours' },
  { key: 'java', label: 'Java' },
  { key: 'native', label: 'zookeeper' },
];

const creates: ContenderRow = {
  metric: 'creates/s',
  cells: {
    ts: { median: 4000, min: 3900, max: 4400 },
    java: { median: 3200, min: 3000, max: 3500 },
    native: { median: 2000, min: 2000, max: 2000 },
  },
  better: 'higher',
  ratioGoal: 1,
};

const multis: ContenderRow = {
  metric: 'multis/s',
  cells: {
    ts: { median: 900, min: 850, max: 950 },
    java: { median: 1000, min: 900, max: 1100 },
    native: { unavailable: 'no multi' },
  },
  better: 'higher',
};

const heap: ContenderRow = {
  metric: 'heap growth MB',
  cells: { ts: { median: 1.5, min: 1.5, max: 1.5 }, native: { median: -0.5, min: -0.5, max: -0.5 } },
  better: 'lower',
  valueGoal: 10,
  ratios: false,
};

const table: ContenderTable = {
  contenders,
  subject: 'ts',
  goalBaseline: 'java',
  rows: [creates, multis, heap],
};

describe('formatContenderTable', () => {
  const lines = formatContenderTable(table).split('\n');

  it('has a column per contender, a ratio of ours to each other one, and the goal against the reference', () => {
    expect(lines[0]!.split(/\s{2,}/)).toEqual([
      'METRIC',
      'OURS',
      'JAVA',
      'ZOOKEEPER',
      'OURS/JAVA',
      'OURS/ZOOKEEPER',
      'GOAL (OURS/JAVA)',
    ]);
    expect(lines[1]!.split(/\s{2,}/)).toEqual([
      'creates/s',
      '4000 (3900–4400)',
      '3200 (3000–3500)',
      '2000',
      '1.25',
      '2.00',
      '≥ 1.00 ok',
    ]);
  });

  it('says n/a and why for a contender that cannot do the workload, and n/a for its ratio', () => {
    expect(lines[2]!.split(/\s{2,}/)).toEqual([
      'multis/s',
      '900 (850–950)',
      '1000 (900–1100)',
      'n/a: no multi',
      '0.90',
      'n/a',
    ]);
  });

  it('marks contenders that were not measured with a dash, and checks an absolute goal on ours', () => {
    expect(lines[3]!.split(/\s{2,}/)).toEqual(['heap growth MB', '1.50', '—', '-0.50', '—', '—', '< 10 ok']);
  });

  it('lines the columns up', () => {
    const goalColumn = lines[0]!.indexOf('GOAL');
    expect(lines[1]!.indexOf('≥ 1.00 ok')).toBe(goalColumn);
  });

  it('refuses a subject or goal baseline that is not among the contenders', () => {
    expect(() => formatContenderTable({ ...table, goalBaseline: 'curator' })).toThrow(
      /no contender "curator"/,
    );
  });
});

describe('ratios and goals', () => {
  it('divide our median by the other contender’s', () => {
    expect(contenderRatio(creates, 'ts', 'java')).toBe(1.25);
    expect(contenderRatio(creates, 'ts', 'native')).toBe(2);
  });

  it('have no value where either side cannot do the workload or was not measured', () => {
    expect(contenderRatio(multis, 'ts', 'native')).toBeUndefined();
    expect(contenderRatio(heap, 'ts', 'java')).toBeUndefined();
  });

  it('have no value in a row that asks for none, however its cells read', () => {
    expect(contenderRatio(heap, 'ts', 'native')).toBeUndefined();
    expect(contenderRatio({ ...heap, ratios: true }, 'ts', 'native')).toBe(-3);
  });

  it('judge goals against the reference only', () => {
    expect(contenderGoalMet(creates, 'ts', 'java')).toBe(true);
    expect(contenderGoalMet({ ...creates, ratioGoal: 1.5 }, 'ts', 'java')).toBe(false);
    expect(contenderGoalMet(multis, 'ts', 'java')).toBeUndefined();
  });

  it('treat an unavailable cell as no measurement in a two-contender comparison', () => {
    const pair = comparisonAgainst(multis, 'ts', 'native');
    expect(pair.subject).toEqual({ median: 900, min: 850, max: 950 });
    expect(pair.baseline).toBeUndefined();
    expect(isUnavailable(multis.cells.native)).toBe(true);
    expect(isUnavailable(multis.cells.ts)).toBe(false);
  });
});

import { formatTable } from '../../shared/src/cli/table.ts';
import { formatGoal, formatSpread, goalMet, ratio, type ComparisonRow } from './comparison-table.ts';
import type { Spread } from './stats.ts';

/** A contender that cannot do a row's workload at all: the table says why instead of a number. */
export interface Unavailable {
  /** "no multi" */
  unavailable: string;
}

export type ContenderCell = Spread | Unavailable;

/**
 * One line of a table with several contenders: our implementation (the subject) against each of
 * the others, the ratio being subject / that contender. Goals, if any, are against one of them.
 */
export interface ContenderRow {
  metric: string;
  /** by contender key; a contender with no cell was not measured for this row */
  cells: Partial<Record<string, ContenderCell>>;
  better: 'higher' | 'lower';
  /** the ratio subject / goal baseline to reach (see ComparisonRow) */
  ratioGoal?: number;
  /** a bound on the subject's own median, for rows only the subject runs */
  valueGoal?: number;
  /**
   * false for amounts that can be near zero or negative (heap growth), where a ratio says nothing:
   * 0.2 MB against −0.1 MB is noise either way, not "−2×"
   */
  ratios?: boolean;
}

export interface ContenderTable {
  /** every contender in column order, the subject first */
  contenders: readonly { key: string; label: string }[];
  subject: string;
  /** the contender goals are set against (the reference implementation) */
  goalBaseline: string;
  rows: readonly ContenderRow[];
}

export function isUnavailable(cell: ContenderCell | undefined): cell is Unavailable {
  return cell !== undefined && 'unavailable' in cell;
}

/**
 *   METRIC     OURS  JAVA  ZOOKEEPER      OURS/JAVA  OURS/ZOOKEEPER  GOAL (OURS/JAVA)
 *   multis/s   812   790   n/a: no multi  1.03       n/a             ≥ 1.00 ok
 *
 * A contender that cannot do the workload reads "n/a: <why>" and its ratio "n/a"; one that was
 * not measured reads "—".
 */
export function formatContenderTable(table: ContenderTable): string {
  const subject = labelOf(table, table.subject);
  const others = table.contenders.filter((contender) => contender.key !== table.subject);
  const headers = [
    'metric',
    subject,
    ...others.map((contender) => contender.label),
    ...others.map((contender) => `${subject}/${contender.label}`),
    `goal (${subject}/${labelOf(table, table.goalBaseline)})`,
  ];
  const rows = table.rows.map((row) => [
    row.metric,
    formatCell(row.cells[table.subject]),
    ...others.map((contender) => formatCell(row.cells[contender.key])),
    ...others.map((contender) => formatRatio(row, table.subject, contender.key)),
    formatGoal(comparisonAgainst(row, table.subject, table.goalBaseline)),
  ]);
  return formatTable(headers, rows);
}

/** The row as a two-contender comparison, subject against `baseline`, for goals and ratios. */
export function comparisonAgainst(row: ContenderRow, subject: string, baseline: string): ComparisonRow {
  const measured = (cell: ContenderCell | undefined) => (isUnavailable(cell) ? undefined : cell);
  return {
    metric: row.metric,
    subject: measured(row.cells[subject]),
    baseline: measured(row.cells[baseline]),
    better: row.better,
    ...(row.ratioGoal !== undefined && { ratioGoal: row.ratioGoal }),
    ...(row.valueGoal !== undefined && { valueGoal: row.valueGoal }),
  };
}

/** subject / other of the medians; undefined when either is missing, unavailable, or other is 0. */
export function contenderRatio(row: ContenderRow, subject: string, other: string): number | undefined {
  if (row.ratios === false) return undefined;
  return ratio(comparisonAgainst(row, subject, other));
}

export function contenderGoalMet(row: ContenderRow, subject: string, baseline: string): boolean | undefined {
  return goalMet(comparisonAgainst(row, subject, baseline));
}

function formatCell(cell: ContenderCell | undefined): string {
  if (cell === undefined) return '—';
  return isUnavailable(cell) ? `n/a: ${cell.unavailable}` : formatSpread(cell);
}

function formatRatio(row: ContenderRow, subject: string, other: string): string {
  if (isUnavailable(row.cells[subject]) || isUnavailable(row.cells[other])) return 'n/a';
  const value = contenderRatio(row, subject, other);
  return value === undefined ? '—' : value.toFixed(2);
}

function labelOf(table: ContenderTable, key: string): string {
  const found = table.contenders.find((contender) => contender.key === key);
  if (!found)
    throw new RangeError(`no contender "${key}" among ${table.contenders.map((c) => c.key).join(', ')}`);
  return found.label;
}

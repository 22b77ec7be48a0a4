import { formatTable } from '../../shared/src/cli/table.ts';
import type { Spread } from './stats.ts';

/**
 * One line of a "ours against the reference" table. The subject is our implementation, the
 * baseline the reference one (the Java client, Curator); the ratio is subject / baseline.
 */
export interface ComparisonRow {
  metric: string;
  subject?: Spread | undefined;
  baseline?: Spread | undefined;
  /** throughput is better higher, latency and memory lower; decides how goals read */
  better: 'higher' | 'lower';
  /** the ratio to reach: at least this when higher is better, at most this when lower is */
  ratioGoal?: number;
  /** a bound on the subject's own median, for rows without a baseline (strict: "< 10 MB") */
  valueGoal?: number;
}

export interface ComparisonTable {
  subject: string;
  baseline: string;
  rows: readonly ComparisonRow[];
}

/**
 *   METRIC     TS                JAVA              TS/JAVA  GOAL
 *   creates/s  4123 (3900–4400)  3950 (3700–4100)  1.04     ≥ 1.00 ok
 */
export function formatComparisonTable(table: ComparisonTable): string {
  const headers = ['metric', table.subject, table.baseline, `${table.subject}/${table.baseline}`, 'goal'];
  const rows = table.rows.map((row) => {
    const ratioValue = ratio(row);
    return [
      row.metric,
      row.subject ? formatSpread(row.subject) : '—',
      row.baseline ? formatSpread(row.baseline) : '—',
      ratioValue === undefined ? '—' : ratioValue.toFixed(2),
      formatGoal(row, ratioValue),
    ];
  });
  return formatTable(headers, rows);
}

/** subject / baseline of the medians; undefined when either is missing or the baseline is 0. */
export function ratio(row: ComparisonRow): number | undefined {
  if (!row.subject || !row.baseline || row.baseline.median === 0) return undefined;
  return row.subject.median / row.baseline.median;
}

/** Did the row reach its goal? undefined when it has none, or lacks the numbers to tell. */
export function goalMet(row: ComparisonRow): boolean | undefined {
  if (row.ratioGoal !== undefined) {
    const value = ratio(row);
    if (value === undefined) return undefined;
    return row.better === 'higher' ? value >= row.ratioGoal : value <= row.ratioGoal;
  }
  if (row.valueGoal !== undefined && row.subject) {
    return row.better === 'higher' ? row.subject.median > row.valueGoal : row.subject.median < row.valueGoal;
  }
  return undefined;
}

/** "≥ 1.00 ok", "≤ 1.10 MISSED (ranges overlap)", "< 10", or '' for a row without a goal. */
export function formatGoal(row: ComparisonRow, ratioValue: number | undefined = ratio(row)): string {
  let text: string;
  if (row.ratioGoal !== undefined) {
    text = `${row.better === 'higher' ? '≥' : '≤'} ${row.ratioGoal.toFixed(2)}`;
  } else if (row.valueGoal !== undefined) {
    text = `${row.better === 'higher' ? '>' : '<'} ${row.valueGoal}`;
  } else return '';
  const met = goalMet(row);
  if (met === undefined || (row.ratioGoal !== undefined && ratioValue === undefined)) return text;
  if (met) return `${text} ok`;
  // On a busy machine one slow run moves a median; overlapping ranges say the miss may be noise.
  return row.ratioGoal !== undefined && rangesOverlap(row)
    ? `${text} MISSED (ranges overlap)`
    : `${text} MISSED`;
}

/** Do the subject's and the baseline's min–max ranges overlap? */
export function rangesOverlap(row: ComparisonRow): boolean {
  if (!row.subject || !row.baseline) return false;
  return row.subject.min <= row.baseline.max && row.baseline.min <= row.subject.max;
}

/** "4123 (3900–4400)", or just "4123" when every run gave the same number (or there was one run). */
export function formatSpread(value: Spread): string {
  const middle = formatNumber(value.median);
  const low = formatNumber(value.min);
  const high = formatNumber(value.max);
  return low === high ? middle : `${middle} (${low}–${high})`;
}

/** About three significant figures, whole numbers from 100 up: 4123, 215, 12.3, 1.23. */
export function formatNumber(value: number): string {
  const magnitude = Math.abs(value);
  if (magnitude >= 100) return value.toFixed(0);
  if (magnitude >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

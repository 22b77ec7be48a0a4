/** The summary every benchmark number is reported with: the median of several runs and their spread. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

export function mean(values: readonly number[]): number {
  requireValues(values, 'mean');
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

/** The middle value; for an even count, the mean of the two middle values. */
export function median(values: readonly number[]): number {
  const sorted = sortedCopy(values, 'median');
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Nearest-rank percentile: the smallest sample with at least p % of the samples at or below it, so
 * the result is always a latency that was actually observed (p99 of 2,000 samples is the 1,980th).
 */
export function percentile(values: readonly number[], p: number): number {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  const sorted = sortedCopy(values, `p${p}`);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[rank - 1]!;
}

export function spread(values: readonly number[]): Spread {
  const sorted = sortedCopy(values, 'spread');
  return { median: median(sorted), min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

function sortedCopy(values: readonly number[], what: string): number[] {
  requireValues(values, what);
  return [...values].sort((a, b) => a - b);
}

function requireValues(values: readonly number[], what: string): void {
  if (values.length === 0) throw new RangeError(`${what} of no values`);
}

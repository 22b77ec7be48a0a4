/**
 * One stretch of time a collector worked one source: from taking it up to putting it down. `end`
 * is undefined while it still works it. `claimZxid` is the czxid of the claim node it held — the
 * fencing token a log sink would check to refuse a collector that lost the source without noticing.
 */
export interface WorkInterval {
  source: string;
  collector: string;
  /** ms since the epoch (Date.now of the collector's machine) */
  start: number;
  end?: number;
  claimZxid: string;
  /** why it stopped: released (reassigned), suspended, lost, closed */
  endReason?: string;
}

/** The collector's own record of what it worked and when: its report, read by tests and the page. */
export class WorkLog {
  private readonly intervals: WorkInterval[] = [];
  private readonly open = new Map<string, WorkInterval>();

  constructor(
    private readonly collector: string,
    private readonly limit = 10_000,
  ) {}

  begin(source: string, claimZxid: bigint): void {
    if (this.open.has(source)) return;
    const interval: WorkInterval = {
      source,
      collector: this.collector,
      start: Date.now(),
      claimZxid: claimZxid.toString(),
    };
    this.open.set(source, interval);
    this.intervals.push(interval);
    if (this.intervals.length > this.limit) this.intervals.splice(0, this.intervals.length - this.limit);
  }

  finish(source: string, reason: string): void {
    const interval = this.open.get(source);
    if (!interval) return;
    interval.end = Date.now();
    interval.endReason = reason;
    this.open.delete(source);
  }

  isWorking(source: string): boolean {
    return this.open.has(source);
  }

  get working(): string[] {
    return [...this.open.keys()].sort();
  }

  /** Every interval, oldest first (copies). */
  report(): WorkInterval[] {
    return this.intervals.map((interval) => ({ ...interval }));
  }
}

/** Two collectors that worked one source at the same time, by their own reports. */
export interface WorkOverlap {
  source: string;
  first: WorkInterval;
  second: WorkInterval;
}

/**
 * The pattern's safety invariant, checked on the collectors' own reports: no source is worked by
 * two collectors at once. Intervals are half-open [start, end): a hand-over in the same millisecond
 * is not an overlap, because the new owner can only take the claim after the old one deleted it.
 * `now` closes intervals still open (a killed collector's end is the moment it was killed: pass
 * its intervals already closed at that time).
 */
export function findOverlaps(intervals: readonly WorkInterval[], now = Date.now()): WorkOverlap[] {
  const bySource = new Map<string, WorkInterval[]>();
  for (const interval of intervals) {
    const list = bySource.get(interval.source) ?? [];
    list.push(interval);
    bySource.set(interval.source, list);
  }
  const overlaps: WorkOverlap[] = [];
  for (const [source, list] of bySource) {
    list.sort((a, b) => a.start - b.start);
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const first = list[i]!;
        const second = list[j]!;
        if (second.start >= (first.end ?? now)) break;
        if (first.collector !== second.collector) overlaps.push({ source, first, second });
      }
    }
  }
  return overlaps;
}

/**
 * The longest stretch each source went unworked between `from` and `to`, by the collectors' reports:
 * the liveness half of the invariant (a source is never left alone for long).
 */
export function longestGaps(
  intervals: readonly WorkInterval[],
  sources: readonly string[],
  from: number,
  to: number,
): Map<string, { gapMs: number; at: number }> {
  const gaps = new Map<string, { gapMs: number; at: number }>();
  for (const source of sources) {
    const list = intervals
      .filter((interval) => interval.source === source && (interval.end ?? to) > from && interval.start < to)
      .sort((a, b) => a.start - b.start);
    let coveredUntil = from;
    let longest = { gapMs: 0, at: from };
    for (const interval of list) {
      if (interval.start > coveredUntil && interval.start - coveredUntil > longest.gapMs)
        longest = { gapMs: interval.start - coveredUntil, at: coveredUntil };
      coveredUntil = Math.max(coveredUntil, interval.end ?? to);
    }
    if (to > coveredUntil && to - coveredUntil > longest.gapMs)
      longest = { gapMs: to - coveredUntil, at: coveredUntil };
    gaps.set(source, longest);
  }
  return gaps;
}

import { describe, expect, it } from 'vitest';
import { findOverlaps, longestGaps, type WorkInterval } from '../src/index.ts';

const work = (collector: string, source: string, start: number, end?: number): WorkInterval => ({
  collector,
  source,
  start,
  ...(end !== undefined && { end }),
  claimZxid: '1',
});

describe('the invariant on collectors’ reports', () => {
  it('a hand-over where the next starts when (or after) the last stopped is no overlap', () => {
    expect(findOverlaps([work('a', 's1', 0, 10), work('b', 's1', 10, 20), work('a', 's1', 25)], 30)).toEqual(
      [],
    );
  });

  it('finds two collectors on one source at once, an open interval counting up to now', () => {
    const overlaps = findOverlaps([work('a', 's1', 0), work('b', 's2', 0, 5), work('b', 's1', 40, 50)], 100);
    expect(overlaps).toHaveLength(1);
    expect(overlaps[0]).toMatchObject({
      source: 's1',
      first: { collector: 'a' },
      second: { collector: 'b' },
    });
  });

  it('measures the longest unworked stretch per source, including one still going at the end', () => {
    const gaps = longestGaps(
      [work('a', 's1', 0, 10), work('b', 's1', 14, 50), work('a', 's2', 0, 30)],
      ['s1', 's2', 's3'],
      0,
      100,
    );
    expect(gaps.get('s1')).toEqual({ gapMs: 50, at: 50 });
    expect(gaps.get('s2')).toEqual({ gapMs: 70, at: 30 });
    expect(gaps.get('s3')).toEqual({ gapMs: 100, at: 0 });
  });
});

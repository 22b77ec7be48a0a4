import { describe, expect, it } from 'vitest';
import { mean, median, percentile, spread } from './stats.ts';

describe('median', () => {
  it('is the middle value of an odd count, whatever the order', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([5])).toBe(5);
  });

  it('is the mean of the two middle values of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('does not reorder the caller’s array', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });

  it('refuses an empty list rather than returning NaN', () => {
    expect(() => median([])).toThrow(/median of no values/);
  });
});

describe('percentile (nearest rank)', () => {
  const oneToHundred = Array.from({ length: 100 }, (_, index) => index + 1);

  it('returns an observed sample', () => {
    expect(percentile(oneToHundred, 50)).toBe(50);
    expect(percentile(oneToHundred, 99)).toBe(99);
    expect(percentile(oneToHundred, 100)).toBe(100);
    expect(percentile([1.5, 2.5], 75)).toBe(2.5);
  });

  it('gives p99 of 2,000 samples as the 1,980th smallest', () => {
    const samples = Array.from({ length: 2000 }, (_, index) => 2000 - index);
    expect(percentile(samples, 99)).toBe(1980);
  });

  it('is the single sample of a one-sample list for any p', () => {
    expect(percentile([7], 1)).toBe(7);
    expect(percentile([7], 99)).toBe(7);
  });

  it('rejects p outside (0, 100]', () => {
    expect(() => percentile([1], 0)).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });
});

describe('mean and spread', () => {
  it('averages', () => {
    expect(mean([1, 2, 3, 6])).toBe(3);
  });

  it('summarises runs as median, min and max', () => {
    expect(spread([4400, 3900, 4123])).toEqual({ median: 4123, min: 3900, max: 4400 });
  });
});

import { describe, expect, it } from 'vitest';
import { ReconnectBackoff } from './reconnect-backoff.ts';

/** The pauses owed after each of `failures` failures in a row. */
function pausesAfter(backoff: ReconnectBackoff, failures: number): number[] {
  const pauses: number[] = [];
  for (let i = 0; i < failures; i++) {
    backoff.recordFailure();
    pauses.push(backoff.takeDelay());
  }
  return pauses;
}

describe('ReconnectBackoff', () => {
  it('tries every server of a round back to back, then pauses, doubling up to 1 s plus jitter', () => {
    const noJitter = new ReconnectBackoff(3, () => 0);
    expect(pausesAfter(noJitter, 18)).toEqual([
      0, 0, 50, 0, 0, 100, 0, 0, 200, 0, 0, 400, 0, 0, 800, 0, 0, 1000,
    ]);
    const fullJitter = new ReconnectBackoff(1, () => 0.999);
    expect(pausesAfter(fullJitter, 6)).toEqual([99, 199, 399, 799, 1599, 1999]);
  });

  it('jitter spreads clients that failed together', () => {
    const draws = [0.1, 0.9];
    const pauses = draws.map((draw) => pausesAfter(new ReconnectBackoff(1, () => draw), 3));
    expect(pauses[0]).toEqual([55, 110, 220]);
    expect(pauses[1]).toEqual([95, 190, 380]);
  });

  it('a connection that dies young is a failure; one that lasted starts afresh', () => {
    const backoff = new ReconnectBackoff(1, () => 0);
    pausesAfter(backoff, 3);
    backoff.recordConnectionEnd(ReconnectBackoff.STABLE_AFTER_MS - 1);
    expect(backoff.takeDelay()).toBe(400);
    backoff.recordConnectionEnd(ReconnectBackoff.STABLE_AFTER_MS);
    expect(backoff.takeDelay()).toBe(0);
    expect(pausesAfter(backoff, 1)).toEqual([50]);
  });

  it('a pause is owed once', () => {
    const backoff = new ReconnectBackoff(1, () => 0);
    backoff.recordFailure();
    expect(backoff.takeDelay()).toBe(50);
    expect(backoff.takeDelay()).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../src/gateway/circuit-breaker.ts';

function breakerWithClock(options: { failureThreshold?: number; openMs?: number } = {}) {
  let now = 1_000;
  const breaker = new CircuitBreaker({ ...options, now: () => now });
  return { breaker, advance: (ms: number) => (now += ms) };
}

describe('circuit breaker', () => {
  it('opens after the threshold of consecutive failures, not before', () => {
    const { breaker } = breakerWithClock({ failureThreshold: 3 });
    breaker.onFailure();
    breaker.onFailure();
    expect(breaker.state).toBe('closed');
    expect(breaker.available).toBe(true);
    breaker.onFailure();
    expect(breaker.state).toBe('open');
    expect(breaker.available).toBe(false);
    expect(breaker.timesOpened).toBe(1);
  });

  it('counts failures in a row only: a success in between starts again', () => {
    const { breaker } = breakerWithClock({ failureThreshold: 3 });
    breaker.onFailure();
    breaker.onFailure();
    breaker.onSuccess();
    breaker.onFailure();
    breaker.onFailure();
    expect(breaker.state).toBe('closed');
  });

  it('lets exactly one trial through once the open time has passed; its success closes the circuit', () => {
    const { breaker, advance } = breakerWithClock({ failureThreshold: 1, openMs: 5_000 });
    breaker.onFailure();
    advance(4_999);
    expect(breaker.available).toBe(false);
    advance(1);
    expect(breaker.available).toBe(true);
    breaker.onAttempt();
    expect(breaker.state).toBe('half-open');
    expect(breaker.available).toBe(false);
    breaker.onSuccess();
    expect(breaker.state).toBe('closed');
    expect(breaker.available).toBe(true);
  });

  it('opens again at once when the trial fails, for another full open time', () => {
    const { breaker, advance } = breakerWithClock({ failureThreshold: 2, openMs: 1_000 });
    breaker.onFailure();
    breaker.onFailure();
    advance(1_000);
    breaker.onAttempt();
    breaker.onFailure();
    expect(breaker.state).toBe('open');
    expect(breaker.timesOpened).toBe(2);
    advance(999);
    expect(breaker.available).toBe(false);
    advance(1);
    expect(breaker.available).toBe(true);
  });
});

import { setTimeout as sleep } from 'node:timers/promises';
import { EnsembleTimeoutError } from './errors.ts';

/** What one look at the world found: done (with a value), or not yet (with what was seen instead). */
export type Probe<T> =
  { readonly done: true; readonly value: T } | { readonly done: false; readonly observed: string };

export interface WaitOptions {
  timeoutMs: number;
  /** Pause between probes; the probe's own duration (a 4lw round trip) comes on top. */
  intervalMs?: number;
  signal?: AbortSignal;
}

/**
 * Polls `probe` until it reports done or the deadline passes. Conditions are polled rather than
 * slept on because how long an election or a JVM start takes varies with machine load; the error
 * carries the last observation, which is usually all one needs to see what went wrong.
 * A probe that throws ends the wait at once (a member that crashed will not come back by waiting).
 */
export async function waitUntil<T>(
  waitingFor: string,
  probe: () => Promise<Probe<T>>,
  { timeoutMs, intervalMs = 50, signal }: WaitOptions,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastObserved = 'nothing yet';
  while (true) {
    signal?.throwIfAborted();
    const result = await probe();
    if (result.done) return result.value;
    lastObserved = result.observed;
    if (Date.now() >= deadline) throw new EnsembleTimeoutError(waitingFor, timeoutMs, lastObserved);
    await sleep(intervalMs, undefined, signal ? { signal } : undefined);
  }
}

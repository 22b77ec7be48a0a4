import { setTimeout as sleep } from 'node:timers/promises';
import { CheckFailure } from './check-report.ts';

/**
 * Polls `probe` until it returns a value other than undefined, or fails the check with `hint` and
 * the last thing the probe saw. Checkers wait on conditions this way, never on fixed sleeps.
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  options: {
    timeoutMs: number;
    hint: (lastSeen: string) => string;
    describe?: () => Promise<string> | string;
  },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) {
      const seen = options.describe ? await options.describe() : 'nothing';
      throw new CheckFailure(options.hint(seen));
    }
    await sleep(25);
  }
}

/**
 * Settles like `promise`, or fails the check with `hint` if it has not settled after `timeoutMs`. A
 * hint given as a function is computed at the deadline, so it can describe the tree as it is then.
 */
export async function withDeadline<T>(
  promise: Promise<T>,
  timeoutMs: number,
  hint: string | (() => Promise<string>),
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const message = typeof hint === 'string' ? Promise.resolve(hint) : hint();
      message.then(
        (text) => reject(new CheckFailure(text)),
        (error: unknown) =>
          reject(new CheckFailure(`(and describing it failed: ${(error as Error).message})`)),
      );
    }, timeoutMs);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Whether `promise` is still pending after `windowMs`. Used only to assert that something must NOT
 * have happened yet (a barrier that lets a member through early): no wait can prove a negative, so
 * a fixed observation window is the honest tool, and the positive half is then awaited with a deadline.
 */
export async function stillPendingAfter(promise: Promise<unknown>, windowMs: number): Promise<boolean> {
  const pending = Symbol('pending');
  const winner = await Promise.race([
    promise.then(
      () => undefined,
      () => undefined,
    ),
    sleep(windowMs, pending),
  ]);
  return winner === pending;
}

import { setMaxListeners } from 'node:events';
import { RecipeError } from './errors.ts';

/**
 * A signal that never fires, shared by every wait that has no deadline: creating an AbortController
 * per call showed up in profiles. Waits remove their listeners when they end, so sharing it is safe.
 */
export const NEVER_ABORTED: AbortSignal = new AbortController().signal;
setMaxListeners(0, NEVER_ABORTED);

/**
 * One signal for "stop waiting": the caller's AbortSignal, or the timeout, whichever comes first.
 * Recipes pass `deadline.signal` to every wait and turn its reason into a RecipeError.
 */
export class Deadline {
  readonly signal: AbortSignal;
  private readonly expiresAt: number;

  constructor(
    private readonly recipe: string,
    private readonly path: string,
    readonly timeoutMs: number | undefined,
    userSignal?: AbortSignal,
  ) {
    if (timeoutMs !== undefined && (!Number.isFinite(timeoutMs) || timeoutMs < 0)) {
      throw new RecipeError(
        'BAD_ARGUMENT',
        recipe,
        path,
        `timeoutMs must be a non-negative number, got ${timeoutMs}`,
      );
    }
    this.expiresAt = timeoutMs === undefined ? Infinity : Date.now() + timeoutMs;
    const signals: AbortSignal[] = [];
    if (userSignal) signals.push(userSignal);
    if (timeoutMs !== undefined && timeoutMs > 0) signals.push(AbortSignal.timeout(timeoutMs));
    if (signals.length === 0) this.signal = NEVER_ABORTED;
    else this.signal = signals.length === 1 ? signals[0]! : AbortSignal.any(signals);
  }

  remainingMs(): number {
    return Math.max(0, this.expiresAt - Date.now());
  }

  /** The error to throw once the signal has fired: TIMEOUT or ABORTED, naming the recipe and path. */
  error(): RecipeError {
    const reason: unknown = this.signal.reason;
    if (reason instanceof DOMException && reason.name === 'TimeoutError') {
      return new RecipeError('TIMEOUT', this.recipe, this.path, `not done within ${this.timeoutMs} ms`);
    }
    return new RecipeError('ABORTED', this.recipe, this.path, 'aborted by the caller', { cause: reason });
  }

  throwIfDone(): void {
    if (this.signal.aborted) throw this.error();
  }
}

/** Resolves after `ms`, or rejects with the signal's reason when it fires first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

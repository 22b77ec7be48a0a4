import { isConnectionLossClass, ZooKeeperError } from './errors.ts';

export interface RetryOptions {
  /** attempts after the first; default 5 */
  retries?: number;
  /** first back-off; default 100 ms */
  baseDelayMs?: number;
  /** back-off cap; default 5 s */
  maxDelayMs?: number;
  /** which errors to retry; default: connection-loss class only (see isConnectionLossClass) */
  isRetryable?: (error: unknown) => boolean;
  signal?: AbortSignal;
  /** called before each retry, e.g. to log */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

/**
 * Runs `operation` and retries it with exponential back-off and full jitter when it fails with a
 * connection-loss-class error (the outcome unknown, the session possibly alive).
 *
 * Only pass idempotent operations: reads, setData/delete with an explicit version, creates of fixed
 * (non-sequential) names where NODEEXISTS on retry is acceptable. A plain sequential create may run
 * twice; use a protected-name recipe for that instead. SESSIONEXPIRED is never retried: the
 * session's ephemerals and watches are gone and the caller must rebuild them.
 */
export async function withRetry<T>(
  operation: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const retries = options.retries ?? 5;
  const baseDelayMs = options.baseDelayMs ?? 100;
  const maxDelayMs = options.maxDelayMs ?? 5000;
  const isRetryable = options.isRetryable ?? isConnectionLossClass;
  if (!Number.isInteger(retries) || retries < 0)
    throw new RangeError(`retries must be a non-negative integer, got ${retries}`);
  for (let attempt = 0; ; attempt++) {
    options.signal?.throwIfAborted();
    try {
      return await operation(attempt);
    } catch (error) {
      if (attempt >= retries || !isRetryable(error)) throw error;
      const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** attempt);
      const delayMs = Math.floor(Math.random() * ceiling);
      options.onRetry?.(error, attempt + 1, delayMs);
      await delay(delayMs, options.signal);
    }
  }
}

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new ZooKeeperError('ABORTED', { operation: 'retry', cause: signal?.reason }));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

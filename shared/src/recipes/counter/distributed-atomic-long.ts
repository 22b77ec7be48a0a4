import type { ZooKeeperClient } from '../../client/index.ts';
import {
  DistributedAtomicNumber,
  type AtomicCallOptions,
  type AtomicResult,
  type AtomicRetryPolicy,
} from './atomic-number.ts';
import { int64 } from './number-codec.ts';

/**
 * A 64-bit counter in one znode, byte-compatible with Curator's DistributedAtomicLong: 8 bytes,
 * big-endian; a missing or empty node counts as 0. Every change is a compare-and-set on the node's
 * version, so concurrent clients — TypeScript or Curator — never lose an update.
 *
 * ```ts
 * const orders = new DistributedAtomicLong(client, '/counters/orders');
 * const result = await orders.increment();
 * if (result.succeeded) console.log(`order number ${result.postValue}`);
 * ```
 *
 * As in Curator, losing the race more often than the retry policy allows is not an error: check
 * `succeeded`. Unlike Curator, an update whose reply was lost is never re-applied blindly: it is
 * either proved not applied and retried, or the call rejects with RecipeError UNKNOWN_OUTCOME.
 * Also unlike Curator, compareAndSet(0, x) on a missing node succeeds (it reads as 0 everywhere).
 *
 * Values are bigints; number arguments are accepted when they are safe integers.
 */
export class DistributedAtomicLong extends DistributedAtomicNumber<bigint, bigint | number> {
  constructor(client: ZooKeeperClient, path: string, options: { retry?: AtomicRetryPolicy } = {}) {
    super(client, path, int64, 'DistributedAtomicLong', options.retry);
  }

  increment(options?: AtomicCallOptions): Promise<AtomicResult<bigint>> {
    return this.add(1n, options);
  }

  decrement(options?: AtomicCallOptions): Promise<AtomicResult<bigint>> {
    return this.add(-1n, options);
  }

  async subtract(delta: bigint | number, options?: AtomicCallOptions): Promise<AtomicResult<bigint>> {
    return this.add(-delta, options);
  }
}

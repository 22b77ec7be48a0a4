import type { ZooKeeperClient } from '../../client/index.ts';
import {
  DistributedAtomicNumber,
  type AtomicCallOptions,
  type AtomicResult,
  type AtomicRetryPolicy,
} from './atomic-number.ts';
import { int32 } from './number-codec.ts';

/**
 * A 32-bit counter in one znode, byte-compatible with Curator's DistributedAtomicInteger — and so
 * with SharedCount and Kazoo's Counter(support_curator=True) on the same node: 4 bytes, big-endian.
 * Same operations and guarantees as DistributedAtomicLong (see there).
 *
 * ```ts
 * const slots = new DistributedAtomicInteger(client, '/counters/slots');
 * await slots.initialize(10);
 * const taken = await slots.decrement();
 * ```
 */
export class DistributedAtomicInteger extends DistributedAtomicNumber<number> {
  constructor(client: ZooKeeperClient, path: string, options: { retry?: AtomicRetryPolicy } = {}) {
    super(client, path, int32, 'DistributedAtomicInteger', options.retry);
  }

  increment(options?: AtomicCallOptions): Promise<AtomicResult<number>> {
    return this.add(1, options);
  }

  decrement(options?: AtomicCallOptions): Promise<AtomicResult<number>> {
    return this.add(-1, options);
  }

  subtract(delta: number, options?: AtomicCallOptions): Promise<AtomicResult<number>> {
    return this.add(-delta, options);
  }
}

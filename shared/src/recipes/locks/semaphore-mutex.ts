import type { ZooKeeperClient } from '../../client/index.ts';
import { RecipeError } from '../core/errors.ts';
import type { Lease } from '../core/lease.ts';
import type { AcquireOptions } from './mutex.ts';
import { Semaphore, type SemaphoreOptions } from './semaphore.ts';

/**
 * A mutex that is NOT re-entrant, wire-compatible with Curator's InterProcessSemaphoreMutex: a
 * Semaphore with one lease (`<path>/locks/…`, `<path>/leases/_c_<uuid>-lease-<seq>`). Acquiring
 * again from the same object while holding waits for that hold to end (or times out), as in Curator.
 * Unlike Mutex its hold is not tied to a task or object: any code with the lease may release it.
 *
 * ```ts
 * const nightly = new SemaphoreMutex(client, '/locks/nightly-report');
 * const lease = await nightly.tryAcquire();
 * if (lease) {
 *   try {
 *     await buildReport({ signal: lease.signal });
 *   } finally {
 *     await lease.release();
 *   }
 * }
 * ```
 */
export class SemaphoreMutex {
  private readonly semaphore: Semaphore;
  private lease: Lease | undefined;

  constructor(client: ZooKeeperClient, path: string, options: SemaphoreOptions = {}) {
    this.semaphore = new Semaphore(client, path, 1, options);
  }

  get path(): string {
    return this.semaphore.path;
  }

  /** Waits for the lock. Rejects with RecipeError TIMEOUT / ABORTED, or a ZooKeeperError. */
  async acquire(options: AcquireOptions = {}): Promise<Lease> {
    return this.remember(await this.semaphore.acquire(options));
  }

  /** Takes the lock if it is free right now, without waiting; null otherwise. */
  async tryAcquire(): Promise<Lease | null> {
    const lease = await this.semaphore.tryAcquire();
    return lease && this.remember(lease);
  }

  /** Whether this object holds the lock right now. */
  get isHeld(): boolean {
    return this.lease?.isHeld === true;
  }

  /** Releases the lock held through this object. */
  async release(): Promise<void> {
    const lease = this.lease;
    if (!lease?.isHeld) {
      throw new RecipeError('NOT_HELD', 'SemaphoreMutex', this.path, 'release() without holding the lock');
    }
    await lease.release();
  }

  /** The holder's id (the lease node's data), and while it waits the acquirer at the gate. */
  participants(): Promise<string[]> {
    return this.semaphore.participants();
  }

  private remember(lease: Lease): Lease {
    this.lease = lease;
    lease.onEnd(() => {
      if (this.lease === lease) this.lease = undefined;
    });
    return lease;
  }
}

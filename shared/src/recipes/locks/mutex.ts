import type { ZooKeeperClient } from '../../client/index.ts';
import { validatePath } from '../../client/index.ts';
import { Deadline } from '../core/deadline.ts';
import { RecipeError } from '../core/errors.ts';
import { deleteGuaranteed } from '../core/guaranteed-delete.ts';
import { Lease } from '../core/lease.ts';
import {
  bindLeaseToConnection,
  validateConnectionPolicy,
  type ConnectionPolicy,
} from '../core/lease-connection.ts';
import { acquireLockNode, listContenders, standardDriver } from '../core/lock-internals.ts';
import { SerialQueue } from '../core/serial-queue.ts';
import { localAddress } from '../core/local-address.ts';
import { stripProtection } from '../core/protected-name.ts';

/** Curator's InterProcessMutex lock name; Kazoo's Lock uses "__lock__". */
export const MUTEX_LOCK_NAME = 'lock-';
const KAZOO_LOCK_NAME = '__lock__';

export type { ConnectionPolicy };

export interface MutexOptions {
  /** stored in the lock node (Curator stores the host address); shown by participants() */
  id?: string;
  connectionPolicy?: ConnectionPolicy;
}

export interface AcquireOptions {
  /** give up after this long (a RecipeError with code TIMEOUT); default: wait as long as it takes */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * A distributed, fair, re-entrant mutex, wire-compatible with Curator's InterProcessMutex: both
 * create `<path>/_c_<uuid>-lock-<seq>` ephemeral-sequential nodes and the lowest sequence holds.
 * Kazoo `Lock` nodes (`<uuid>__lock__<seq>`) count as contenders too, so a TypeScript mutex excludes
 * a Curator mutex and a Kazoo lock (created with extra_lock_patterns=("-lock-",)) on the same path.
 * Curator and Kazoo do not exclude each other (see docs/recipes/locks.md).
 *
 * ```ts
 * const mutex = new Mutex(client, '/locks/invoices');
 * const lease = await mutex.acquire({ timeoutMs: 5000 });
 * try {
 *   await store.write(data, { fencingToken: lease.fencingToken, signal: lease.signal });
 * } finally {
 *   await lease.release();
 * }
 * ```
 *
 * Re-entrant per Mutex object: acquiring again while holding returns the same lease and counts up;
 * the node is deleted when the count returns to zero. Waiters watch only their predecessor.
 */
export class Mutex {
  private lease: Lease | undefined;
  private holdCount = 0;
  /** serialises acquire and release on this object: one change of ownership at a time */
  private readonly queue = new SerialQueue();
  private readonly driver = standardDriver([MUTEX_LOCK_NAME, KAZOO_LOCK_NAME], 1);
  private readonly policy: ConnectionPolicy;

  constructor(
    private readonly client: ZooKeeperClient,
    readonly path: string,
    private readonly options: MutexOptions = {},
  ) {
    validatePath(path, { operation: 'Mutex' });
    this.policy = validateConnectionPolicy('Mutex', path, options.connectionPolicy);
  }

  /** Waits for the lock. Rejects with RecipeError TIMEOUT / ABORTED, or a ZooKeeperError. */
  acquire(options: AcquireOptions = {}): Promise<Lease> {
    return this.serialised(async () => (await this.acquireNow(options, false))!);
  }

  /** Takes the lock if nobody holds it, without waiting; null otherwise. */
  tryAcquire(): Promise<Lease | null> {
    return this.serialised(() => this.acquireNow({ timeoutMs: 0 }, true));
  }

  /** Whether this object holds the lock right now. */
  get isHeld(): boolean {
    return this.lease?.isHeld === true;
  }

  /** Releases one level of holding; the last release deletes the node. */
  release(): Promise<void> {
    return this.serialised(() => this.releaseNow());
  }

  /** Ids of all contenders, holder first (the node data: an id, or the host address). */
  async participants(): Promise<string[]> {
    const contenders = await listContenders(this.client, this.path, this.driver.contenderNames);
    return contenders.map((contender) => contender.data.toString('utf8'));
  }

  /** Contender node names without protection prefixes, holder first; for tools and tests. */
  async contenderNodes(): Promise<string[]> {
    const contenders = await listContenders(this.client, this.path, this.driver.contenderNames);
    return contenders.map((contender) => stripProtection(contender.name));
  }

  private async acquireNow(options: AcquireOptions, tryOnce: boolean): Promise<Lease | null> {
    if (this.lease?.isHeld) {
      this.holdCount++;
      return this.lease;
    }
    const deadline = new Deadline('Mutex', this.path, options.timeoutMs, options.signal);
    const node = await acquireLockNode({
      client: this.client,
      lockPath: this.path,
      nodeName: MUTEX_LOCK_NAME,
      data: this.options.id ?? localAddress(),
      driver: this.driver,
      deadline,
      tryOnce,
    });
    if (!node) return null;
    const lease = new Lease('Mutex', node.path, node.stat.czxid, node.stat.ephemeralOwner, () =>
      this.release(),
    );
    this.lease = lease;
    this.holdCount = 1;
    // After a connection drop (policy) or a lost session the lease ends, and this object forgets it.
    bindLeaseToConnection(this.client, lease, this.policy, () => {
      if (this.lease === lease) {
        this.lease = undefined;
        this.holdCount = 0;
      }
    });
    return lease;
  }

  private async releaseNow(): Promise<void> {
    const lease = this.lease;
    if (!lease?.isHeld) {
      throw new RecipeError('NOT_HELD', 'Mutex', this.path, 'release() without holding the lock');
    }
    if (--this.holdCount > 0) return;
    this.lease = undefined;
    lease.end('released');
    // Stay "releasing" (this object's queue is blocked) until the server confirms the delete, so a
    // new acquire from this object cannot overtake a delete still in flight (CURATOR-678).
    await deleteGuaranteed(this.client, lease.path);
  }

  private serialised<T>(operation: () => Promise<T>): Promise<T> {
    return this.queue.run(operation);
  }
}

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
import { InProcessLock } from '../core/in-process-lock.ts';
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

export interface MutexAcquireOptions extends AcquireOptions {
  /**
   * The lease this caller already holds on this Mutex: proof that the acquire is a re-entry, which
   * returns that same lease at once and counts up (each level needs its own release). Without it an
   * acquire waits for the current holder, even one in the same process and on the same object.
   */
  reentrantFrom?: Lease;
}

interface Hold {
  readonly lease: Lease;
  count: number;
}

/**
 * A distributed, fair mutex, wire-compatible with Curator's InterProcessMutex: both create
 * `<path>/_c_<uuid>-lock-<seq>` ephemeral-sequential nodes and the lowest sequence holds.
 * Kazoo `Lock` nodes (`<uuid>__lock__<seq>`) count as contenders too, so a TypeScript mutex excludes
 * a Curator mutex and a Kazoo lock (created with extra_lock_patterns=("-lock-",)) on the same path.
 * Curator and Kazoo do not exclude each other (see docs/recipes/locks.md).
 *
 * ```ts
 * const mutex = new Mutex(client, '/locks/invoices');
 * const lease = await mutex.acquire({ timeoutMs: 5000 });
 * try {
 *   await store.write(data, { fencingToken: lease.fencingToken, signal: lease.signal });
 *   const again = await mutex.acquire({ reentrantFrom: lease }); // re-entry needs the proof
 *   await again.release();
 * } finally {
 *   await lease.release();
 * }
 * ```
 *
 * One Mutex object may be shared by concurrent tasks (two requests in one handler): their acquires
 * take turns first come, first served inside the process — each honouring its own timeout and
 * signal from the moment it is called — and only the task at the front has a node in ZooKeeper's
 * line. Curator ties re-entry to the calling thread; JavaScript has no thread identity to tie it
 * to, so re-entry is granted only to a caller that shows the lease it holds (`reentrantFrom`). The
 * node is deleted when the last level is released. Waiters watch only their predecessor.
 */
export class Mutex {
  private hold: Hold | undefined;
  /** the turn among this object's callers: held from an acquire until its release is confirmed */
  private readonly turn = new InProcessLock();
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

  /**
   * Waits for the lock: behind this object's other callers, then behind the other contenders.
   * Rejects with RecipeError TIMEOUT / ABORTED, NOT_HELD (a `reentrantFrom` lease this object does
   * not hold), or a ZooKeeperError.
   */
  async acquire(options: MutexAcquireOptions = {}): Promise<Lease> {
    if (options.reentrantFrom) return this.reenter(options.reentrantFrom);
    const deadline = new Deadline('Mutex', this.path, options.timeoutMs, options.signal);
    try {
      await this.turn.acquire(deadline.signal);
    } catch {
      throw deadline.error();
    }
    return (await this.acquireWithTurn(deadline, false))!;
  }

  /**
   * Takes the lock if nobody holds it, without waiting; null otherwise — also while another caller
   * of this object holds it or waits for it. With `reentrantFrom`, re-enters like acquire().
   */
  async tryAcquire(options: Pick<MutexAcquireOptions, 'reentrantFrom'> = {}): Promise<Lease | null> {
    if (options.reentrantFrom) return this.reenter(options.reentrantFrom);
    if (!this.turn.tryAcquire()) return null;
    return this.acquireWithTurn(new Deadline('Mutex', this.path, 0), true);
  }

  /** Whether this object holds the lock right now (for one of its callers). */
  get isHeld(): boolean {
    return this.hold?.lease.isHeld === true;
  }

  /** Releases one level of the current hold, like `lease.release()`; the last release deletes the node. */
  release(): Promise<void> {
    const hold = this.hold;
    if (!hold) {
      return Promise.reject(
        new RecipeError('NOT_HELD', 'Mutex', this.path, 'release() without holding the lock'),
      );
    }
    return this.releaseLevel(hold.lease);
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

  private reenter(lease: Lease): Promise<Lease> {
    const hold = this.hold;
    if (!hold || hold.lease !== lease || !lease.isHeld) {
      return Promise.reject(
        new RecipeError(
          'NOT_HELD',
          'Mutex',
          this.path,
          `reentrantFrom must be a lease this Mutex holds now (${lease.isHeld ? 'a lease of another lock' : `that lease ended: ${lease.endReason}`})`,
        ),
      );
    }
    hold.count++;
    return Promise.resolve(lease);
  }

  /** With this object's turn in hand: queue in ZooKeeper. The turn is given back unless we hold. */
  private async acquireWithTurn(deadline: Deadline, tryOnce: boolean): Promise<Lease | null> {
    let node;
    try {
      node = await acquireLockNode({
        client: this.client,
        lockPath: this.path,
        nodeName: MUTEX_LOCK_NAME,
        data: this.options.id ?? localAddress(),
        driver: this.driver,
        deadline,
        tryOnce,
      });
    } catch (error) {
      this.turn.release();
      throw error;
    }
    if (!node) {
      this.turn.release();
      return null;
    }
    const lease: Lease = new Lease('Mutex', node.path, node.stat.czxid, node.stat.ephemeralOwner, () =>
      this.releaseLevel(lease),
    );
    const hold: Hold = { lease, count: 1 };
    this.hold = hold;
    // After a connection drop (policy) or a lost session the lease ends: this object forgets it and
    // lets the next caller in (the old node is being deleted; a new one queues behind it).
    bindLeaseToConnection(this.client, lease, this.policy, () => {
      if (this.hold === hold) {
        this.hold = undefined;
        this.turn.release();
      }
    });
    return lease;
  }

  private async releaseLevel(lease: Lease): Promise<void> {
    const hold = this.hold;
    if (!hold || hold.lease !== lease || !lease.isHeld) {
      throw new RecipeError('NOT_HELD', 'Mutex', this.path, 'release() without holding the lock');
    }
    if (--hold.count > 0) return;
    this.hold = undefined;
    lease.end('released');
    // Keep the turn until the server confirms the delete, so a new acquire from this object cannot
    // overtake a delete still in flight (CURATOR-678).
    try {
      await deleteGuaranteed(this.client, lease.path);
    } finally {
      this.turn.release();
    }
  }
}

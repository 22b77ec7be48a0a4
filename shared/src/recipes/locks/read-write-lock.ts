import type { ZooKeeperClient } from '../../client/index.ts';
import { validatePath } from '../../client/index.ts';
import { createProtected, type ProtectedNode } from '../core/create-protected.ts';
import { Deadline } from '../core/deadline.ts';
import { RecipeError } from '../core/errors.ts';
import { deleteGuaranteed } from '../core/guaranteed-delete.ts';
import { Lease } from '../core/lease.ts';
import { bindLeaseToConnection, validateConnectionPolicy } from '../core/lease-connection.ts';
import { acquireLockNode, listContenders, standardDriver, type LockDriver } from '../core/lock-internals.ts';
import { localAddress } from '../core/local-address.ts';
import { stripProtection } from '../core/protected-name.ts';
import { parseContender } from '../core/sequence-order.ts';
import type { AcquireOptions, ConnectionPolicy } from './mutex.ts';

/** Curator's InterProcessReadWriteLock lock names: deliberately the same length, so they sort alike. */
export const READ_LOCK_NAME = '__READ__';
export const WRITE_LOCK_NAME = '__WRIT__';
const LOCK_NAMES = [READ_LOCK_NAME, WRITE_LOCK_NAME] as const;
const RECIPE = 'ReadWriteLock';

/**
 * A writer is a plain mutex over all nodes, readers included: it holds when it is first, and waits
 * on the node just before it.
 */
const writeDriver = standardDriver(LOCK_NAMES, 1);

/**
 * A reader holds when no writer comes before it; otherwise it waits on the nearest writer before it.
 * Only LOWER sequences count: a writer that queued after a reader never blocks it (Kazoo 2.8 looked
 * at later writers too and could deadlock readers and writers; fixed in Kazoo 2.9). Watching the
 * nearest writer rather than the first (Curator) wakes the reader only when every writer ahead of it
 * is done, instead of once per writer.
 */
const readDriver: LockDriver = {
  contenderNames: LOCK_NAMES,
  decide(contenders, ownIndex) {
    for (let index = ownIndex - 1; index >= 0; index--) {
      const contender = contenders[index]!;
      if (contender.lockName === WRITE_LOCK_NAME) return { holds: false, waitOn: contender.name };
    }
    return { holds: true };
  },
};

export type LockKind = 'read' | 'write';

export interface ReadWriteLockOptions {
  /** stored in this object's lock nodes (Curator's lockData; default the host address) */
  id?: string;
  /** when a held lock stops being trusted; see ConnectionPolicy (default "suspended") */
  connectionPolicy?: ConnectionPolicy;
}

export interface ReadWriteAcquireOptions extends AcquireOptions {
  /**
   * A lease this caller holds on this ReadWriteLock, as proof that the acquire comes from its
   * holder: the same side re-enters (the same lease, counted up), the read side while holding the
   * write lease downgrades at once, and the write side while holding a read lease is refused
   * (BAD_ARGUMENT: the writer would wait for its own reader forever).
   */
  reentrantFrom?: Lease;
}

/** One side of a ReadWriteLock; used like a Mutex. */
export interface ReadWriteLockSide {
  readonly kind: LockKind;
  /**
   * Waits for this side of the lock. Rejects with RecipeError TIMEOUT / ABORTED, BAD_ARGUMENT (an
   * upgrade), NOT_HELD (a `reentrantFrom` lease this object does not hold), or a ZooKeeperError.
   */
  acquire(options?: ReadWriteAcquireOptions): Promise<Lease>;
  /** Takes this side if it is free right now, without waiting; null otherwise. */
  tryAcquire(options?: Pick<ReadWriteAcquireOptions, 'reentrantFrom'>): Promise<Lease | null>;
  /**
   * Releases one level of this side's hold, like `lease.release()`. With several holds on this
   * side (concurrent readers sharing the object) it cannot tell whose: release through the lease.
   */
  release(): Promise<void>;
  /** Whether this object holds this side right now (for any of its callers). */
  readonly isHeld: boolean;
}

export interface ReadWriteLockParticipant {
  kind: LockKind;
  /** the node data: an id, or the host address */
  id: string;
}

interface Hold {
  readonly kind: LockKind;
  readonly lease: Lease;
  count: number;
}

/**
 * A distributed read/write lock, wire-compatible with Curator's InterProcessReadWriteLock: any
 * number of readers, or one writer. Readers and writers queue in one directory as
 * `<path>/_c_<uuid>-__READ__<seq>` and `<path>/_c_<uuid>-__WRIT__<seq>` ephemeral-sequential nodes,
 * in arrival order, so a waiting writer is not starved by readers that come after it.
 *
 * ```ts
 * const catalog = new ReadWriteLock(client, '/locks/catalog');
 * const reading = await catalog.readLock.acquire({ timeoutMs: 5000 });
 * try {
 *   render(await loadCatalog({ signal: reading.signal }));
 * } finally {
 *   await reading.release();
 * }
 *
 * const writing = await catalog.writeLock.acquire();
 * try {
 *   await saveCatalog(next, { fencingToken: writing.fencingToken, signal: writing.signal });
 *   const reread = await catalog.readLock.acquire({ reentrantFrom: writing }); // downgrade
 * } finally {
 *   await writing.release();
 * }
 * ```
 *
 * Concurrent tasks may share one object: every acquire without proof is its own contender in
 * ZooKeeper's line, exactly like another process — readers share, a writer waits for everyone ahead
 * of it, and a reader waits for a writer ahead of it even when that writer is this same object.
 * (Curator ties re-entry to the calling thread; JavaScript has no thread identity, so the caller
 * shows its lease instead.) The line is already first come, first served, so no in-process queue
 * is needed.
 *
 * With proof (`reentrantFrom`) the same side re-enters, counted per lease. Holding the write lock,
 * the read lock is granted at once (downgrade): acquire the read lock with the write lease, then
 * release the write lock. Its node takes the writer's place in line (Curator 5.5+ layout, readable
 * by 5.4), so a writer queued behind keeps waiting until the downgraded reader is done. The reverse,
 * upgrading a held read lock to the write lock, would wait for itself forever, so it is refused with
 * RecipeError BAD_ARGUMENT. Asked without proof it cannot be told apart from another task's
 * request, and waits (until its timeout) like one.
 */
export class ReadWriteLock {
  readonly readLock: ReadWriteLockSide;
  readonly writeLock: ReadWriteLockSide;
  private readonly holds = new Map<Lease, Hold>();
  private readonly policy: ConnectionPolicy;

  constructor(
    private readonly client: ZooKeeperClient,
    readonly path: string,
    private readonly options: ReadWriteLockOptions = {},
  ) {
    validatePath(path, { operation: RECIPE });
    this.policy = validateConnectionPolicy(RECIPE, path, options.connectionPolicy);
    this.readLock = this.side('read');
    this.writeLock = this.side('write');
  }

  /** Readers and writers in line, holders first. */
  async participants(): Promise<ReadWriteLockParticipant[]> {
    const contenders = await listContenders(this.client, this.path, LOCK_NAMES);
    return contenders.map((contender) => ({
      kind: parseContender(contender.name, LOCK_NAMES)?.lockName === WRITE_LOCK_NAME ? 'write' : 'read',
      id: contender.data.toString('utf8'),
    }));
  }

  /** Lock node names without protection prefixes, holders first; for tools and tests. */
  async contenderNodes(): Promise<string[]> {
    const contenders = await listContenders(this.client, this.path, LOCK_NAMES);
    return contenders.map((contender) => stripProtection(contender.name));
  }

  private side(kind: LockKind): ReadWriteLockSide {
    const holdsOf = (): Hold[] => [...this.holds.values()].filter((hold) => hold.kind === kind);
    return {
      kind,
      acquire: async (options = {}) => (await this.acquireNow(kind, options, false))!,
      tryAcquire: (options = {}) => this.acquireNow(kind, { ...options, timeoutMs: 0 }, true),
      release: async () => {
        const holds = holdsOf();
        if (holds.length === 0) {
          throw new RecipeError('NOT_HELD', RECIPE, this.path, `release() without holding the ${kind} lock`);
        }
        if (holds.length > 1) {
          throw new RecipeError(
            'BAD_ARGUMENT',
            RECIPE,
            this.path,
            `this object holds the ${kind} lock ${holds.length} times for different callers: release through the lease`,
          );
        }
        await this.releaseLevel(holds[0]!.lease);
      },
      get isHeld() {
        return holdsOf().some((hold) => hold.lease.isHeld);
      },
    };
  }

  private async acquireNow(
    kind: LockKind,
    options: ReadWriteAcquireOptions,
    tryOnce: boolean,
  ): Promise<Lease | null> {
    const deadline = new Deadline(RECIPE, this.path, options.timeoutMs, options.signal);
    const proof = options.reentrantFrom;
    let node: ProtectedNode | null;
    if (proof) {
      const held = this.holds.get(proof);
      if (!held || !proof.isHeld) {
        throw new RecipeError(
          'NOT_HELD',
          RECIPE,
          this.path,
          `reentrantFrom must be a lease this ReadWriteLock holds now (${proof.isHeld ? 'a lease of another lock' : `that lease ended: ${proof.endReason}`})`,
        );
      }
      if (held.kind === kind) {
        held.count++;
        return proof;
      }
      if (kind === 'write') {
        throw new RecipeError(
          'BAD_ARGUMENT',
          RECIPE,
          this.path,
          'cannot upgrade a held read lock to the write lock: the writer would wait for its own reader forever; release the read lock first',
        );
      }
      node = await this.downgrade(proof, deadline);
    } else {
      node = await acquireLockNode({
        client: this.client,
        lockPath: this.path,
        nodeName: kind === 'read' ? READ_LOCK_NAME : WRITE_LOCK_NAME,
        data: this.options.id ?? localAddress(),
        driver: kind === 'read' ? readDriver : writeDriver,
        deadline,
        tryOnce,
      });
    }
    if (!node) return null;
    const lease: Lease = new Lease(RECIPE, node.path, node.stat.czxid, node.stat.ephemeralOwner, () =>
      this.releaseLevel(lease),
    );
    this.holds.set(lease, { kind, lease, count: 1 });
    bindLeaseToConnection(this.client, lease, this.policy, () => this.holds.delete(lease));
    return lease;
  }
  /**
   * The read lock for the holder of the write lock: granted at once. The node is named after the
   * writer's sequence (`_c_<uuid>-__READ__<writer's seq>`, ephemeral, not sequential; Curator 5.5+,
   * CURATOR-621) so it sorts at the writer's place. A plain sequential read node (Curator 5.4) would
   * sort after writers already queued, and the first of them would take the write lock as soon as
   * ours is released — while this reader still holds.
   */
  private async downgrade(write: Lease, deadline: Deadline): Promise<ProtectedNode> {
    let node: ProtectedNode;
    try {
      node = await createProtected(
        this.client,
        this.path,
        READ_LOCK_NAME + write.path.slice(-10),
        this.options.id ?? localAddress(),
        { mode: 'ephemeral', signal: deadline.signal },
      );
    } catch (error) {
      if (deadline.signal.aborted) throw deadline.error();
      throw error;
    }
    if (!write.isHeld || node.stat.ephemeralOwner !== write.sessionId) {
      // The write lock ended while the read node was being created: it no longer vouches for it.
      void deleteGuaranteed(this.client, node.path).catch(() => {});
      throw new RecipeError('LOST', RECIPE, this.path, 'the write lock was lost while downgrading to read');
    }
    return node;
  }

  private async releaseLevel(lease: Lease): Promise<void> {
    const hold = this.holds.get(lease);
    if (!hold || !lease.isHeld) {
      throw new RecipeError(
        'NOT_HELD',
        RECIPE,
        this.path,
        `release() without holding the lock (${lease.endReason ?? 'not a lease of this object'})`,
      );
    }
    if (--hold.count > 0) return;
    this.holds.delete(lease);
    lease.end('released');
    await deleteGuaranteed(this.client, lease.path);
  }
}

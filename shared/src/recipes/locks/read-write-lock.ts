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
import { SerialQueue } from '../core/serial-queue.ts';
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

/** One side of a ReadWriteLock; used like a Mutex. */
export interface ReadWriteLockSide {
  readonly kind: LockKind;
  /** Waits for this side of the lock. Rejects with RecipeError TIMEOUT / ABORTED / BAD_ARGUMENT, or a ZooKeeperError. */
  acquire(options?: AcquireOptions): Promise<Lease>;
  /** Takes this side if it is free right now, without waiting; null otherwise. */
  tryAcquire(): Promise<Lease | null>;
  /** Releases one level of holding; the last release deletes the node. */
  release(): Promise<void>;
  /** Whether this object holds this side right now. */
  readonly isHeld: boolean;
}

export interface ReadWriteLockParticipant {
  kind: LockKind;
  /** the node data: an id, or the host address */
  id: string;
}

interface Hold {
  lease: Lease;
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
 * } finally {
 *   await writing.release();
 * }
 * ```
 *
 * Re-entrant per ReadWriteLock object and side, like Mutex. Holding the write lock, the read lock is
 * granted at once (downgrade): acquire the read lock, then release the write lock. Its node takes the
 * writer's place in line (Curator 5.5+ layout, readable by 5.4), so a writer queued behind keeps
 * waiting until the downgraded reader is done. The reverse, upgrading a held read lock to the write
 * lock, would wait for itself forever, so it is refused with RecipeError BAD_ARGUMENT.
 */
export class ReadWriteLock {
  readonly readLock: ReadWriteLockSide;
  readonly writeLock: ReadWriteLockSide;
  private readonly holds: Partial<Record<LockKind, Hold>> = {};
  /** one change of ownership at a time for both sides: downgrade and upgrade checks see a settled state */
  private readonly queue = new SerialQueue();
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
    const holds = this.holds;
    return {
      kind,
      acquire: (options = {}) => this.queue.run(async () => (await this.acquireNow(kind, options, false))!),
      tryAcquire: () => this.queue.run(() => this.acquireNow(kind, { timeoutMs: 0 }, true)),
      release: () => this.queue.run(() => this.releaseNow(kind)),
      get isHeld() {
        return holds[kind]?.lease.isHeld === true;
      },
    };
  }

  private async acquireNow(kind: LockKind, options: AcquireOptions, tryOnce: boolean): Promise<Lease | null> {
    const deadline = new Deadline(RECIPE, this.path, options.timeoutMs, options.signal);
    const own = this.holds[kind];
    if (own?.lease.isHeld) {
      own.count++;
      return own.lease;
    }
    const write = this.holds.write?.lease.isHeld ? this.holds.write.lease : undefined;
    if (kind === 'write' && this.holds.read?.lease.isHeld) {
      throw new RecipeError(
        'BAD_ARGUMENT',
        RECIPE,
        this.path,
        'cannot upgrade a held read lock to the write lock: the writer would wait for its own reader forever; release the read lock first',
      );
    }
    const node =
      kind === 'read' && write
        ? await this.downgrade(write, deadline)
        : await acquireLockNode({
            client: this.client,
            lockPath: this.path,
            nodeName: kind === 'read' ? READ_LOCK_NAME : WRITE_LOCK_NAME,
            data: this.options.id ?? localAddress(),
            driver: kind === 'read' ? readDriver : writeDriver,
            deadline,
            tryOnce,
          });
    if (!node) return null;
    const lease = new Lease(RECIPE, node.path, node.stat.czxid, node.stat.ephemeralOwner, () =>
      (kind === 'read' ? this.readLock : this.writeLock).release(),
    );
    const hold: Hold = { lease, count: 1 };
    this.holds[kind] = hold;
    bindLeaseToConnection(this.client, lease, this.policy, () => {
      if (this.holds[kind] === hold) delete this.holds[kind];
    });
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

  private async releaseNow(kind: LockKind): Promise<void> {
    const hold = this.holds[kind];
    if (!hold?.lease.isHeld) {
      throw new RecipeError('NOT_HELD', RECIPE, this.path, `release() without holding the ${kind} lock`);
    }
    if (--hold.count > 0) return;
    hold.lease.end('released');
    // This object's queue stays blocked until the server confirms the delete, so a new acquire
    // cannot overtake it (CURATOR-678).
    await deleteGuaranteed(this.client, hold.lease.path);
  }
}

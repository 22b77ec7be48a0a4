import type { ZooKeeperClient } from '../../client/index.ts';
import { isZooKeeperError, joinPath, nodeName, validatePath } from '../../client/index.ts';
import { retryIdempotent } from '../core/connection.ts';
import { createProtected, type ProtectedNode } from '../core/create-protected.ts';
import { Deadline } from '../core/deadline.ts';
import { RecipeError } from '../core/errors.ts';
import { deleteGuaranteed } from '../core/guaranteed-delete.ts';
import { Lease } from '../core/lease.ts';
import { bindLeaseToConnection, validateConnectionPolicy } from '../core/lease-connection.ts';
import { localAddress } from '../core/local-address.ts';
import { sortContenders } from '../core/sequence-order.ts';
import { firstChange, getChildrenWatched, getDataWatched, type WatchedRead } from '../core/watched-read.ts';
import { Mutex, type AcquireOptions, type ConnectionPolicy } from './mutex.ts';

/** Curator's InterProcessSemaphoreV2 names: `<path>/locks` (the gate), `<path>/leases/_c_<uuid>-lease-<seq>`. */
export const SEMAPHORE_LOCKS_DIR = 'locks';
export const SEMAPHORE_LEASES_DIR = 'leases';
export const LEASE_NAME = 'lease-';
const RECIPE = 'Semaphore';

/**
 * How many leases the semaphore hands out: a number every participant agrees on, or the current
 * value of a 4-byte big-endian integer node (a Curator SharedCount), re-read while waiting so that
 * raising it lets waiters in. Leases already held are never taken back when it is lowered.
 */
export type MaxLeases = number | { countPath: string };

export interface SemaphoreOptions {
  /** stored in each lease node (Curator's setNodeData; default the host address); see participants() */
  id?: string;
  /** when a held lease stops being trusted; see ConnectionPolicy (default "suspended") */
  connectionPolicy?: ConnectionPolicy;
}

/**
 * A distributed counting semaphore, wire-compatible with Curator's InterProcessSemaphoreV2: at most
 * `maxLeases` leases are held at once, across every process and library using the path.
 *
 * ```
 * <path>/locks/_c_<uuid>-lock-<seq>      a Mutex (the gate): one acquirer at a time
 * <path>/leases/_c_<uuid>-lease-<seq>    one ephemeral node per lease, holders and one waiter
 * ```
 *
 * ```ts
 * const renderers = new Semaphore(client, '/semaphores/gpu', 4);
 * const lease = await renderers.acquire({ timeoutMs: 10_000 });
 * try {
 *   await render(job, { signal: lease.signal });
 * } finally {
 *   await lease.release();
 * }
 * ```
 *
 * To acquire, a participant takes the gate, creates its lease node(s), and waits until the leases
 * directory holds at most `maxLeases` nodes; then it lets go of the gate. Only the gate holder ever
 * waits on the leases directory, so a release wakes one participant (no herd), and the count is
 * correct by construction: every holder's node is in it. Each lease is its own Lease, with the lease
 * node's czxid as fencing token. Releasing deletes the node (retried through connection losses).
 *
 * Leases end as the connection policy says (default: as soon as the connection drops), like Mutex.
 * A semaphore object is not re-entrant and may be shared by concurrent tasks: every acquire takes
 * new leases, and the tasks of one process count against `maxLeases` like any other participant.
 */
export class Semaphore {
  readonly locksPath: string;
  readonly leasesPath: string;
  private readonly policy: ConnectionPolicy;

  constructor(
    private readonly client: ZooKeeperClient,
    readonly path: string,
    readonly maxLeases: MaxLeases,
    private readonly options: SemaphoreOptions = {},
  ) {
    validatePath(path, { operation: RECIPE });
    this.locksPath = joinPath(path, SEMAPHORE_LOCKS_DIR);
    this.leasesPath = joinPath(path, SEMAPHORE_LEASES_DIR);
    this.policy = validateConnectionPolicy(RECIPE, path, options.connectionPolicy);
    if (typeof maxLeases === 'number') {
      if (!Number.isInteger(maxLeases) || maxLeases < 1) {
        throw new RecipeError(
          'BAD_ARGUMENT',
          RECIPE,
          path,
          `maxLeases must be an integer ≥ 1, got ${maxLeases}`,
        );
      }
    } else if (typeof maxLeases?.countPath === 'string') {
      validatePath(maxLeases.countPath, { operation: RECIPE });
    } else {
      throw new RecipeError(
        'BAD_ARGUMENT',
        RECIPE,
        path,
        'maxLeases must be a number or { countPath } of a 4-byte count node',
      );
    }
  }

  /** Waits for one lease. Rejects with RecipeError TIMEOUT / ABORTED / BAD_ARGUMENT, or a ZooKeeperError. */
  async acquire(options: AcquireOptions = {}): Promise<Lease> {
    return (await this.acquireMany(1, options))[0]!;
  }

  /** Waits until `count` leases can be taken together; all or none. */
  async acquireMany(count: number, options: AcquireOptions = {}): Promise<Lease[]> {
    this.validateCount(count);
    const deadline = new Deadline(RECIPE, this.path, options.timeoutMs, options.signal);
    return (await this.acquireLeases(count, deadline, false))!;
  }

  /**
   * Takes one lease if one is free right now, without waiting; null otherwise — also while another
   * participant is in the middle of acquiring (it holds the gate), as Curator's acquire(0, unit).
   */
  async tryAcquire(): Promise<Lease | null> {
    const leases = await this.acquireLeases(1, new Deadline(RECIPE, this.path, 0), true);
    return leases?.[0] ?? null;
  }

  /** Ids of every lease node, oldest first: the holders, and while it waits the acquirer at the gate. */
  async participants(): Promise<string[]> {
    let children: string[];
    try {
      ({ children } = await this.client.getChildren(this.leasesPath));
    } catch (error) {
      if (isZooKeeperError(error, 'NONODE')) return [];
      throw error;
    }
    const ids: string[] = [];
    for (const lease of sortContenders(children, [LEASE_NAME])) {
      try {
        ids.push((await this.client.getData(joinPath(this.leasesPath, lease.name))).data.toString('utf8'));
      } catch (error) {
        if (!isZooKeeperError(error, 'NONODE')) throw error;
      }
    }
    return ids;
  }

  private validateCount(count: number): void {
    if (!Number.isInteger(count) || count < 1) {
      throw new RecipeError(
        'BAD_ARGUMENT',
        RECIPE,
        this.path,
        `lease count must be an integer ≥ 1, got ${count}`,
      );
    }
    if (typeof this.maxLeases === 'number' && count > this.maxLeases) {
      throw new RecipeError(
        'BAD_ARGUMENT',
        RECIPE,
        this.path,
        `cannot acquire ${count} leases from a semaphore of ${this.maxLeases}: it would wait forever`,
      );
    }
  }

  /**
   * Gate, create, wait, ungate — repeated when an attempt is spoiled by the connection: the gate
   * lost with it (another acquirer may now be waiting too), or our lease nodes gone with the session.
   */
  private async acquireLeases(count: number, deadline: Deadline, tryOnce: boolean): Promise<Lease[] | null> {
    for (;;) {
      deadline.throwIfDone();
      // A new Mutex object per attempt: concurrent acquires on this object queue at the gate in
      // ZooKeeper like separate processes, so tryAcquire sees a gate held by any of them.
      const gate = new Mutex(this.client, this.locksPath);
      let gateLease: Lease | null;
      try {
        gateLease = tryOnce ? await gate.tryAcquire() : await gate.acquire({ signal: deadline.signal });
      } catch (error) {
        if (deadline.signal.aborted) throw deadline.error();
        throw error;
      }
      if (!gateLease) return null;
      try {
        const outcome = await this.leaseBehindGate(count, gateLease, deadline, tryOnce);
        if (outcome !== 'retry') return outcome;
      } finally {
        // In the background: the caller need not wait for it. An acquirer arriving meanwhile queues
        // behind the gate node and is woken by its deletion.
        if (gateLease.isHeld) void gateLease.release().catch(() => {});
      }
    }
  }

  private async leaseBehindGate(
    count: number,
    gateLease: Lease,
    deadline: Deadline,
    tryOnce: boolean,
  ): Promise<Lease[] | null | 'retry'> {
    // Waiting stops when the caller gives up or when the gate is lost (the connection dropped).
    const signal = AbortSignal.any([deadline.signal, gateLease.signal]);
    const nodes: ProtectedNode[] = [];
    try {
      for (let index = 0; index < count; index++) {
        nodes.push(
          await createProtected(this.client, this.leasesPath, LEASE_NAME, this.options.id ?? localAddress(), {
            mode: 'ephemeralSequential',
            signal,
          }),
        );
      }
      const outcome = await this.waitForRoom(nodes, signal, tryOnce);
      if (outcome === 'granted') return nodes.map((node) => this.newLease(node));
      if (outcome === 'busy') {
        await Promise.all(nodes.map((node) => deleteGuaranteed(this.client, node.path)));
        return null;
      }
      for (const node of nodes) void deleteGuaranteed(this.client, node.path).catch(() => {});
      return 'retry';
    } catch (error) {
      for (const node of nodes) void deleteGuaranteed(this.client, node.path).catch(() => {});
      if (deadline.signal.aborted) throw deadline.error();
      if (gateLease.signal.aborted) return 'retry';
      throw error;
    }
  }

  /**
   * Lists the leases until there is room for ours. The first look sets no watch (the usual case:
   * there is room); from then on every look watches the children, and the count node if there is one.
   */
  private async waitForRoom(
    nodes: readonly ProtectedNode[],
    signal: AbortSignal,
    tryOnce: boolean,
  ): Promise<'granted' | 'busy' | 'retry'> {
    const owner = nodes[0]!.stat.ephemeralOwner;
    const ownNames = nodes.map((node) => nodeName(node.path));
    const watches: WatchedRead<unknown>[] = [];
    const cancelWatches = (): void => {
      for (const watch of watches.splice(0)) watch.cancel();
    };
    let watch = false;
    try {
      for (;;) {
        if (this.client.sessionId !== owner) return 'retry';
        let children: string[];
        try {
          children = watch
            ? await this.watched(() => getChildrenWatched(this.client, this.leasesPath), watches, signal)
            : (await retryIdempotent(this.client, () => this.client.getChildren(this.leasesPath), signal))
                .children;
        } catch (error) {
          if (isZooKeeperError(error, 'NONODE')) return 'retry'; // the directory went, our nodes with it
          throw error;
        }
        const maxLeases = await this.currentMaxLeases(watch ? watches : undefined, signal);
        // Our node missing: the session that created it is gone; start over (Curator does the same).
        if (!ownNames.every((name) => children.includes(name))) return 'retry';
        // Every child counts, foreign ones too, as in Curator: the count can only err on the safe side.
        if (children.length <= maxLeases) return this.client.sessionId === owner ? 'granted' : 'retry';
        if (tryOnce) return 'busy';
        if (watch) await firstChange(watches, signal);
        cancelWatches();
        watch = true;
      }
    } finally {
      cancelWatches();
    }
  }

  private async currentMaxLeases(
    watches: WatchedRead<unknown>[] | undefined,
    signal: AbortSignal,
  ): Promise<number> {
    if (typeof this.maxLeases === 'number') return this.maxLeases;
    const countPath = this.maxLeases.countPath;
    let data: Buffer;
    try {
      data = watches
        ? await this.watched(() => getDataWatched(this.client, countPath), watches, signal)
        : (await retryIdempotent(this.client, () => this.client.getData(countPath), signal)).data;
    } catch (error) {
      if (isZooKeeperError(error, 'NONODE')) {
        throw new RecipeError(
          'BAD_ARGUMENT',
          RECIPE,
          this.path,
          `the max-leases count node ${countPath} does not exist`,
        );
      }
      throw error;
    }
    if (data.length !== 4) {
      throw new RecipeError(
        'CORRUPT_DATA',
        RECIPE,
        this.path,
        `the max-leases count node ${countPath} holds ${data.length} bytes, not a 4-byte integer`,
      );
    }
    return data.readInt32BE(0);
  }

  private async watched<T>(
    read: () => Promise<WatchedRead<T>>,
    watches: WatchedRead<unknown>[],
    signal: AbortSignal,
  ): Promise<T> {
    const result = await retryIdempotent(this.client, read, signal);
    watches.push(result);
    return result.value;
  }

  private newLease(node: ProtectedNode): Lease {
    const lease: Lease = new Lease(RECIPE, node.path, node.stat.czxid, node.stat.ephemeralOwner, async () => {
      if (!lease.isHeld) {
        throw new RecipeError(
          'NOT_HELD',
          RECIPE,
          this.path,
          `lease ${node.path} is not held (${lease.endReason})`,
        );
      }
      lease.end('released');
      await deleteGuaranteed(this.client, lease.path);
    });
    bindLeaseToConnection(this.client, lease, this.policy);
    return lease;
  }
}

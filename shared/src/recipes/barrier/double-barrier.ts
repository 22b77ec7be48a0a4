import { randomUUID } from 'node:crypto';
import type { NodeData, WatchedEvent, ZooKeeperClient } from '../../client/index.ts';
import { ensurePath, isZooKeeperError, joinPath, validatePath } from '../../client/index.ts';
import { retryIdempotent } from '../core/connection.ts';
import { Deadline } from '../core/deadline.ts';
import { RecipeError } from '../core/errors.ts';
import { deleteGuaranteed } from '../core/guaranteed-delete.ts';
import { localAddress } from '../core/local-address.ts';
import { waitForNodeChange } from '../core/node-change.ts';

const RECIPE = 'DistributedDoubleBarrier';
/** the gate node: it exists once enough members have entered */
export const READY_NODE = 'ready';

export interface DoubleBarrierOptions {
  /** data of this member's node; Curator writes the host address, which is the default */
  data?: NodeData;
}

export interface BarrierWaitOptions {
  /** give up after this long (RecipeError TIMEOUT); 0 = do not wait at all */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * A double barrier: a computation starts when `memberQty` members have entered and ends when all
 * have left — Curator's DistributedDoubleBarrier on the same path, so TypeScript and Java members
 * can share one barrier:
 *
 * ```
 * /jobs/batch-7                     container
 *   1dd1f3ad-9da6-…-caae733784cc    [E] member (a bare UUID), data: host address
 *   eb72bdb2-cb35-…-e74b9df87cfb    [E]
 *   ready                           [P] the gate, created by whoever counts memberQty members
 * ```
 *
 * ```ts
 * const barrier = new DistributedDoubleBarrier(client, '/jobs/batch-7', 3);
 * await barrier.enter({ timeoutMs: 60_000 });   // returns when 3 members are in
 * await compute();
 * await barrier.leave({ timeoutMs: 60_000 });   // returns when all of them are out
 * ```
 *
 * enter: watch `ready` (exists), create our member node, and — unless `ready` already existed —
 * count the members: at least memberQty creates `ready`, fewer waits for it. Curator 5.4 returns
 * after *any* wake-up of that wait, a reconnect included, without counting again (GH-1290), so a
 * single member can pass alone. Here only a real NodeCreated of `ready` lets a waiter through (some
 * member counted memberQty); every other wake-up arms the watch again and counts again.
 *
 * leave (the ZooKeeper recipe): list the members, sorted; none left → done; only ours → delete it,
 * done; ours is the lowest → wait for the highest to go; otherwise delete ours and wait for the
 * lowest. Each departure wakes few waiters, not all. When no member is left, `ready` is deleted.
 * A barrier path serves one round: wait until `ready` is gone before entering it again.
 *
 * Connection policy: a waiter (entering or leaving) keeps waiting while suspended — its watch is
 * re-registered on reconnect and the server reports what it missed. On "lost" the member node is
 * gone with the session: a waiter in enter() re-creates it on the new session and keeps waiting (it
 * is still a member); in leave() the node is treated as already deleted. A member that has entered
 * and then loses its session is simply not counted by the others any more. Giving up (timeout,
 * abort, error) deletes our member node, so it does not count towards the others' quorum.
 */
export class DistributedDoubleBarrier {
  /** our member node's name: a random UUID, as Curator names them */
  readonly memberName = randomUUID();
  private readonly readyPath: string;

  constructor(
    private readonly client: ZooKeeperClient,
    readonly path: string,
    readonly memberQty: number,
    private readonly options: DoubleBarrierOptions = {},
  ) {
    validatePath(path, { operation: RECIPE });
    if (!Number.isInteger(memberQty) || memberQty <= 0) {
      throw new RecipeError(
        'BAD_ARGUMENT',
        RECIPE,
        path,
        `memberQty must be a positive integer, got ${memberQty}`,
      );
    }
    this.readyPath = joinPath(path, READY_NODE);
  }

  get memberPath(): string {
    return joinPath(this.path, this.memberName);
  }

  /** Enters and waits until memberQty members have entered. */
  async enter(options: BarrierWaitOptions = {}): Promise<void> {
    const deadline = new Deadline(RECIPE, this.path, options.timeoutMs, options.signal);
    const gate = new GateWatch(this.client, this.readyPath);
    try {
      const alreadyOpen = await retryIdempotent(this.client, () => gate.arm(), deadline.signal);
      await this.createMember(deadline);
      if (alreadyOpen) return;
      for (;;) {
        const children = await this.children(deadline);
        if (children.includes(READY_NODE)) return;
        const members = children.filter((child) => child !== READY_NODE);
        if (!members.includes(this.memberName)) {
          // Our node went with a lost session; we are still entering, so we are still a member.
          await this.createMember(deadline);
          continue;
        }
        if (members.length >= this.memberQty) {
          await this.openGate(deadline);
          return;
        }
        if (options.timeoutMs === 0) throw this.notWithin(0, 'entering');
        const event = await gate.next(deadline.signal);
        // The gate opened: some member counted memberQty. It may be closed again already by fast
        // leavers (they delete it once every member is out), so the event itself is the proof.
        if (event.type === 'created') return;
        // Anything else (the session ended) proves nothing: watch again and count again.
        if (await retryIdempotent(this.client, () => gate.arm(), deadline.signal)) return;
      }
    } catch (error) {
      void deleteGuaranteed(this.client, this.memberPath).catch(() => {});
      throw this.failure(error, deadline);
    } finally {
      gate.cancel();
    }
  }

  /** Leaves and waits until every member has left. */
  async leave(options: BarrierWaitOptions = {}): Promise<void> {
    const deadline = new Deadline(RECIPE, this.path, options.timeoutMs, options.signal);
    try {
      for (;;) {
        const members = (await this.children(deadline)).filter((child) => child !== READY_NODE).sort();
        if (members.length === 0) break;
        const ownIndex = members.indexOf(this.memberName);
        if (ownIndex >= 0 && members.length === 1) {
          await this.deleteMember(deadline);
          break;
        }
        let waitOn: string;
        if (ownIndex === 0) {
          // The lowest stays until the others are gone, watching the highest: one node to watch.
          waitOn = members.at(-1)!;
        } else {
          if (ownIndex > 0) await this.deleteMember(deadline);
          waitOn = members[0]!;
        }
        if (options.timeoutMs === 0) throw this.notWithin(0, 'leaving');
        await waitForNodeChange(this.client, joinPath(this.path, waitOn), deadline.signal);
      }
      await retryIdempotent(this.client, () => this.deleteIfExists(this.readyPath), deadline.signal);
    } catch (error) {
      void deleteGuaranteed(this.client, this.memberPath).catch(() => {});
      throw this.failure(error, deadline);
    }
  }

  private async createMember(deadline: Deadline): Promise<void> {
    const create = async (): Promise<void> => {
      try {
        await this.client.create(this.memberPath, this.options.data ?? localAddress(), { mode: 'ephemeral' });
      } catch (error) {
        if (isZooKeeperError(error, 'NONODE')) {
          await ensurePath(this.client, this.path, { mode: 'container' });
          return create();
        }
        if (!isZooKeeperError(error, 'NODEEXISTS')) throw error;
        // Ours from a create whose reply was lost — unless an earlier session of ours left it
        // behind and the servers have not expired that session yet: then replace it.
        const stat = await this.client.exists(this.memberPath);
        if (stat && stat.ephemeralOwner !== this.client.sessionId) {
          await this.deleteIfExists(this.memberPath);
          return create();
        }
        if (!stat) return create();
      }
    };
    await retryIdempotent(this.client, create, deadline.signal);
  }

  private async deleteMember(deadline: Deadline): Promise<void> {
    await retryIdempotent(this.client, () => this.deleteIfExists(this.memberPath), deadline.signal);
  }

  private async openGate(deadline: Deadline): Promise<void> {
    const create = async (): Promise<void> => {
      try {
        await this.client.create(this.readyPath, localAddress());
      } catch (error) {
        if (!isZooKeeperError(error, 'NODEEXISTS')) throw error;
      }
    };
    await retryIdempotent(this.client, create, deadline.signal);
  }

  private async children(deadline: Deadline): Promise<string[]> {
    const list = async (): Promise<string[]> => {
      try {
        return (await this.client.getChildren(this.path)).children;
      } catch (error) {
        if (isZooKeeperError(error, 'NONODE')) return [];
        throw error;
      }
    };
    return retryIdempotent(this.client, list, deadline.signal);
  }

  private async deleteIfExists(path: string): Promise<void> {
    try {
      await this.client.delete(path);
    } catch (error) {
      if (!isZooKeeperError(error, 'NONODE')) throw error;
    }
  }

  private notWithin(timeoutMs: number, what: string): RecipeError {
    return new RecipeError('TIMEOUT', RECIPE, this.path, `${what}: not done within ${timeoutMs} ms`);
  }

  private failure(error: unknown, deadline: Deadline): unknown {
    if (error instanceof RecipeError) return error;
    if (deadline.signal.aborted) return deadline.error();
    return error;
  }
}

/**
 * The exists-watch on `ready` that enter() waits on. Events are queued, so one that fires between
 * two waits is not lost; cancel() removes the watch if it has not fired (no stale watcher is left on
 * a node that may never be created).
 */
class GateWatch {
  private readonly events: WatchedEvent[] = [];
  private waiter: ((event: WatchedEvent) => void) | undefined;
  private armed = false;
  private readonly watcher = (event: WatchedEvent): void => {
    this.armed = false;
    if (this.waiter) this.waiter(event);
    else this.events.push(event);
  };

  constructor(
    private readonly client: ZooKeeperClient,
    private readonly path: string,
  ) {}

  /** Sets the watch; whether the gate node exists now. */
  async arm(): Promise<boolean> {
    const stat = await this.client.exists(this.path, { watch: this.watcher });
    this.armed = true;
    return stat !== null;
  }

  next(signal: AbortSignal): Promise<WatchedEvent> {
    const queued = this.events.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = (): void => {
        this.waiter = undefined;
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiter = (event) => {
        this.waiter = undefined;
        signal.removeEventListener('abort', onAbort);
        resolve(event);
      };
    });
  }

  cancel(): void {
    if (!this.armed) return;
    this.armed = false;
    this.client.removeWatches(this.path, 'data', { watcher: this.watcher, local: true }).catch(() => {});
  }
}

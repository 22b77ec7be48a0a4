import { EventEmitter } from 'node:events';
import type { ZooKeeperClient } from '../../client/index.ts';
import { validatePath } from '../../client/index.ts';
import { Deadline, sleep } from '../core/deadline.ts';
import { RecipeError } from '../core/errors.ts';
import { deleteGuaranteed } from '../core/guaranteed-delete.ts';
import { Lease, type LeaseEndReason } from '../core/lease.ts';
import {
  bindLeaseToConnection,
  validateConnectionPolicy,
  type ConnectionPolicy,
} from '../core/lease-connection.ts';
import { acquireLockNode, listContenders, standardDriver } from '../core/lock-internals.ts';
import { localAddress } from '../core/local-address.ts';
import type { LeaderParticipant } from './leader-latch.ts';

/** Curator's LeaderSelector is an InterProcessMutex: nodes are `_c_<uuid>-lock-<seq>`, as Mutex's. */
export const SELECTOR_LOCK_NAME = 'lock-';
const CONTENDER_NAMES = [SELECTOR_LOCK_NAME] as const;

/**
 * Runs while this participant leads. Leadership lasts until the returned promise settles, or until
 * `lease.signal` aborts (connection trouble, interruptLeadership(), close()) — whichever comes
 * first; a callback must stop acting on the shared resource when the signal aborts, and should
 * return soon after.
 */
export type TakeLeadership = (lease: Lease) => Promise<void> | void;

export type LeaderSelectorState = 'latent' | 'started' | 'closed';

export interface LeaderSelectorOptions {
  /** stored in our node as UTF-8; default: the host address, as Curator */
  id?: string;
  /** re-enter the line after every term (Curator's autoRequeue()); default false */
  autoRequeue?: boolean;
  /**
   * When a term ends because of the connection: "suspended" (default, as Curator's
   * LeaderSelectorListenerAdapter with the Standard policy) or only when the session is "lost".
   */
  connectionPolicy?: ConnectionPolicy;
}

export interface LeaderSelectorEvents {
  /** the callback threw or rejected, or joining the line failed; the term ended either way */
  error: [unknown];
}

interface Term {
  lease: Lease;
  /** the node's deletion, once the term has ended */
  released?: Promise<void>;
}

/**
 * Leader election by callback, wire-compatible with Curator's LeaderSelector: participants contend
 * for a mutex at `path` (`_c_<uuid>-lock-<seq>` nodes holding each participant's id, the same
 * layout as Mutex and Curator's InterProcessMutex), and the holder's `takeLeadership` runs.
 * Leadership lasts exactly as long as the callback: when it returns or throws, the node is deleted
 * and the next participant takes over.
 *
 * ```ts
 * const selector = new LeaderSelector(client, '/jobs/compaction/leader', async (lease) => {
 *   while (!lease.signal.aborted) {
 *     await compactOnce({ fencingToken: lease.fencingToken, signal: lease.signal });
 *   }
 * }, { id: 'worker-3', autoRequeue: true });
 * selector.start();
 * // …
 * await selector.close();
 * ```
 *
 * Connection policy: on "suspended" (or only "lost", see options) the term ends at once — the
 * lease's signal aborts (Curator's interruptLeadership) and the node is deleted, retried until the
 * server confirms it — because the session may expire and another participant lead before this one
 * hears about it. With autoRequeue the selector joins the line again once the callback has
 * returned; otherwise call requeue(). One term at a time: a callback that ignores its signal delays
 * the next term and close().
 */
export class LeaderSelector extends EventEmitter<LeaderSelectorEvents> {
  private stateValue: LeaderSelectorState = 'latent';
  private term: Term | undefined;
  /** the running sequence of terms, while queued or leading */
  private turns: Promise<void> | undefined;
  private readonly lifetime = new AbortController();
  private closing: Promise<void> | undefined;
  private readonly driver = standardDriver(CONTENDER_NAMES, 1);
  private readonly policy: ConnectionPolicy;
  readonly autoRequeue: boolean;

  constructor(
    private readonly client: ZooKeeperClient,
    readonly path: string,
    private readonly takeLeadership: TakeLeadership,
    private readonly options: LeaderSelectorOptions = {},
  ) {
    super();
    validatePath(path, { operation: 'LeaderSelector' });
    if (typeof takeLeadership !== 'function') {
      throw new RecipeError('BAD_ARGUMENT', 'LeaderSelector', path, 'takeLeadership must be a function');
    }
    if (options.id !== undefined && typeof options.id !== 'string') {
      throw new RecipeError('BAD_ARGUMENT', 'LeaderSelector', path, `id must be a string`);
    }
    this.policy = validateConnectionPolicy('LeaderSelector', path, options.connectionPolicy);
    this.autoRequeue = options.autoRequeue === true;
  }

  get state(): LeaderSelectorState {
    return this.stateValue;
  }

  /** Whether this participant leads right now (its callback runs and its lease holds). */
  get hasLeadership(): boolean {
    return this.term?.lease.isHeld === true;
  }

  /** The current term's lease, while leading. */
  get leadership(): Lease | undefined {
    return this.term?.lease.isHeld ? this.term.lease : undefined;
  }

  /** Whether this participant is in line or leading. */
  get isQueued(): boolean {
    return this.turns !== undefined;
  }

  /** Joins the line. A selector starts once; it cannot restart after close(). */
  start(): void {
    if (this.stateValue !== 'latent') {
      throw new RecipeError(
        'BAD_ARGUMENT',
        'LeaderSelector',
        this.path,
        this.stateValue === 'started' ? 'already started' : 'closed; a selector cannot be started again',
      );
    }
    if (this.client.state === 'closed' || this.client.state === 'authFailed') {
      throw new RecipeError(
        'CLOSED',
        'LeaderSelector',
        this.path,
        `the ZooKeeper client is ${this.client.state}`,
      );
    }
    this.stateValue = 'started';
    this.requeue();
  }

  /**
   * Joins the line again after a term (not needed with autoRequeue). Returns false when already in
   * line or leading, as Curator's requeue().
   */
  requeue(): boolean {
    if (this.stateValue !== 'started') {
      throw new RecipeError(
        this.stateValue === 'closed' ? 'CLOSED' : 'BAD_ARGUMENT',
        'LeaderSelector',
        this.path,
        this.stateValue === 'closed' ? 'the selector is closed' : 'not started; call start() first',
      );
    }
    if (this.turns) return false;
    this.turns = this.runTurns().finally(() => (this.turns = undefined));
    return true;
  }

  /** Ends the current term now: the callback's signal aborts and the node is deleted. */
  interruptLeadership(): void {
    if (this.term) void this.endTerm(this.term, 'released');
  }

  /**
   * Leaves the line: a waiting turn is cancelled, a running term ends (its signal aborts, reason
   * "closed"), and the promise resolves once the callback has returned and our node is deleted.
   */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.stateValue = 'closed';
    this.closing = (async () => {
      this.lifetime.abort(new RecipeError('CLOSED', 'LeaderSelector', this.path, 'the selector is closed'));
      const term = this.term;
      if (term) void this.endTerm(term, 'closed');
      await this.turns;
    })();
    return this.closing;
  }

  /** Every participant in line order (node data as UTF-8: an id, or a host address). */
  async participants(): Promise<LeaderParticipant[]> {
    const contenders = await listContenders(this.client, this.path, CONTENDER_NAMES);
    return contenders.map((contender, index) => ({
      id: contender.data.toString('utf8'),
      isLeader: index === 0,
      path: contender.path,
    }));
  }

  /** The participant whose node is first, if any. */
  async leader(): Promise<LeaderParticipant | undefined> {
    return (await this.participants())[0];
  }

  // ---- terms --------------------------------------------------------------------------------------

  private async runTurns(): Promise<void> {
    let failures = 0;
    do {
      const outcome = await this.takeTurn();
      if (outcome === 'closed') return;
      failures = outcome === 'failed' ? failures + 1 : 0;
      if (failures > 0)
        await sleep(Math.min(100 * 2 ** failures, 5000), this.lifetime.signal).catch(() => {});
    } while (this.autoRequeue && this.stateValue === 'started');
  }

  /** Waits in line, leads while the callback runs, lets go. */
  private async takeTurn(): Promise<'done' | 'failed' | 'closed'> {
    let node;
    try {
      node = await acquireLockNode({
        client: this.client,
        lockPath: this.path,
        nodeName: SELECTOR_LOCK_NAME,
        data: this.options.id ?? localAddress(),
        driver: this.driver,
        deadline: new Deadline('LeaderSelector', this.path, undefined, this.lifetime.signal),
      });
    } catch (error) {
      if (this.lifetime.signal.aborted) return 'closed';
      this.report(error);
      return 'failed';
    }
    if (!node) return 'failed'; // only a try-once acquire returns null
    if (this.lifetime.signal.aborted) {
      await deleteGuaranteed(this.client, node.path);
      return 'closed';
    }
    const term: Term = {
      lease: new Lease('LeaderSelector', node.path, node.stat.czxid, node.stat.ephemeralOwner, () =>
        this.endTerm(term, 'released'),
      ),
    };
    this.term = term;
    // Suspended (per policy), lost or closed: the lease ends at once and the node is deleted.
    bindLeaseToConnection(this.client, term.lease, this.policy);
    try {
      // Not when the connection dropped between winning and here: that term is already over.
      if (term.lease.isHeld) await this.takeLeadership(term.lease);
    } catch (error) {
      // A callback failing after its term ended is most likely stopping because its signal aborted.
      if (term.lease.isHeld) this.report(error);
    } finally {
      this.term = undefined;
    }
    await this.endTerm(term, 'released');
    return this.lifetime.signal.aborted ? 'closed' : 'done';
  }

  /**
   * Ends a term (once) and deletes its node, retried through connection losses; every caller gets
   * the same promise. The lease ends first, so the callback stops before a successor can start.
   */
  private endTerm(term: Term, reason: LeaseEndReason): Promise<void> {
    if (!term.released) {
      term.lease.end(reason);
      term.released = deleteGuaranteed(this.client, term.lease.path).catch((error: unknown) =>
        this.report(error),
      );
    }
    return term.released;
  }

  private report(error: unknown): void {
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }
}

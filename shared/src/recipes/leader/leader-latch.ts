import { EventEmitter } from 'node:events';
import type { ZooKeeperClient } from '../../client/index.ts';
import {
  isConnectionLossClass,
  isZooKeeperError,
  joinPath,
  nodeName,
  validatePath,
} from '../../client/index.ts';
import { waitForConnection, watchConnection } from '../core/connection.ts';
import { createProtected, type ProtectedNode } from '../core/create-protected.ts';
import { Deadline, sleep } from '../core/deadline.ts';
import { RecipeError } from '../core/errors.ts';
import { deleteGuaranteed } from '../core/guaranteed-delete.ts';
import { Lease, type LeaseEndReason } from '../core/lease.ts';
import { validateConnectionPolicy, type ConnectionPolicy } from '../core/lease-connection.ts';
import { listContenders } from '../core/lock-internals.ts';
import { waitForNodeChange } from '../core/node-change.ts';
import { sortContenders } from '../core/sequence-order.ts';

/** Curator's LeaderLatch lock name: nodes are `_c_<uuid>-latch-<seq>`. */
export const LATCH_LOCK_NAME = 'latch-';
const CONTENDER_NAMES = [LATCH_LOCK_NAME] as const;

export type LeaderLatchState = 'latent' | 'started' | 'closed';

export interface LeaderLatchOptions {
  /** stored in our node as UTF-8 and reported by participants(); default "" (empty data, as Curator) */
  id?: string;
  /**
   * When leadership ends because of the connection: "suspended" (default, Curator's Standard
   * policy) at the first sign of trouble — while the connection is down the servers may expire the
   * session and elect another participant before this client hears about it; or only when the
   * session is "lost" (Curator's Session policy), which keeps leadership through short blips but
   * lets two participants believe they lead during a partition: use it only when the resource
   * checks fencing tokens.
   */
  connectionPolicy?: ConnectionPolicy;
}

export interface LeadershipWaitOptions {
  /** give up after this long (RecipeError TIMEOUT); 0 checks without waiting; default: no limit */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** One participant of an election, in line order; the first is the leader (or about to be). */
export interface LeaderParticipant {
  /** the id its creator gave (node data as UTF-8); "" when none, the host address for anonymous Curator selectors */
  id: string;
  isLeader: boolean;
  /** its node */
  path: string;
}

export interface LeaderLatchEvents {
  /** this latch became leader; the lease says for how long */
  isLeader: [Lease];
  /** this latch stopped being leader, and why */
  notLeader: [LeaseEndReason];
  /** a ZooKeeper call failed in a way retrying may not fix (e.g. NOAUTH); the latch keeps retrying */
  error: [unknown];
}

/**
 * Leader election by latch, wire-compatible with Curator's LeaderLatch: every participant creates an
 * ephemeral-sequential `<path>/_c_<uuid>-latch-<seq>` node holding its id; the lowest sequence
 * leads; every other participant watches only its predecessor. A TypeScript latch and Curator
 * LeaderLatches on one path elect exactly one leader among them.
 *
 * ```ts
 * const latch = new LeaderLatch(client, '/services/billing/leader', { id: 'billing-7' });
 * latch.on('isLeader', (lease) => runSchedulerWhile(lease.signal, lease.fencingToken));
 * await latch.start();
 * const lease = await latch.waitForLeadership({ timeoutMs: 30_000 });
 * await store.write(job, { fencingToken: lease.fencingToken, signal: lease.signal });
 * // …
 * await latch.close();
 * ```
 *
 * Leadership is a Lease: its `fencingToken` is the czxid of the winning node (it grows with every new
 * leader, in the order they were elected) and its `signal` aborts the moment leadership ends.
 * `lease.release()` steps down: the node is deleted and the latch rejoins at the back of the line.
 *
 * One election loop per latch owns the node and is the only code that grants leadership; connection
 * events only take leadership away (at once) and make the loop look again. No two checks ever run
 * side by side, so reconnect storms cannot interleave (CURATOR-504, -620, -644, -645, -653).
 *
 * Connection policy: on "suspended" leadership ends at once (see LeaderLatchOptions). On
 * "reconnected" the loop looks again: if our node still exists, belongs to this session and is
 * first, this latch leads again with the same fencing token — no other participant can have led in
 * between, because every node that sorted before ours was gone already and later nodes sort after
 * it. On "lost" the node is gone with the session; a new one is created at the back of the line
 * (a new term, a larger token). If the latch path itself vanished meanwhile, it is re-created
 * (CURATOR-724). A node is only ever treated as ours while its owner is the current session
 * (CURATOR-696).
 */
export class LeaderLatch extends EventEmitter<LeaderLatchEvents> {
  private stateValue: LeaderLatchState = 'latent';
  /** our node in the election; owned by the election loop */
  private node: ProtectedNode | null = null;
  private lease: Lease | undefined;
  /** aborted by close(): ends every wait for good */
  private readonly lifetime = new AbortController();
  /** aborted by connection events and close(): the loop drops its current wait and looks again */
  private step = new AbortController();
  private loop: Promise<void> = Promise.resolve();
  private closing: Promise<void> | undefined;
  private stopWatchingConnection: () => void = () => {};
  /** set by lease.release(): the loop deletes our node, then rejoins */
  private stepDown: StepDownRequest[] = [];
  private joined: { resolve: () => void; reject: (error: unknown) => void } | undefined;
  private hasJoined = false;
  private readonly data: Buffer;
  private readonly policy: ConnectionPolicy;

  constructor(
    private readonly client: ZooKeeperClient,
    readonly path: string,
    options: LeaderLatchOptions = {},
  ) {
    super();
    validatePath(path, { operation: 'LeaderLatch' });
    const id = options.id ?? '';
    if (typeof id !== 'string') {
      throw new RecipeError('BAD_ARGUMENT', 'LeaderLatch', path, `id must be a string, got ${typeof id}`);
    }
    this.data = Buffer.from(id, 'utf8');
    this.policy = validateConnectionPolicy('LeaderLatch', path, options.connectionPolicy);
  }

  get state(): LeaderLatchState {
    return this.stateValue;
  }

  /** Whether this latch leads right now. False from the first sign of connection trouble. */
  get hasLeadership(): boolean {
    return this.lease?.isHeld === true;
  }

  /** The current leadership, if this latch leads. */
  get leadership(): Lease | undefined {
    return this.lease?.isHeld ? this.lease : undefined;
  }

  /** Our node in the election, if we have one right now. */
  get ourPath(): string | undefined {
    return this.node?.path;
  }

  /**
   * Joins the election. Resolves once our node is in line (leadership may follow at any time:
   * listen for "isLeader" or call waitForLeadership); waits for a connection if there is none.
   * Rejects, and closes the latch, if the node cannot be created for a reason retrying cannot fix
   * (e.g. NOAUTH). A latch starts once; it cannot restart after close().
   */
  async start(): Promise<void> {
    if (this.stateValue !== 'latent') {
      throw new RecipeError(
        'BAD_ARGUMENT',
        'LeaderLatch',
        this.path,
        this.stateValue === 'started' ? 'already started' : 'closed; a latch cannot be started again',
      );
    }
    if (this.client.state === 'closed' || this.client.state === 'authFailed') {
      throw new RecipeError(
        'CLOSED',
        'LeaderLatch',
        this.path,
        `the ZooKeeper client is ${this.client.state}`,
      );
    }
    this.stateValue = 'started';
    const joined = new Promise<void>((resolve, reject) => (this.joined = { resolve, reject }));
    this.stopWatchingConnection = watchConnection(this.client, {
      onSuspended: () => {
        if (this.policy === 'suspended') this.endLeadership('suspended');
        this.interruptStep();
      },
      onLost: () => {
        this.endLeadership('lost');
        this.interruptStep();
      },
      onReconnected: () => this.interruptStep(),
      onClosed: () => void this.shutdown(true),
    });
    this.loop = this.runElection();
    await joined;
  }

  /**
   * Waits until this latch leads and returns the leadership (at once if it leads already).
   * Rejects with RecipeError TIMEOUT / ABORTED, CLOSED if the latch is or gets closed, and
   * BAD_ARGUMENT if it was never started.
   */
  async waitForLeadership(options: LeadershipWaitOptions = {}): Promise<Lease> {
    const deadline = new Deadline('LeaderLatch', this.path, options.timeoutMs, options.signal);
    if (this.stateValue === 'latent') {
      throw new RecipeError('BAD_ARGUMENT', 'LeaderLatch', this.path, 'not started; call start() first');
    }
    if (this.stateValue === 'closed') throw this.closedError();
    if (this.lease?.isHeld) return this.lease;
    deadline.throwIfDone();
    if (options.timeoutMs === 0) {
      throw new RecipeError('TIMEOUT', 'LeaderLatch', this.path, 'not the leader (timeoutMs 0)');
    }
    return new Promise<Lease>((resolve, reject) => {
      const cleanup = (): void => {
        this.off('isLeader', onLeader);
        deadline.signal.removeEventListener('abort', onAbort);
        this.lifetime.signal.removeEventListener('abort', onClosed);
      };
      const onLeader = (lease: Lease): void => {
        cleanup();
        resolve(lease);
      };
      const onAbort = (): void => {
        cleanup();
        reject(deadline.error());
      };
      const onClosed = (): void => {
        cleanup();
        reject(this.closedError());
      };
      this.on('isLeader', onLeader);
      deadline.signal.addEventListener('abort', onAbort, { once: true });
      this.lifetime.signal.addEventListener('abort', onClosed, { once: true });
    });
  }

  /**
   * Leaves the election: leadership ends (its signal aborts) and our node is deleted, retried
   * through connection losses until the server confirms it. "notLeader" is emitted only with
   * `notifyLeader` (Curator's CloseMode.NOTIFY_LEADER); the default is silent, as in Curator.
   * Closing again returns the same promise.
   */
  close(options: { notifyLeader?: boolean } = {}): Promise<void> {
    return this.shutdown(options.notifyLeader === true);
  }

  /** Every participant in line order, decoded as Curator does (node data as UTF-8). */
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

  // ---- the election loop ------------------------------------------------------------------------

  private async runElection(): Promise<void> {
    let failures = 0;
    while (!this.lifetime.signal.aborted) {
      const step = (this.step = new AbortController());
      try {
        await this.electionStep(step.signal);
        failures = 0;
      } catch (error) {
        if (this.lifetime.signal.aborted) break;
        if (step.signal.aborted) continue;
        if (isConnectionTrouble(error)) {
          // Look again once connected; a server that throttles or times out while the connection
          // stays up must not make this loop spin.
          if (this.client.state === 'connected') await sleep(50, this.lifetime.signal).catch(() => {});
          continue;
        }
        if (!this.hasJoined) {
          // Could not even get in line (e.g. NOAUTH on the latch path): start() fails with the cause.
          this.joined?.reject(error);
          void this.shutdown(false);
          break;
        }
        failures++;
        if (this.listenerCount('error') > 0) this.emit('error', error);
        await sleep(Math.min(100 * 2 ** failures, 5000), this.lifetime.signal).catch(() => {});
      }
    }
  }

  /** One look at the election, then one wait for the change that could alter it. */
  private async electionStep(signal: AbortSignal): Promise<void> {
    await waitForConnection(this.client, signal);
    for (const request of this.stepDown.splice(0)) await this.deleteOurNode(request);
    let node = this.node;
    if (node && node.stat.ephemeralOwner !== this.client.sessionId) {
      // Created by an earlier session: gone with it, or about to be. Never ours again (CURATOR-696).
      this.endLeadership('lost');
      this.discardNode(node);
      node = null;
    }
    if (!node) {
      node = await createProtected(this.client, this.path, LATCH_LOCK_NAME, this.data, {
        mode: 'ephemeralSequential',
        signal: this.lifetime.signal,
      });
      if (this.lifetime.signal.aborted) {
        await deleteGuaranteed(this.client, node.path);
        return;
      }
      this.node = node;
      this.hasJoined = true;
      this.joined?.resolve();
    }

    let children: string[];
    try {
      ({ children } = await this.client.getChildren(this.path, { signal }));
    } catch (error) {
      if (!isZooKeeperError(error, 'NONODE')) throw error;
      children = []; // the latch path was deleted, our node with it (CURATOR-724)
    }
    const contenders = sortContenders(children, CONTENDER_NAMES);
    const ownIndex = contenders.findIndex((contender) => contender.name === nodeName(node.path));
    if (ownIndex < 0) {
      // Deleted by someone else, or with the latch path: take a new place in line.
      this.endLeadership('lost');
      this.discardNode(node);
      return;
    }
    if (ownIndex > 0) {
      this.endLeadership('lost');
      const predecessor = joinPath(this.path, contenders[ownIndex - 1]!.name);
      await waitForNodeChange(this.client, predecessor, signal);
      return;
    }
    // First in line. Lead only if nothing happened meanwhile and the node is this session's.
    if (signal.aborted || node.stat.ephemeralOwner !== this.client.sessionId) return;
    if (this.client.state !== 'connected') {
      // A read-only server: no leadership until a read-write server is back.
      await sleep(200, signal);
      return;
    }
    this.claimLeadership(node);
    // Leaders watch their own node, so that a deletion behind our back ends leadership too.
    await waitForNodeChange(this.client, node.path, signal);
  }

  private claimLeadership(node: ProtectedNode): void {
    if (this.lease?.isHeld && this.lease.path === node.path) return;
    const lease: Lease = new Lease('LeaderLatch', node.path, node.stat.czxid, node.stat.ephemeralOwner, () =>
      this.requestStepDown(lease),
    );
    this.lease = lease;
    this.emit('isLeader', lease);
  }

  /** Ends leadership now; called from connection events as well as from the loop. */
  private endLeadership(reason: LeaseEndReason, notify = true): void {
    const lease = this.lease;
    if (!lease?.isHeld) return;
    lease.end(reason);
    if (notify) this.emit('notLeader', reason);
  }

  private interruptStep(): void {
    this.step.abort();
  }

  private discardNode(node: ProtectedNode): void {
    if (this.node === node) this.node = null;
    void deleteGuaranteed(this.client, node.path).catch(() => {});
  }

  /** lease.release(): end leadership now; the loop deletes the node and takes a new place. */
  private requestStepDown(lease: Lease): Promise<void> {
    if (lease !== this.lease || !lease.isHeld) return Promise.resolve();
    this.endLeadership('released');
    return new Promise<void>((done, failed) => {
      this.stepDown.push({ lease, done, failed });
      this.interruptStep();
    });
  }

  private async deleteOurNode(request: StepDownRequest): Promise<void> {
    const node = this.node;
    try {
      if (node && node.path === request.lease.path) {
        this.node = null;
        await deleteGuaranteed(this.client, node.path);
      }
      request.done();
    } catch (error) {
      request.failed(error);
    }
  }

  private shutdown(notify: boolean): Promise<void> {
    if (this.closing) return this.closing;
    const wasStarted = this.stateValue === 'started';
    this.stateValue = 'closed';
    this.closing = (async () => {
      this.stopWatchingConnection();
      // Leadership ends before the node goes, so this process stops acting before a successor starts.
      this.endLeadership('closed', notify);
      this.lifetime.abort(this.closedError());
      this.interruptStep();
      this.joined?.reject(this.closedError());
      if (!wasStarted) return;
      await this.loop;
      for (const request of this.stepDown.splice(0)) request.done();
      const node = this.node;
      this.node = null;
      if (node) await deleteGuaranteed(this.client, node.path);
    })();
    return this.closing;
  }

  private closedError(): RecipeError {
    return new RecipeError('CLOSED', 'LeaderLatch', this.path, 'the latch is closed');
  }
}

interface StepDownRequest {
  lease: Lease;
  done: () => void;
  failed: (error: unknown) => void;
}

function isConnectionTrouble(error: unknown): boolean {
  return isConnectionLossClass(error) || isZooKeeperError(error, 'SESSIONEXPIRED');
}

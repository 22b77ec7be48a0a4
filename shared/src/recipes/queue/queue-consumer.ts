import { EventEmitter } from 'node:events';
import type { MultiOp, WatchedEvent, ZooKeeperClient } from '../../client/index.ts';
import { MultiError, isConnectionLossClass, isZooKeeperError, joinPath, op } from '../../client/index.ts';
import { waitForConnection, watchConnection } from '../core/connection.ts';
import { Deadline } from '../core/deadline.ts';
import { RecipeError } from '../core/errors.ts';
import { localAddress } from '../core/local-address.ts';
import { deleteWhileSessionLives } from '../core/session-bound-delete.ts';
import { decodeEnvelope } from './item-envelope.ts';
import { requeuePrefix, sortItems } from './item-naming.ts';
import type { QueueCore } from './queue-core.ts';

/**
 * How a consumer takes an item, and what a crash mid-item costs:
 *
 * - "at-most-once" (Curator without lockPath): read the item, delete it (with the version read, so
 *   only one consumer wins), then process. A consumer that dies mid-item loses it.
 * - "at-least-once" (Curator's lockPath mode): claim the item with an ephemeral `<lockPath>/<item>`
 *   node, process, delete the item, delete the claim. A consumer that dies mid-item loses its claim
 *   with its session and another consumer processes the item again — so an item can be processed
 *   twice, but only when a consumer died (or its session expired) while working on it (CURATOR-605).
 * - "exactly-once": as at-least-once, but the claim also fences the item. The claim is one
 *   transaction — create the claim node and rewrite the item (same bytes), moving the item's version
 *   on — and the acknowledgement is one transaction that checks the claim still exists, deletes the
 *   item at the version this claim gave it, and applies the ZooKeeper operations the handler
 *   returned. A consumer whose claim ended (session expired, process paused past the timeout) cannot
 *   acknowledge: whoever claimed the item after it moved the version on, and if nobody did, the claim
 *   check fails. So the effects applied through the acknowledgement happen exactly once per item.
 *   Effects outside ZooKeeper are not covered: give them `context.itemKey` as an idempotency key
 *   and `context.fencingToken` (grows with every claim) so the other system can refuse a stale
 *   consumer. All consumers of an exactly-once queue must use this mode: an at-most-once or Curator
 *   consumer deletes items without looking at the fence.
 */
export type DeliveryMode = 'at-most-once' | 'at-least-once' | 'exactly-once';

/**
 * What happens to a queue node when the handler throws (Curator's ErrorMode): "requeue" (the default)
 * puts its bytes back at the end of the queue as a new node with the same variant part (priority,
 * due time, id) in the same transaction that deletes it; "delete" drops it. At-most-once items are
 * already gone from the queue when the handler runs, so their failures only produce an event.
 */
export type ErrorMode = 'requeue' | 'delete';

export interface QueueItemContext {
  /** the item's node name, e.g. queue-0000000012 */
  readonly itemName: string;
  readonly itemPath: string;
  /** stays the same when the item is processed again: an idempotency key for effects elsewhere */
  readonly itemKey: string;
  /** position of this item in its node (putMulti packs several items into one node) */
  readonly index: number;
  readonly count: number;
  readonly mode: DeliveryMode;
  /**
   * Aborts when the item's claim can no longer be trusted — exactly-once: on suspended, lost or
   * closed (anything returned afterwards is discarded and the item stays queued); at-least-once: on
   * lost or closed; at-most-once: on closed. Pass it to whatever the handler awaits.
   */
  readonly signal: AbortSignal;
  /** exactly-once: zxid of the write that claimed the item; every later claim of any item gets a larger one */
  readonly fencingToken: bigint | undefined;
}

/**
 * Processes one item. ZooKeeper operations it returns are committed when the item is acknowledged:
 * in one transaction with the (fenced) delete of the item in exactly-once and at-least-once mode,
 * after the item was taken in at-most-once mode. Throwing applies the ErrorMode to the whole node.
 */
export type QueueHandler<T> = (
  item: T,
  context: QueueItemContext,
) => void | readonly MultiOp[] | Promise<void | readonly MultiOp[]>;

export interface ConsumeOptions {
  /** default: "at-least-once" if the queue has a lockPath, else "at-most-once" */
  mode?: DeliveryMode;
  errorMode?: ErrorMode;
  /** stop after this many queue nodes were handled */
  limit?: number;
  /** stop after this long */
  timeoutMs?: number;
  /** stop when this fires */
  signal?: AbortSignal;
  /**
   * Re-read the queue after this many items if it changed meanwhile, so that urgent items put later
   * jump ahead (Curator's minItemsBeforeRefresh, for priority queues). Default: read the queue again
   * only once the items of the last read are handled.
   */
  minItemsBeforeRefresh?: number;
}

export interface ConsumerSummary {
  /** queue nodes handled by this consumer (processed, or failed and requeued or dropped) */
  handled: number;
  reason: 'stopped' | 'limit' | 'timeout' | 'aborted';
}

export interface QueueConsumerEvents {
  /** a node's items were processed and acknowledged */
  processed: [{ itemName: string; items: number }];
  /** a node whose envelope (or item bytes) could not be read; dropped as Curator does, its bytes given here */
  corrupt: [{ itemName: string; data: Buffer; error: Error }];
  /** the handler threw; `action` is what happened to the node */
  itemFailed: [{ itemName: string; error: unknown; action: 'requeued' | 'deleted' | 'dropped' }];
  /** the claim ended before the acknowledgement, which was refused or not sent; the item stays for another consumer */
  fenced: [{ itemName: string; reason: string }];
  /** the acknowledgement's reply was lost and the item is gone: applied by this consumer or by one that claimed it after */
  outcomeUnknown: [{ itemName: string }];
}

type ItemOutcome =
  /** acknowledged (processed, requeued or dropped) */
  | 'handled'
  /** another consumer has it */
  | 'taken'
  /** not there any more */
  | 'gone'
  /** connection trouble or a lost claim: left in the queue, to be tried again later */
  | 'abandoned';

interface Claim {
  path: string;
  sessionId: bigint;
  /** deleted by the acknowledgement */
  released?: boolean;
  /** exactly-once: the item's version after the claiming write */
  fencedVersion?: number;
  fencingToken?: bigint;
}

/**
 * A running consumer: takes items from a Curator-style queue in the variant's order, one at a time,
 * until stopped. Created by the queues' consume(); `done` settles when it stops.
 *
 * Connection policy: on suspended it stops claiming items (the session may be expiring, and claims
 * made now could be orphaned); in exactly-once mode the in-flight item's signal aborts, because its
 * claim may be taken over before this client hears of it. On lost, every claim is gone with the
 * session, and the items they held become available to other consumers; the in-flight signal
 * aborts in claim modes, and the consumer carries on with the client's new session.
 */
export class QueueConsumer<T> extends EventEmitter<QueueConsumerEvents> {
  readonly mode: DeliveryMode;
  /** settles when the consumer stops; rejects if it cannot go on (client closed, no permission…) */
  readonly done: Promise<ConsumerSummary>;
  private readonly errorMode: ErrorMode;
  private readonly limit: number;
  private readonly minItemsBeforeRefresh: number;
  private readonly deadline: Deadline;
  private readonly stopController = new AbortController();
  private readonly stopSignal: AbortSignal;
  private readonly client: ZooKeeperClient;
  private handledCount = 0;
  /** aborted per the connection policy while an item is processed */
  private inFlight: AbortController | undefined;
  private queueChanged = new Wakeup();
  private claimsChanged = new Wakeup();
  private readonly queueWatcher = (event: WatchedEvent): void => this.queueChanged.fire(event);
  private readonly claimsWatcher = (event: WatchedEvent): void => this.claimsChanged.fire(event);

  constructor(
    private readonly core: QueueCore<T>,
    private readonly handler: QueueHandler<T>,
    options: ConsumeOptions,
  ) {
    super();
    this.client = core.client;
    this.mode = options.mode ?? (core.lockPath ? 'at-least-once' : 'at-most-once');
    if (!['at-most-once', 'at-least-once', 'exactly-once'].includes(this.mode)) {
      throw core.badArgument(`unknown mode "${String(this.mode)}"`);
    }
    if (this.mode !== 'at-most-once' && !core.lockPath) {
      throw core.badArgument(`${this.mode} consumers claim items under a lockPath; give the queue one`);
    }
    if (typeof handler !== 'function') throw core.badArgument('the handler must be a function');
    this.errorMode = options.errorMode ?? 'requeue';
    if (this.errorMode !== 'requeue' && this.errorMode !== 'delete') {
      throw core.badArgument(`unknown errorMode "${String(this.errorMode)}"`);
    }
    this.limit = positiveInteger(core, 'limit', options.limit) ?? Infinity;
    this.minItemsBeforeRefresh =
      positiveInteger(core, 'minItemsBeforeRefresh', options.minItemsBeforeRefresh) ?? Infinity;
    this.deadline = new Deadline(core.recipe, core.path, options.timeoutMs, options.signal);
    this.stopSignal = AbortSignal.any([this.deadline.signal, this.stopController.signal]);
    this.done = this.run();
    this.done.catch(() => {}); // the caller may only ever call stop(); an unobserved failure must not crash the process
  }

  /** Nodes handled so far. */
  get handled(): number {
    return this.handledCount;
  }

  /** Stops taking items; resolves once the item in progress, if any, is finished. */
  stop(): Promise<ConsumerSummary> {
    this.stopController.abort();
    return this.done;
  }

  // ---- the loop ---------------------------------------------------------------------------------

  private async run(): Promise<ConsumerSummary> {
    const stopWatching = watchConnection(this.client, {
      onSuspended: () => {
        if (this.mode === 'exactly-once')
          this.abortInFlight('the connection was suspended: the claim is uncertain');
      },
      onLost: () => {
        if (this.mode !== 'at-most-once') this.abortInFlight('the session was lost, and the claim with it');
      },
      onClosed: () => this.abortInFlight('the client was closed'),
    });
    try {
      await this.core.ensureNodes(this.stopSignal);
      while (!this.stopSignal.aborted && this.handledCount < this.limit) {
        // Suspended: claim nothing new until the session is known to be alive.
        await this.waitForReadWriteConnection();
        await this.round();
      }
      return this.summary();
    } catch (error) {
      if (this.stopSignal.aborted) return this.summary();
      throw error;
    } finally {
      stopWatching();
      await Promise.allSettled(
        [[this.core.path, this.queueWatcher] as const, [this.core.lockPath, this.claimsWatcher] as const].map(
          ([path, watcher]) =>
            path ? this.client.removeWatches(path, 'children', { watcher, local: true }) : undefined,
        ),
      );
    }
  }

  /** Connected to a server that takes writes: a read-only server could not take a single item. */
  private async waitForReadWriteConnection(): Promise<void> {
    while (this.client.state !== 'connected') {
      if (this.client.state === 'readOnly') {
        await this.client
          .waitForState(['connected', 'suspended', 'lost', 'closed'], {
            timeoutMs: 60_000,
            signal: this.stopSignal,
          })
          .catch((error: unknown) => {
            if (this.stopSignal.aborted) throw error;
          });
      } else {
        await waitForConnection(this.client, this.stopSignal);
      }
    }
  }

  private summary(): ConsumerSummary {
    const reason =
      this.handledCount >= this.limit
        ? 'limit'
        : this.stopController.signal.aborted
          ? 'stopped'
          : this.deadline.signal.reason instanceof DOMException &&
              this.deadline.signal.reason.name === 'TimeoutError'
            ? 'timeout'
            : 'aborted';
    return { handled: this.handledCount, reason };
  }

  /** Reads the queue once and works through what it found; waits if there was nothing to do. */
  private async round(): Promise<void> {
    this.queueChanged = new Wakeup();
    this.claimsChanged = new Wakeup();
    let children: string[];
    try {
      ({ children } = await this.client.getChildren(this.core.path, { watch: this.queueWatcher }));
    } catch (error) {
      if (isZooKeeperError(error, 'NONODE')) return this.core.ensureQueueNode(this.stopSignal);
      if (isConnectionLossClass(error) || isZooKeeperError(error, 'SESSIONEXPIRED')) return;
      throw error;
    }
    const items = sortItems(children, this.core.naming);
    const taken: string[] = [];
    let nextDueAt = Infinity;
    let handledThisRound = 0;
    for (const name of items) {
      if (this.stopSignal.aborted || this.handledCount >= this.limit) return;
      const dueAt = this.core.naming.dueAt(name);
      if (dueAt > Date.now()) {
        nextDueAt = Math.min(nextDueAt, dueAt);
        continue;
      }
      if (this.client.state !== 'connected') return;
      const outcome = await this.processItem(name);
      if (outcome === 'handled') {
        this.handledCount++;
        handledThisRound++;
        if (this.queueChanged.fired && handledThisRound >= this.minItemsBeforeRefresh) return;
      } else if (outcome === 'abandoned') {
        return; // connection trouble: start over once connected
      } else {
        if (outcome === 'taken') taken.push(name);
        // The list is stale: other consumers are ahead of us in it. Read it again.
        if (this.queueChanged.fired) return;
      }
    }
    if (handledThisRound > 0 && this.queueChanged.fired) return;
    // Nothing left for us. Wait for new items, for a due time, or — when others hold claims — for a
    // claim to vanish without its item (its consumer died: the item is ours to take now).
    if (taken.length > 0 && (await this.claimsAlreadyReleased(taken))) return;
    await this.waitForWork(nextDueAt);
  }

  private async claimsAlreadyReleased(taken: readonly string[]): Promise<boolean> {
    this.claimsChanged = new Wakeup();
    try {
      const { children } = await this.client.getChildren(this.core.lockPath!, { watch: this.claimsWatcher });
      const claims = new Set(children);
      return taken.some((name) => !claims.has(name));
    } catch (error) {
      if (isZooKeeperError(error, 'NONODE') || isConnectionLossClass(error)) return true;
      if (isZooKeeperError(error, 'SESSIONEXPIRED')) return true;
      throw error;
    }
  }

  private async waitForWork(nextDueAt: number): Promise<void> {
    const waits: Promise<unknown>[] = [this.queueChanged.promise, this.claimsChanged.promise];
    const timers: NodeJS.Timeout[] = [];
    if (nextDueAt < Infinity) {
      waits.push(
        new Promise((resolve) => timers.push(setTimeout(resolve, Math.max(0, nextDueAt - Date.now())))),
      );
    }
    let onStop: () => void = () => {};
    waits.push(new Promise<void>((resolve) => (onStop = resolve)));
    if (this.stopSignal.aborted) onStop();
    this.stopSignal.addEventListener('abort', onStop, { once: true });
    try {
      await Promise.race(waits);
    } finally {
      for (const timer of timers) clearTimeout(timer);
      this.stopSignal.removeEventListener('abort', onStop);
    }
  }

  private abortInFlight(reason: string): void {
    this.inFlight?.abort(new RecipeError('LOST', this.core.recipe, this.core.path, reason));
  }

  // ---- one item -----------------------------------------------------------------------------------

  private processItem(name: string): Promise<ItemOutcome> {
    switch (this.mode) {
      case 'at-most-once':
        return this.takeThenProcess(name);
      case 'at-least-once':
      case 'exactly-once':
        return this.claimThenProcess(name);
    }
  }

  /**
   * at-most-once: the item leaves the queue before it is processed. The read and the delete are
   * sent together: ZooKeeper serves one session's requests in order, so the read sees the item as
   * it was just before our delete, and only the consumer whose delete succeeds processes it.
   */
  private async takeThenProcess(name: string): Promise<ItemOutcome> {
    const itemPath = joinPath(this.core.path, name);
    const [read, deleted] = await Promise.allSettled([
      this.client.getData(itemPath),
      this.client.delete(itemPath),
    ]);
    if (deleted.status === 'rejected') {
      const error: unknown = deleted.reason;
      if (isZooKeeperError(error, 'NONODE')) return 'taken';
      // A delete whose reply was lost may have removed the item: at most once means not processing
      // it, since another consumer may have taken it instead.
      if (isConnectionLossClass(error) || isZooKeeperError(error, 'SESSIONEXPIRED')) return 'abandoned';
      throw error;
    }
    if (read.status === 'rejected') throw read.reason;
    const data = read.value.data;
    const items = this.decode(name, data);
    if (!items) return 'handled';
    const context = this.contextFor(name, undefined);
    const result = await this.runHandler(items, context);
    if ('error' in result) {
      this.emit('itemFailed', { itemName: name, error: result.error, action: 'dropped' });
      return 'handled';
    }
    if (result.ops.length > 0) {
      try {
        await this.client.multi(result.ops);
      } catch (error) {
        this.emit('itemFailed', { itemName: name, error, action: 'dropped' });
        return 'handled';
      }
    }
    this.emit('processed', { itemName: name, items: items.length });
    return 'handled';
  }

  /** at-least-once and exactly-once: claim, process, acknowledge, release. */
  private async claimThenProcess(name: string): Promise<ItemOutcome> {
    const itemPath = joinPath(this.core.path, name);
    let read: { data: Buffer; version: number } | ItemOutcome;
    let claim: Claim | ItemOutcome;
    if (this.mode === 'exactly-once') {
      // The claiming transaction rewrites the item at the version read here, so a stale read fails it.
      read = await this.readItem(itemPath);
      if (typeof read === 'string') return read;
      claim = await this.claim(name, itemPath, read);
      if (typeof claim === 'string') return claim;
    } else {
      const claimed = await this.claimAndRead(name, itemPath);
      if (typeof claimed === 'string') return claimed;
      ({ claim, read } = claimed);
    }
    try {
      const items = this.decode(name, read.data);
      if (!items) {
        const dropped = await this.acknowledge(name, itemPath, claim, []);
        return dropped === 'fenced' ? 'abandoned' : 'handled';
      }
      const context = this.contextFor(name, claim.fencingToken);
      const result = await this.runHandler(items, context);
      if (this.mode === 'exactly-once' && context.signal.aborted) {
        this.emit('fenced', { itemName: name, reason: String((context.signal.reason as Error).message) });
        return 'abandoned';
      }
      if ('error' in result) return await this.handleFailure(name, itemPath, claim, read.data, result.error);
      const acknowledged = await this.acknowledge(name, itemPath, claim, result.ops);
      if (typeof acknowledged === 'object') {
        // One of the handler's operations failed: the item was not acknowledged, treat it as a failure.
        return await this.handleFailure(name, itemPath, claim, read.data, acknowledged.error);
      }
      if (acknowledged === 'fenced') return 'abandoned';
      if (acknowledged === 'committed') this.emit('processed', { itemName: name, items: items.length });
      return 'handled';
    } finally {
      if (!claim.released) await deleteWhileSessionLives(this.client, claim.path, claim.sessionId);
    }
  }

  private async readItem(
    itemPath: string,
  ): Promise<{ data: Buffer; version: number } | 'gone' | 'abandoned'> {
    try {
      const { data, stat } = await this.client.getData(itemPath);
      return { data, version: stat.version };
    } catch (error) {
      if (isZooKeeperError(error, 'NONODE')) return 'gone';
      if (isConnectionLossClass(error) || isZooKeeperError(error, 'SESSIONEXPIRED')) return 'abandoned';
      throw error;
    }
  }

  /**
   * at-least-once: creates the ephemeral claim `<lockPath>/<item>`, then reads the item — sent
   * together, served in that order. Claim first, then read, as Curator does: read before claiming,
   * and another consumer could process the item and release its claim in between, and we would
   * process it a second time.
   */
  private async claimAndRead(
    name: string,
    itemPath: string,
  ): Promise<{ claim: Claim; read: { data: Buffer; version: number } } | ItemOutcome> {
    const claimPath = joinPath(this.core.lockPath!, name);
    const sessionId = this.client.sessionId;
    for (;;) {
      const [claimed, read] = await Promise.allSettled([
        this.client.create(claimPath, localAddress(), { mode: 'ephemeral' }),
        this.client.getData(itemPath),
      ]);
      if (claimed.status === 'rejected') {
        const error: unknown = claimed.reason;
        if (isZooKeeperError(error, 'NODEEXISTS')) return 'taken';
        if (isZooKeeperError(error, 'NONODE')) {
          await this.core.ensureNodes(this.stopSignal); // the claims directory was removed
          continue;
        }
        if (isConnectionLossClass(error) || isZooKeeperError(error, 'SESSIONEXPIRED')) {
          void this.releaseIfOurs(claimPath, sessionId);
          return 'abandoned';
        }
        throw error;
      }
      const claim: Claim = { path: claimPath, sessionId };
      if (read.status === 'fulfilled') {
        return { claim, read: { data: read.value.data, version: read.value.stat.version } };
      }
      await deleteWhileSessionLives(this.client, claimPath, sessionId);
      const error: unknown = read.reason;
      if (isZooKeeperError(error, 'NONODE')) return 'gone';
      if (isConnectionLossClass(error) || isZooKeeperError(error, 'SESSIONEXPIRED')) return 'abandoned';
      throw error;
    }
  }

  /**
   * exactly-once: creates the ephemeral claim `<lockPath>/<item>` and rewrites the item with its own
   * bytes in one transaction, expecting the version just read: the new version is this claim's
   * fence, and the write's zxid its fencing token.
   */
  private async claim(
    name: string,
    itemPath: string,
    read: { data: Buffer; version: number },
  ): Promise<Claim | 'taken' | 'gone' | 'abandoned'> {
    const claimPath = joinPath(this.core.lockPath!, name);
    const sessionId = this.client.sessionId;
    for (;;) {
      try {
        const results = await this.client.multi([
          op.create(claimPath, localAddress(), { mode: 'ephemeral' }),
          op.setData(itemPath, read.data, read.version),
        ]);
        const written = results[1];
        if (written?.type !== 'setData') throw new Error('multi returned no setData result');
        return {
          path: claimPath,
          sessionId,
          fencedVersion: written.stat.version,
          fencingToken: written.stat.mzxid,
        };
      } catch (error) {
        const code = error instanceof MultiError || isZooKeeperError(error) ? error.code : undefined;
        const failedOn = error instanceof MultiError ? error.failedIndex : 0;
        if (code === 'NODEEXISTS') return 'taken';
        if (code === 'NONODE' && failedOn === 0) {
          await this.core.ensureNodes(this.stopSignal); // the claims directory was removed
          continue;
        }
        if (code === 'NONODE') return 'gone';
        if (code === 'BADVERSION') return 'taken';
        if (isConnectionLossClass(error) || isZooKeeperError(error, 'SESSIONEXPIRED')) {
          // The claim may exist; if it is ours, free it so that the item is not blocked until our session ends.
          void this.releaseIfOurs(claimPath, sessionId);
          return 'abandoned';
        }
        throw error;
      }
    }
  }

  private async releaseIfOurs(claimPath: string, sessionId: bigint): Promise<void> {
    try {
      await waitForConnection(this.client, new AbortController().signal);
      const stat = await this.client.exists(claimPath);
      if (stat?.ephemeralOwner === sessionId)
        await deleteWhileSessionLives(this.client, claimPath, sessionId);
    } catch {
      // The client closed: the claim ends with its session.
    }
  }

  /**
   * Deletes the item and the claim together with `ops` in one transaction. In exactly-once mode the
   * claim is deleted at version 0 and the item at the version our claim gave it, so the transaction
   * fails unless our claim is still the item's latest. A lost reply is resolved by looking at the
   * item once connected again: still there (at the fenced version) means the transaction was not
   * applied, and it is sent again.
   */
  private async acknowledge(
    name: string,
    itemPath: string,
    claim: Claim,
    ops: readonly MultiOp[],
    replacement?: MultiOp,
  ): Promise<'committed' | 'fenced' | 'unknown' | { error: unknown }> {
    const exactlyOnce = this.mode === 'exactly-once';
    let fence: MultiOp[] = exactlyOnce
      ? [op.delete(claim.path, 0), op.delete(itemPath, claim.fencedVersion!)]
      : [op.delete(itemPath), op.delete(claim.path)];
    for (;;) {
      if (exactlyOnce && this.client.sessionId !== claim.sessionId) {
        this.emit('fenced', { itemName: name, reason: 'the session that claimed the item ended' });
        return 'fenced';
      }
      try {
        await this.client.multi([...fence, ...(replacement ? [replacement] : []), ...ops]);
        if (fence.length === 2) claim.released = true;
        return 'committed';
      } catch (error) {
        if (error instanceof MultiError) {
          if (error.failedIndex >= fence.length) return { error };
          if (exactlyOnce) {
            this.emit('fenced', { itemName: name, reason: `acknowledgement refused: ${error.message}` });
            return 'fenced';
          }
          // at-least-once: the item is gone (another consumer processed it after our claim ended)…
          if (error.failedIndex === 0) return 'committed';
          // …or our claim is (our session ended): the work is done, so delete the item anyway.
          fence = [op.delete(itemPath)];
          continue;
        }
        if (!isConnectionLossClass(error) && !isZooKeeperError(error, 'SESSIONEXPIRED')) throw error;
      }
      await waitForConnection(this.client, new AbortController().signal);
      const still = await this.itemStillQueued(itemPath, claim);
      if (!still) {
        if (this.mode === 'exactly-once' && this.client.sessionId !== claim.sessionId) {
          this.emit('outcomeUnknown', { itemName: name });
          return 'unknown';
        }
        return 'committed';
      }
    }
  }

  private async itemStillQueued(itemPath: string, claim: Claim): Promise<boolean> {
    for (;;) {
      try {
        await this.client.sync(itemPath);
        const stat = await this.client.exists(itemPath);
        if (!stat) return false;
        return this.mode !== 'exactly-once' || stat.version === claim.fencedVersion;
      } catch (error) {
        if (!isConnectionLossClass(error) && !isZooKeeperError(error, 'SESSIONEXPIRED')) throw error;
        await waitForConnection(this.client, new AbortController().signal);
      }
    }
  }

  private async handleFailure(
    name: string,
    itemPath: string,
    claim: Claim,
    data: Buffer,
    error: unknown,
  ): Promise<ItemOutcome> {
    const requeue =
      this.errorMode === 'requeue'
        ? op.create(joinPath(this.core.path, requeuePrefix(name)), data, { mode: 'persistentSequential' })
        : undefined;
    const outcome = await this.acknowledge(name, itemPath, claim, [], requeue);
    if (outcome === 'fenced') return 'abandoned';
    if (typeof outcome === 'object') throw outcome.error; // cannot happen without handler ops
    this.emit('itemFailed', { itemName: name, error, action: requeue ? 'requeued' : 'deleted' });
    return 'handled';
  }

  // ---- items and the handler --------------------------------------------------------------------

  /** The node's items, or null if it is corrupt (reported, and dropped by the caller as Curator does). */
  private decode(name: string, data: Buffer): T[] | null {
    try {
      return decodeEnvelope(data).map((bytes) => this.core.serializer.deserialize(bytes));
    } catch (error) {
      const reason = error instanceof Error ? error : new Error(String(error));
      if (this.listenerCount('corrupt') === 0) {
        // Nobody listens: say so where an operator will see it, as Curator logs "Corrupted queue item".
        console.warn(
          `${this.core.recipe} ${this.core.path}: dropping corrupt queue item ${name}: ${reason.message}`,
        );
      }
      this.emit('corrupt', { itemName: name, data, error: reason });
      return null;
    }
  }

  private contextFor(
    name: string,
    fencingToken: bigint | undefined,
  ): Omit<QueueItemContext, 'index' | 'count'> {
    this.inFlight = new AbortController();
    if (this.client.state === 'closed') this.abortInFlight('the client was closed');
    return {
      itemName: name,
      itemPath: joinPath(this.core.path, name),
      itemKey: `${this.core.path}/${name}`,
      mode: this.mode,
      signal: this.inFlight.signal,
      fencingToken,
    };
  }

  private async runHandler(
    items: readonly T[],
    context: Omit<QueueItemContext, 'index' | 'count'>,
  ): Promise<{ ops: MultiOp[] } | { error: unknown }> {
    const ops: MultiOp[] = [];
    try {
      for (const [index, item] of items.entries()) {
        const returned = await this.handler(item, { ...context, index, count: items.length });
        if (returned) ops.push(...returned);
      }
      return { ops };
    } catch (error) {
      return { error };
    } finally {
      this.inFlight = undefined;
    }
  }
}

/** A one-shot "something changed" flag with a promise, re-armed for every read of the queue. */
class Wakeup {
  fired = false;
  readonly promise: Promise<void>;
  private resolve: () => void = () => {};

  constructor() {
    this.promise = new Promise((resolve) => (this.resolve = resolve));
  }

  fire(_event?: WatchedEvent): void {
    this.fired = true;
    this.resolve();
  }
}

function positiveInteger<T>(core: QueueCore<T>, name: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value <= 0)
    throw core.badArgument(`${name} must be a positive integer, got ${value}`);
  return value;
}

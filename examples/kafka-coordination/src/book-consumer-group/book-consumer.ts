import { EventEmitter } from 'node:events';
import {
  isConnectionLossClass,
  isZooKeeperError,
  type StateChange,
  type ZooKeeperClient,
} from '@zk-cookbook/core/client';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import {
  consumerGroupLayout,
  newConsumerId,
  threadId,
  type ConsumerGroupLayout,
} from './consumer-group-layout.ts';
import { PartitionReader, type ReadMessage } from './kafkajs-partition-reader.ts';
import { claimRangeShare } from './claim-range-share.ts';
import { deregisterMember, registerMember } from './member-registration.ts';
import { commitOffset, readCommittedOffset } from './offset-store.ts';
import { releaseAllOwnedBySession } from './partition-ownership.ts';
import { SerialWork } from './serial-work.ts';

export interface BookConsumerOptions {
  /** A session on the Kafka cluster's ZooKeeper, rooted at its chroot (where /consumers and /brokers are). */
  readonly client: ZooKeeperClient;
  /** The kafkajs client messages are fetched with (e.g. bootstrapped from /brokers/ids). */
  readonly kafka: Kafka;
  readonly group: string;
  readonly topic: string;
  /** Default: a new Kafka 0.8-style id, `<group>_<host>-<ms>-<8 hex>`. */
  readonly consumerId?: string;
  /** Processes one message. Its offset is committed (to ZooKeeper) only after this resolves. */
  readonly process: (message: ConsumedMessage) => Promise<void> | void;
  /** How often processed offsets are committed. Default 1000 ms (Kafka 0.8: auto.commit.interval.ms, 60 s). */
  readonly commitIntervalMs?: number;
  /** Attempts per rebalance before pausing and starting over. Default 20 (Kafka 0.8: rebalance.max.retries, 4). */
  readonly rebalanceMaxRetries?: number;
  /** Wait between attempts. Default 200 ms (Kafka 0.8: rebalance.backoff.ms, 2 s). */
  readonly rebalanceBackoffMs?: number;
  /** Where a partition with no committed offset starts. Default earliest (Kafka 0.8's auto.offset.reset: largest). */
  readonly startFrom?: 'earliest' | 'latest';
  readonly logger?: Logger;
}

export interface ConsumedMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
}

export interface OwnedPartitionState {
  readonly partition: number;
  /** the next offset to process, when known */
  readonly next: string | undefined;
  /** what ZooKeeper holds for it */
  readonly committed: string | undefined;
  /** what ZooKeeper held when this member claimed it: where its reading began */
  readonly claimedAt: string | undefined;
}

export interface BookConsumerState {
  readonly consumerId: string;
  readonly threadId: string;
  readonly group: string;
  readonly topic: string;
  readonly registered: boolean;
  /** true while messages are processed: owner nodes held, connected, reader running */
  readonly consuming: boolean;
  readonly owned: OwnedPartitionState[];
  /** messages processed since start */
  readonly consumed: number;
  /** processed, offset not yet committed: what a crash now would have redelivered */
  readonly uncommitted: number;
  /** processed messages whose offsets were never committed because ownership was lost first */
  readonly abandoned: number;
  /** messages fetched again below the processed position and skipped (0 while seeking works) */
  readonly refetched: number;
  readonly rebalances: number;
  readonly failedRebalanceAttempts: number;
  readonly lastRebalanceMs: number | undefined;
}

export interface BookConsumerEvents {
  /** the partitions this member processes now (empty when it stopped) */
  consuming: [partitions: number[]];
  rebalanced: [partitions: number[], durationMs: number];
  /** a rebalance or commit failed for another reason than the connection; it is retried */
  failure: [error: unknown];
}

interface OwnedPartition {
  readonly partition: number;
  readonly claimedAt: bigint | undefined;
  committed: bigint | undefined;
  next: bigint | undefined;
  /** the first offset processed, when nothing was committed before it */
  firstProcessed: bigint | undefined;
}

/**
 * A member of the book's consumer group (Kafka 0.8's ZookeeperConsumerConnector, rebuilt on kafkajs).
 *
 * Rebalance, the book's way: every member reacts to every change of `ids` (a member joins or leaves)
 * or of `/brokers/topics/<topic>` (partitions added), and alone, with no coordinator:
 *   1. stops processing, commits what it processed, deletes its owner nodes — everything it owns;
 *   2. reads the members and partitions, computes the range assignment;
 *   3. creates the owner nodes of its share; if one still exists (its previous owner has not released
 *      yet, or is dead and its session not yet expired), it gives back what it claimed, waits and
 *      starts over;
 *   4. reads each partition's offset from ZooKeeper and reads from there with kafkajs.
 *
 * Its known weaknesses, kept on purpose because they are the book's (and why Kafka 0.9 moved groups
 * to a broker-side coordinator):
 *   - herd effect: one join or leave wakes every member, and every member stops everything;
 *   - split views: members read `ids` at different moments, compute different assignments and
 *     collide on owner nodes; the collisions are settled only by retries and back-off, and a
 *     rebalance can fail after all its retries (Kafka 0.8 then threw; this one pauses and starts over);
 *   - no single decision: nobody knows the group is done rebalancing, and a slow member holds up the
 *     others, who retry against its owner nodes.
 * Owner nodes keep the one guarantee that matters — one live session owns a partition at a time.
 *
 * Connection-state policy:
 *   - suspended (connection lost, session maybe alive): stop processing at once. The servers may
 *     expire the session and let another member take the partitions before we hear of it.
 *   - reconnected (same session): the owner nodes are still ours; rebalance (commits, then claims again).
 *   - lost (session expired): owner nodes and the ids node went with it, as did any right to commit;
 *     drop all ownership (what was processed and not committed will be processed again by the next
 *     owner), then on the new session register again and rebalance.
 *
 * Delivery is at-least-once: an offset is committed after its message was processed, every
 * `commitIntervalMs` and before every release, so a member that dies (or loses its session) leaves
 * at most what it processed since its last commit to be processed again.
 */
export class BookConsumer extends EventEmitter<BookConsumerEvents> {
  readonly consumerId: string;
  readonly threadId: string;
  private readonly layout: ConsumerGroupLayout;
  private readonly reader: PartitionReader;
  private readonly owned = new Map<number, OwnedPartition>();
  private readonly logger: Logger | undefined;
  private readonly lifetime = new AbortController();
  private readonly work = new SerialWork((error) => this.taskFailed(error));
  private registered = false;
  private consuming = false;
  private closed = false;
  private commitTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private consumed = 0;
  private abandoned = 0;
  private refetched = 0;
  private rebalances = 0;
  private failedRebalanceAttempts = 0;
  private lastRebalanceMs: number | undefined;
  private readonly onState = (change: StateChange): void => this.connectionChanged(change);
  private readonly onGroupChange = (): void => this.requestRebalance('group or topic changed');

  constructor(private readonly options: BookConsumerOptions) {
    super();
    this.consumerId = options.consumerId ?? newConsumerId(options.group);
    // One stream per member: thread 0. (Kafka 0.8 ran N threads per member, each a unit of assignment.)
    this.threadId = threadId(this.consumerId, 0);
    this.layout = consumerGroupLayout(options.group);
    this.logger = options.logger?.child({ consumerId: this.consumerId });
    this.reader = new PartitionReader({
      kafka: options.kafka,
      topic: options.topic,
      kafkaGroupId: `zk-book-reader.${this.consumerId}`,
      ownerThreadId: this.threadId,
      startFrom: options.startFrom ?? 'earliest',
      positionOf: (partition) => this.owned.get(partition)?.next,
      handle: (read) => this.handle(read),
      onGaveUp: (error) => {
        // Still the owner in ZooKeeper but no longer reading: a rebalance starts a new reader.
        this.logger?.warn({ err: error }, 'kafkajs stopped for good; rebalancing to read again');
        this.requestRebalance('reader gave up');
      },
    });
  }

  /** Joins the group; resolves after the first rebalance (consuming, unless it got no partitions). */
  async start({ timeoutMs = 30_000 }: { timeoutMs?: number } = {}): Promise<void> {
    this.options.client.on('state', this.onState);
    await this.options.client.waitForConnected({ timeoutMs, signal: this.lifetime.signal });
    this.commitTimer = setInterval(() => this.requestCommit(), this.options.commitIntervalMs ?? 1_000);
    this.requestRebalance('start');
    await this.work.settled();
  }

  get state(): BookConsumerState {
    const owned = [...this.owned.values()].sort((a, b) => a.partition - b.partition);
    return {
      consumerId: this.consumerId,
      threadId: this.threadId,
      group: this.options.group,
      topic: this.options.topic,
      registered: this.registered,
      consuming: this.consuming,
      owned: owned.map(({ partition, next, committed, claimedAt }) => ({
        partition,
        next: next?.toString(),
        committed: committed?.toString(),
        claimedAt: claimedAt?.toString(),
      })),
      consumed: this.consumed,
      uncommitted: owned.reduce((sum, each) => sum + uncommittedOf(each), 0),
      abandoned: this.abandoned,
      refetched: this.refetched,
      rebalances: this.rebalances,
      failedRebalanceAttempts: this.failedRebalanceAttempts,
      lastRebalanceMs: this.lastRebalanceMs,
    };
  }

  /** Leaves cleanly: stops, commits, deletes its owner nodes and its ids node. The session stays the caller's. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.lifetime.abort();
    clearInterval(this.commitTimer);
    clearTimeout(this.retryTimer);
    this.options.client.off('state', this.onState);
    await this.work.run(async () => {
      await this.stopReading();
      if (this.options.client.state !== 'connected') return;
      await this.commitOwned();
      await this.releaseOwned();
      await deregisterMember(this.options.client, this.layout, this.consumerId);
      this.registered = false;
    });
    await this.reader.close();
  }

  private connectionChanged(change: StateChange): void {
    switch (change.event) {
      case 'suspended':
      case 'readOnly':
        this.pauseReading();
        break;
      case 'reconnected':
        this.requestRebalance('reconnected');
        break;
      case 'lost':
        this.pauseReading();
        for (const partition of this.owned.values()) this.abandoned += uncommittedOf(partition);
        this.owned.clear();
        this.registered = false;
        this.logger?.warn('session expired: ownership dropped; registering again on the new session');
        break;
      case 'connected':
        this.requestRebalance('new session');
        break;
      case 'closed':
      case 'authFailed':
        this.pauseReading();
        break;
    }
  }

  private async handle({ partition, offset, message }: ReadMessage): Promise<void> {
    const owned = this.owned.get(partition);
    // Stopped (suspended, rebalancing): skip; the next reader starts again at `next`.
    if (!this.consuming || !owned) return;
    // Already processed by this member: a reader that did not start where it was told (see seeking).
    if (owned.next !== undefined && offset < owned.next) {
      this.refetched++;
      return;
    }
    await this.options.process({
      topic: this.options.topic,
      partition,
      offset,
      key: message.key,
      value: message.value,
    });
    owned.firstProcessed ??= offset;
    owned.next = offset + 1n;
    this.consumed++;
    // Ownership ended while it was processed (session lost): its offset can no longer be committed.
    if (this.owned.get(partition) !== owned) this.abandoned++;
  }

  private taskFailed(error: unknown): void {
    if (this.closed) return;
    // Connection trouble: the state change that ends it ('reconnected', 'connected') rebalances.
    if (isConnectionLossClass(error) || isZooKeeperError(error, 'SESSIONEXPIRED')) return;
    this.logger?.warn({ err: error }, 'consumer group task failed; rebalancing again shortly');
    this.emit('failure', error);
    this.retryLater();
  }

  private retryLater(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(
      () => this.requestRebalance('retry'),
      this.options.rebalanceBackoffMs ?? 200,
    );
  }

  private requestRebalance(reason: string): void {
    if (!this.closed) this.work.request('rebalance', () => this.rebalance(reason));
  }

  private requestCommit(): void {
    if (!this.closed) this.work.request('commit', () => this.commitOwned());
  }

  private async rebalance(reason: string): Promise<void> {
    const client = this.options.client;
    const startedAt = performance.now();
    // A rebalance belongs to one session: if it expires midway, the new session's rebalance (queued by
    // 'connected') starts over, registered again; this one must not claim anything in its name.
    const session = client.sessionId;
    const maxAttempts = this.options.rebalanceMaxRetries ?? 20;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (this.closed || client.state !== 'connected' || client.sessionId !== session) return;
      // 1. Everything goes back first: stop, commit what was processed, delete the owner nodes.
      await this.stopReading();
      await this.commitOwned();
      await this.releaseOwned();
      // A member of the group first (again, after an expiry took the ids node with the session).
      if (!this.registered) {
        await registerMember(client, this.layout, this.consumerId, this.options.topic, {
          timeoutMs: client.negotiatedTimeoutMs * 2,
        });
        this.registered = true;
      }
      // 2-3. Read the group and the partitions (watching both), claim this thread's range share. A
      // claim made just as the session changed is not ours to keep: the next rebalance releases it.
      const share = await claimRangeShare(
        client,
        this.layout,
        this.options.topic,
        this.threadId,
        this.onGroupChange,
      );
      if (client.sessionId !== session) return;
      if (share.claimed) {
        for (const partition of share.partitions) {
          const committed = await readCommittedOffset(client, this.layout, this.options.topic, partition);
          this.owned.set(partition, {
            partition,
            claimedAt: committed,
            committed,
            next: committed,
            firstProcessed: undefined,
          });
        }
        this.rebalances++;
        this.lastRebalanceMs = Math.round(performance.now() - startedAt);
        this.logger?.info(
          {
            reason,
            attempt,
            partitions: share.partitions,
            members: share.members,
            durationMs: this.lastRebalanceMs,
          },
          'rebalanced',
        );
        this.emit('rebalanced', share.partitions, this.lastRebalanceMs);
        // 4. Read from the committed offsets.
        await this.startReading();
        return;
      }
      this.failedRebalanceAttempts++;
      this.logger?.debug(
        { attempt, waitingFor: Object.fromEntries(share.heldByOthers) },
        'a partition of our share is still owned; gave back what we claimed, trying again',
      );
      if (!(await this.backOff())) return;
    }
    this.logger?.error(
      { reason, attempts: maxAttempts },
      'rebalance failed after every attempt; starting over',
    );
    this.retryLater();
  }

  private async backOff(): Promise<boolean> {
    const signal = this.lifetime.signal;
    if (signal.aborted) return false;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.options.rebalanceBackoffMs ?? 200);
      signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });
    return !signal.aborted;
  }

  private async startReading(): Promise<void> {
    if (this.owned.size === 0 || this.options.client.state !== 'connected') return;
    const partitions = [...this.owned.keys()].sort((a, b) => a - b);
    this.consuming = true;
    this.emit('consuming', partitions);
    await this.reader.read(partitions);
  }

  /** Stops processing now (synchronously: the handler checks the flag); the fetcher stops after. */
  private pauseReading(): void {
    if (this.consuming) {
      this.consuming = false;
      this.emit('consuming', []);
    }
    void this.reader.stop().catch((error: unknown) => this.logger?.debug({ err: error }, 'reader stop'));
  }

  private async stopReading(): Promise<void> {
    if (this.consuming) {
      this.consuming = false;
      this.emit('consuming', []);
    }
    await this.reader.stop();
  }

  private async commitOwned(): Promise<void> {
    if (this.options.client.state !== 'connected') return;
    for (const owned of this.owned.values()) {
      const next = owned.next;
      if (next === undefined || next === owned.committed) continue;
      await commitOffset(this.options.client, this.layout, this.options.topic, owned.partition, next);
      owned.committed = next;
    }
  }

  private async releaseOwned(): Promise<void> {
    await releaseAllOwnedBySession(this.options.client, this.layout, this.options.topic);
    this.owned.clear();
  }
}

function uncommittedOf({ next, committed, firstProcessed }: OwnedPartition): number {
  const from = committed ?? firstProcessed;
  return next === undefined || from === undefined ? 0 : Number(next - from);
}

import type { ZooKeeperClient } from '../../client/index.ts';
import { priorityNaming, priorityPrefix } from './item-naming.ts';
import { QueueCore, type PutOptions, type PutResult, type QueueOptions } from './queue-core.ts';
import type { ConsumeOptions, QueueConsumer, QueueHandler } from './queue-consumer.ts';

export interface PriorityQueueOptions<T> extends QueueOptions<T> {
  /**
   * After this many items a consumer reads the queue again if it changed, so that a more urgent
   * item put meanwhile is taken next (Curator's minItemsBeforeRefresh). Default 1.
   */
  minItemsBeforeRefresh?: number;
}

/**
 * A queue whose consumers take the lowest priority value first, wire-compatible with Curator's
 * DistributedPriorityQueue: items are `<path>/queue-<sign><8 hex digits><seq>` (priority 5 →
 * `queue-100000005<seq>`, -1 → `queue-0FFFFFFFF<seq>`) with Curator's envelope, so the plain name
 * order is the priority order, and equal priorities are taken in creation order.
 *
 * ```ts
 * const queue = new DistributedPriorityQueue(client, '/alerts', { serializer: stringSerializer });
 * await queue.put('disk almost full', 10);
 * await queue.put('datacenter on fire', -100); // taken first
 * const consumer = queue.consume((alert) => page(alert));
 * ```
 *
 * Consumer modes and connection policy as for DistributedQueue.
 */
export class DistributedPriorityQueue<T = Buffer> {
  private readonly core: QueueCore<T>;
  private readonly minItemsBeforeRefresh: number;

  constructor(client: ZooKeeperClient, path: string, options: PriorityQueueOptions<T> = {}) {
    this.core = new QueueCore('DistributedPriorityQueue', client, path, priorityNaming, options);
    this.minItemsBeforeRefresh = options.minItemsBeforeRefresh ?? 1;
  }

  get path(): string {
    return this.core.path;
  }

  /** Adds an item; lower `priority` (a 32-bit integer) is taken sooner. */
  async put(item: T, priority: number, options?: PutOptions): Promise<PutResult> {
    return this.core.put(priorityPrefix(priority), [item], options);
  }

  /** Adds several items as one node with one priority. */
  async putMulti(items: readonly T[], priority: number, options?: PutOptions): Promise<PutResult> {
    return this.core.put(priorityPrefix(priority), items, options);
  }

  consume(handler: QueueHandler<T>, options: ConsumeOptions = {}): QueueConsumer<T> {
    return this.core.consume(handler, {
      minItemsBeforeRefresh: this.minItemsBeforeRefresh,
      ...options,
    });
  }

  /** Names of the queued item nodes, most urgent first. */
  itemNames(): Promise<string[]> {
    return this.core.itemNames();
  }
}

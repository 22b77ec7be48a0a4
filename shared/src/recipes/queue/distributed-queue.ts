import type { ZooKeeperClient } from '../../client/index.ts';
import { fifoNaming, ITEM_PREFIX } from './item-naming.ts';
import { QueueCore, type PutOptions, type PutResult, type QueueOptions } from './queue-core.ts';
import type { ConsumeOptions, QueueConsumer, QueueHandler } from './queue-consumer.ts';

/**
 * A distributed FIFO queue, wire-compatible with Curator's DistributedQueue (QueueBuilder): items are
 * persistent-sequential nodes `<path>/queue-<seq>` holding Curator's envelope, so Curator producers
 * and consumers share the queue with ours — items put by either are taken by either.
 *
 * ```ts
 * const queue = new DistributedQueue(client, '/jobs', {
 *   serializer: jsonSerializer<Job>(),
 *   lockPath: '/jobs-claims', // needed by the at-least-once and exactly-once consumers
 * });
 * await queue.put({ id: 7, action: 'resize' });
 *
 * const consumer = queue.consume(
 *   async (job, { signal, fencingToken }) => {
 *     await resize(job, { signal });
 *     return [op.create(`/done/${job.id}`)]; // committed atomically with the acknowledgement
 *   },
 *   { mode: 'exactly-once' },
 * );
 * // … later
 * await consumer.stop();
 * ```
 *
 * Consumers take items in name order (creation order), one at a time each, in one of three modes —
 * at-most-once, at-least-once, exactly-once — described at DeliveryMode, with the connection policy
 * described at QueueConsumer. With `maxItems` the queue is bounded: put waits for room.
 */
export class DistributedQueue<T = Buffer> {
  private readonly core: QueueCore<T>;

  constructor(client: ZooKeeperClient, path: string, options: QueueOptions<T> = {}) {
    this.core = new QueueCore('DistributedQueue', client, path, fifoNaming, options);
  }

  get path(): string {
    return this.core.path;
  }

  /** Adds one item at the end of the queue. */
  put(item: T, options?: PutOptions): Promise<PutResult> {
    return this.core.put(ITEM_PREFIX, [item], options);
  }

  /** Adds several items as one queue node: they are taken together, in this order, by one consumer. */
  putMulti(items: readonly T[], options?: PutOptions): Promise<PutResult> {
    return this.core.put(ITEM_PREFIX, items, options);
  }

  /** Starts a consumer; see ConsumeOptions and DeliveryMode. */
  consume(handler: QueueHandler<T>, options?: ConsumeOptions): QueueConsumer<T> {
    return this.core.consume(handler, options);
  }

  /** Names of the queued item nodes, in the order consumers take them. */
  itemNames(): Promise<string[]> {
    return this.core.itemNames();
  }

  async size(): Promise<number> {
    return (await this.core.itemNames()).length;
  }
}

import type { ZooKeeperClient } from '../../client/index.ts';
import { delayNaming, delayPrefix, dueTimeOf } from './item-naming.ts';
import { QueueCore, type PutOptions, type PutResult, type QueueOptions } from './queue-core.ts';
import type { ConsumeOptions, QueueConsumer, QueueHandler } from './queue-consumer.ts';

/**
 * A queue whose items become available at a given time, wire-compatible with Curator's
 * DistributedDelayQueue: items are `<path>/queue-|<due time, epoch ms as %08X>|<seq>` with Curator's
 * envelope. Consumers take due items earliest-due first and wait, without polling, until the
 * earliest item not yet due is due (or a new item arrives).
 *
 * ```ts
 * const reminders = new DistributedDelayQueue(client, '/reminders', { serializer: stringSerializer });
 * await reminders.put('call back', Date.now() + 60_000);
 * reminders.consume((text) => notify(text));
 * ```
 *
 * Due times are compared with this host's clock, as Curator does: consumers on hosts whose clocks
 * differ take items early or late by the difference. Consumer modes and connection policy as for
 * DistributedQueue.
 */
export class DistributedDelayQueue<T = Buffer> {
  private readonly core: QueueCore<T>;

  constructor(client: ZooKeeperClient, path: string, options: QueueOptions<T> = {}) {
    this.core = new QueueCore('DistributedDelayQueue', client, path, delayNaming, options);
  }

  get path(): string {
    return this.core.path;
  }

  /** Adds an item that consumers take no earlier than `delayUntilEpochMs` (0 or the past: now). */
  async put(item: T, delayUntilEpochMs: number, options?: PutOptions): Promise<PutResult> {
    return this.core.put(delayPrefix(delayUntilEpochMs), [item], options);
  }

  async putMulti(items: readonly T[], delayUntilEpochMs: number, options?: PutOptions): Promise<PutResult> {
    return this.core.put(delayPrefix(delayUntilEpochMs), items, options);
  }

  consume(handler: QueueHandler<T>, options?: ConsumeOptions): QueueConsumer<T> {
    return this.core.consume(handler, options);
  }

  /** Names of the queued item nodes, earliest due first (due or not). */
  itemNames(): Promise<string[]> {
    return this.core.itemNames();
  }

  /** The due time (epoch ms) encoded in an item name; 0 when it has none. */
  static dueTimeOf(itemName: string): number {
    return dueTimeOf(itemName);
  }
}

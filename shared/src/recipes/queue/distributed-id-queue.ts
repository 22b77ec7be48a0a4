import type { ZooKeeperClient } from '../../client/index.ts';
import { fixId, idNaming, idPrefix, parseId } from './item-naming.ts';
import { QueueCore, type PutOptions, type PutResult, type QueueOptions } from './queue-core.ts';
import type { ConsumeOptions, QueueConsumer, QueueHandler } from './queue-consumer.ts';

/**
 * A FIFO queue whose items carry an id, so that queued items can be found and removed by id;
 * wire-compatible with Curator's DistributedIdQueue: items are `<path>/queue-|<id>|<seq>` with
 * Curator's envelope, `/` and `|` in the id written as `_` (so `my/id|1` and `my_id_1` are the same
 * id). Consumers take items in creation order, ignoring the id; a requeued item keeps its id.
 *
 * ```ts
 * const queue = new DistributedIdQueue(client, '/exports', { serializer: jsonSerializer<Export>() });
 * await queue.put({ user: 42 }, 'user-42');
 * await queue.remove('user-42'); // the user cancelled: 1 item removed
 * ```
 *
 * Consumer modes and connection policy as for DistributedQueue; `context.itemName` gives the id via
 * DistributedIdQueue.idOf.
 */
export class DistributedIdQueue<T = Buffer> {
  private readonly core: QueueCore<T>;

  constructor(client: ZooKeeperClient, path: string, options: QueueOptions<T> = {}) {
    this.core = new QueueCore('DistributedIdQueue', client, path, idNaming, options);
    if (path.includes('|'))
      throw this.core.badArgument('the queue path may not contain "|" (it separates ids)');
  }

  get path(): string {
    return this.core.path;
  }

  async put(item: T, id: string, options?: PutOptions): Promise<PutResult> {
    return this.core.put(idPrefix(id), [item], options);
  }

  async putMulti(items: readonly T[], id: string, options?: PutOptions): Promise<PutResult> {
    return this.core.put(idPrefix(id), items, options);
  }

  /**
   * Removes every queued item with this id that no consumer has claimed; returns how many. (Curator
   * compares the id as given with the written one, so it finds nothing for ids containing / or |;
   * this compares the written forms.)
   */
  async remove(id: string): Promise<number> {
    idPrefix(id); // validates
    const wanted = fixId(id);
    let removed = 0;
    for (const name of await this.core.itemNames()) {
      if (parseId(name).id === wanted && (await this.core.removeItem(name))) removed++;
    }
    return removed;
  }

  consume(handler: QueueHandler<T>, options?: ConsumeOptions): QueueConsumer<T> {
    return this.core.consume(handler, options);
  }

  itemNames(): Promise<string[]> {
    return this.core.itemNames();
  }

  /** The id in an item name, as written (with `/` and `|` replaced by `_`). */
  static idOf(itemName: string): string {
    return parseId(itemName).id;
  }
}

import type { NodeData, WatchedEvent, ZooKeeperClient } from '../../client/index.ts';
import {
  ensurePath,
  isConnectionLossClass,
  isZooKeeperError,
  joinPath,
  toBytes,
  validatePath,
} from '../../client/index.ts';
import { retryIdempotent, waitForConnection } from '../core/connection.ts';
import { Deadline } from '../core/deadline.ts';
import { RecipeError } from '../core/errors.ts';
import { DEFAULT_MAX_BUFFER_BYTES } from './queue-core.ts';

const ITEM_PREFIX = 'qn-';
const RECIPE = 'SimpleDistributedQueue';

export interface SimpleQueueWaitOptions {
  /** give up after this long: poll resolves null, take rejects with RecipeError TIMEOUT */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * The simplest queue, wire-compatible with Curator's SimpleDistributedQueue (and ZooKeeper's own
 * recipe): each item is a persistent-sequential node `<path>/qn-<seq>` holding the item's raw bytes
 * — no envelope — under a container parent. Method names and semantics follow the Java class:
 *
 * | method    | empty queue                      | takes the item out |
 * |-----------|----------------------------------|--------------------|
 * | offer     | —                                | — (adds one)       |
 * | peek      | null                             | no                 |
 * | element   | RecipeError EMPTY                | no                 |
 * | poll      | null (or waits up to timeoutMs)  | yes                |
 * | remove    | RecipeError EMPTY                | yes                |
 * | take      | waits (timeoutMs → TIMEOUT)      | yes                |
 *
 * ```ts
 * const queue = new SimpleDistributedQueue(client, '/mail');
 * await queue.offer('hello');
 * const bytes = await queue.take({ timeoutMs: 5000 });
 * ```
 *
 * Delivery is at most once: an item is read, then deleted, then returned; of several consumers
 * only the one whose delete succeeds returns it. A consumer that crashes after the delete loses
 * the item, and so does one whose delete reply is lost (the item is gone, and another consumer may
 * have removed it, so it is not returned). Use DistributedQueue's claim modes for stronger
 * guarantees. Every waiting take watches the queue node, so each new item wakes all waiting
 * consumers (the herd effect of Curator's class, kept for compatibility of behaviour).
 *
 * Connection policy: waits survive a suspended connection (the watch is re-set after reconnect)
 * and a lost session (the next read is made with the new session); an offer whose reply was lost
 * is sent again, so an item may be added twice but is never dropped.
 */
export class SimpleDistributedQueue {
  private readonly maxBufferBytes: number;

  constructor(
    private readonly client: ZooKeeperClient,
    readonly path: string,
    options: { maxBufferBytes?: number } = {},
  ) {
    validatePath(path, { operation: RECIPE });
    if (path === '/')
      throw new RecipeError('BAD_ARGUMENT', RECIPE, path, 'the queue path cannot be the root');
    this.maxBufferBytes = options.maxBufferBytes ?? DEFAULT_MAX_BUFFER_BYTES;
  }

  /** Adds an item at the end; resolves with its node's path. */
  async offer(data: NodeData, options: { signal?: AbortSignal } = {}): Promise<string> {
    const bytes = toBytes(data);
    const itemPath = joinPath(this.path, ITEM_PREFIX);
    if (bytes.byteLength + Buffer.byteLength(itemPath) + 128 > this.maxBufferBytes) {
      throw new RecipeError(
        'BAD_ARGUMENT',
        RECIPE,
        this.path,
        `item too large: ${bytes.byteLength} bytes; a queue node must fit in one request of at most ${this.maxBufferBytes} bytes (jute.maxbuffer)`,
      );
    }
    const signal = options.signal ?? new AbortController().signal;
    for (;;) {
      signal.throwIfAborted();
      try {
        return await this.client.create(itemPath, bytes, { mode: 'persistentSequential' });
      } catch (error) {
        if (isZooKeeperError(error, 'NONODE')) {
          await retryIdempotent(this.client, () => this.ensureQueueNode(), signal);
        } else if (isConnectionLossClass(error) || isZooKeeperError(error, 'SESSIONEXPIRED')) {
          await waitForConnection(this.client, signal);
        } else throw error;
      }
    }
  }

  /** The head item without removing it, or null if the queue is empty. */
  async peek(): Promise<Buffer | null> {
    return this.head(false);
  }

  /** The head item without removing it; RecipeError EMPTY if there is none. */
  async element(): Promise<Buffer> {
    return this.orEmpty(await this.head(false));
  }

  /** Removes and returns the head item; RecipeError EMPTY if there is none. */
  async remove(): Promise<Buffer> {
    return this.orEmpty(await this.head(true));
  }

  /**
   * Removes and returns the head item. Without options it does not wait (null when empty); with a
   * timeoutMs or signal it waits for an item that long (null on timeout or abort).
   */
  async poll(options?: SimpleQueueWaitOptions): Promise<Buffer | null> {
    if (!options || (options.timeoutMs === undefined && !options.signal)) return this.head(true);
    try {
      return await this.take(options);
    } catch (error) {
      if (error instanceof RecipeError && (error.code === 'TIMEOUT' || error.code === 'ABORTED')) return null;
      throw error;
    }
  }

  /** Removes and returns the head item, waiting for one as long as needed or until timeoutMs / signal. */
  async take(options: SimpleQueueWaitOptions = {}): Promise<Buffer> {
    const deadline = new Deadline(RECIPE, this.path, options.timeoutMs, options.signal);
    let fire: () => void = () => {};
    const watcher = (_event: WatchedEvent): void => fire();
    try {
      for (;;) {
        deadline.throwIfDone();
        const changed = new Promise<void>((resolve) => (fire = resolve));
        const item = await retryIdempotent(this.client, () => this.head(true, watcher), deadline.signal);
        if (item) return item;
        await new Promise<void>((resolve, reject) => {
          const onAbort = (): void => reject(deadline.error());
          if (deadline.signal.aborted) return onAbort();
          deadline.signal.addEventListener('abort', onAbort, { once: true });
          void changed.then(() => {
            deadline.signal.removeEventListener('abort', onAbort);
            resolve();
          });
        });
      }
    } catch (error) {
      if (deadline.signal.aborted) throw deadline.error();
      throw error;
    } finally {
      this.client.removeWatches(this.path, 'children', { watcher, local: true }).catch(() => {});
    }
  }

  /** Number of items queued. */
  async size(): Promise<number> {
    return (await this.itemNames()).length;
  }

  /** Item node names, head first. */
  async itemNames(): Promise<string[]> {
    try {
      return this.sorted((await this.client.getChildren(this.path)).children);
    } catch (error) {
      if (isZooKeeperError(error, 'NONODE')) return [];
      throw error;
    }
  }

  /**
   * The first item that can be read (and, with `removeIt`, deleted by us). Children that are not
   * `qn-` items are skipped, as are items another consumer removed first. With a watcher, the list
   * read sets a children watch, so an empty answer can be waited on without missing an offer.
   */
  private async head(removeIt: boolean, watcher?: (event: WatchedEvent) => void): Promise<Buffer | null> {
    let children: string[];
    try {
      ({ children } = await this.client.getChildren(this.path, watcher ? { watch: watcher } : {}));
    } catch (error) {
      if (!isZooKeeperError(error, 'NONODE')) throw error;
      if (!watcher) return null;
      // The container was removed while empty; re-create it so that the watch can be set.
      await this.ensureQueueNode();
      return this.head(removeIt, watcher);
    }
    for (const name of this.sorted(children)) {
      const itemPath = joinPath(this.path, name);
      try {
        const { data } = await retryIdempotent(
          this.client,
          () => this.client.getData(itemPath),
          new AbortController().signal,
        );
        if (removeIt && !(await this.deleteIfStillThere(itemPath))) continue;
        return data;
      } catch (error) {
        if (isZooKeeperError(error, 'NONODE')) continue; // another consumer took it first
        throw error;
      }
    }
    return null;
  }

  /**
   * True if our delete removed the item. False if it was gone — also after a delete whose reply was
   * lost: it may have been ours or another consumer's, and at most once means not returning it.
   */
  private async deleteIfStillThere(itemPath: string): Promise<boolean> {
    for (;;) {
      try {
        await this.client.delete(itemPath);
        return true;
      } catch (error) {
        if (isZooKeeperError(error, 'NONODE')) return false;
        if (!isConnectionLossClass(error) && !isZooKeeperError(error, 'SESSIONEXPIRED')) throw error;
        await waitForConnection(this.client, new AbortController().signal);
      }
    }
  }

  private sorted(children: readonly string[]): string[] {
    return children.filter((name) => name.startsWith(ITEM_PREFIX)).sort();
  }

  private ensureQueueNode(): Promise<void> {
    return ensurePath(this.client, this.path, { mode: 'container' });
  }

  private orEmpty(item: Buffer | null): Buffer {
    if (item) return item;
    throw new RecipeError('EMPTY', RECIPE, this.path, 'the queue is empty');
  }
}

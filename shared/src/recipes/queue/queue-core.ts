import type { ZooKeeperClient } from '../../client/index.ts';
import {
  ensurePath,
  isConnectionLossClass,
  isZooKeeperError,
  joinPath,
  parentPath,
  validatePath,
} from '../../client/index.ts';
import { retryIdempotent, waitForConnection } from '../core/connection.ts';
import { Deadline } from '../core/deadline.ts';
import { RecipeError } from '../core/errors.ts';
import { localAddress } from '../core/local-address.ts';
import { deleteWhileSessionLives } from '../core/session-bound-delete.ts';
import { encodeEnvelope, envelopeSize } from './item-envelope.ts';
import { sortItems, type ItemNaming } from './item-naming.ts';
import { QueueConsumer, type ConsumeOptions, type QueueHandler } from './queue-consumer.ts';
import { bytesSerializer, type QueueSerializer } from './queue-serializer.ts';

/** The server's default jute.maxbuffer: the largest request it accepts (1 MiB − 1). */
export const DEFAULT_MAX_BUFFER_BYTES = 0xfffff;
/** Request header, create flags, ACL and length fields around the path and data, with room to spare. */
const CREATE_REQUEST_OVERHEAD = 128;

export interface QueueOptions<T> {
  /** how items become bytes; default: items are Buffers */
  serializer?: QueueSerializer<T>;
  /**
   * Directory of the per-item claim nodes (Curator's lockPath). Required by the at-least-once and
   * exactly-once consumers; Curator consumers built with the same lockPath share claims with ours.
   */
  lockPath?: string;
  /** bounded queue: put waits while the queue node has this many children or more */
  maxItems?: number;
  /** the servers' jute.maxbuffer, if raised or lowered; items that would not fit are refused before sending */
  maxBufferBytes?: number;
}

export interface PutOptions {
  /** bounded queues: give up waiting for room after this long (RecipeError TIMEOUT) */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface PutResult {
  /** the item node created, e.g. /jobs/queue-0000000012 */
  path: string;
  /**
   * The create's reply was lost once (a connection loss) and it was sent again, so the queue may hold
   * this item twice. Puts never drop an item; they may, rarely, duplicate one — as Curator's do.
   */
  possibleDuplicate: boolean;
}

/**
 * What the four Curator-style queues share: validation, putting envelopes under a name prefix
 * (bounded or not), listing items in the variant's order, and starting consumers. The public
 * classes (DistributedQueue and the priority, delay and id variants) differ only in their item
 * names, so they wrap one of these with their naming strategy.
 */
export class QueueCore<T> {
  readonly serializer: QueueSerializer<T>;
  readonly lockPath: string | undefined;
  private readonly maxItems: number | undefined;
  private readonly maxBufferBytes: number;
  private readonly chrootLength: number;

  constructor(
    readonly recipe: string,
    readonly client: ZooKeeperClient,
    readonly path: string,
    readonly naming: ItemNaming,
    options: QueueOptions<T>,
  ) {
    validatePath(path, { operation: recipe });
    if (path === '/') throw this.badArgument('the queue path cannot be the root');
    this.serializer = options.serializer ?? (bytesSerializer as unknown as QueueSerializer<T>);
    if (
      typeof this.serializer?.serialize !== 'function' ||
      typeof this.serializer.deserialize !== 'function'
    ) {
      throw this.badArgument('serializer must have serialize and deserialize functions');
    }
    if (options.lockPath !== undefined) {
      validatePath(options.lockPath, { operation: recipe });
      if (options.lockPath === path || options.lockPath === '/') {
        throw this.badArgument(`lockPath must be a directory of its own, got ${options.lockPath}`);
      }
    }
    this.lockPath = options.lockPath;
    if (options.maxItems !== undefined && (!Number.isInteger(options.maxItems) || options.maxItems <= 0)) {
      throw this.badArgument(`maxItems must be a positive integer, got ${options.maxItems}`);
    }
    this.maxItems = options.maxItems;
    this.maxBufferBytes = options.maxBufferBytes ?? DEFAULT_MAX_BUFFER_BYTES;
    if (!Number.isInteger(this.maxBufferBytes) || this.maxBufferBytes <= CREATE_REQUEST_OVERHEAD) {
      throw this.badArgument(`maxBufferBytes must be an integer above ${CREATE_REQUEST_OVERHEAD}`);
    }
    const slash = client.connectString.indexOf('/');
    this.chrootLength = slash < 0 ? 0 : client.connectString.length - slash;
  }

  badArgument(message: string): RecipeError {
    return new RecipeError('BAD_ARGUMENT', this.recipe, this.path, message);
  }

  /** The envelope of `items` under `<path>/<prefix><seq>`, after the checks a server would fail later. */
  encode(prefix: string, items: readonly T[]): Buffer {
    if (!Array.isArray(items) || items.length === 0) throw this.badArgument('nothing to put: no items');
    const serialized = items.map((item, index) => {
      const bytes = this.serializer.serialize(item);
      if (!(bytes instanceof Uint8Array)) {
        throw this.badArgument(`the serializer returned ${typeof bytes} for item ${index}, not bytes`);
      }
      return bytes;
    });
    const size = envelopeSize(serialized.map((bytes) => bytes.byteLength));
    const requestSize =
      size + Buffer.byteLength(joinPath(this.path, prefix)) + this.chrootLength + CREATE_REQUEST_OVERHEAD;
    if (requestSize > this.maxBufferBytes) {
      throw this.badArgument(
        `item too large: ${size} bytes with its envelope (${serialized.length} item(s)); a queue node must fit ` +
          `in one request of at most ${this.maxBufferBytes} bytes (jute.maxbuffer) with its path and headers`,
      );
    }
    return encodeEnvelope(serialized);
  }

  /**
   * Creates one item node. A lost reply is answered by sending the create again (so an item is never
   * dropped) and the result says the item may now be there twice: a sequential create cannot be
   * recognised afterwards without changing the node's name or bytes, which Curator consumers read.
   */
  async put(prefix: string, items: readonly T[], options: PutOptions = {}): Promise<PutResult> {
    const envelope = this.encode(prefix, items);
    const deadline = new Deadline(this.recipe, this.path, options.timeoutMs, options.signal);
    let possibleDuplicate = false;
    try {
      if (this.maxItems !== undefined) await this.waitForRoom(this.maxItems, deadline.signal);
      for (;;) {
        deadline.signal.throwIfAborted();
        try {
          const path = await this.client.create(joinPath(this.path, prefix), envelope, {
            mode: 'persistentSequential',
          });
          return { path, possibleDuplicate };
        } catch (error) {
          if (isZooKeeperError(error, 'NONODE')) await this.ensureQueueNode(deadline.signal);
          else if (isConnectionLossClass(error) || isZooKeeperError(error, 'SESSIONEXPIRED')) {
            possibleDuplicate ||= isConnectionLossClass(error);
            await waitForConnection(this.client, deadline.signal);
          } else throw error;
        }
      }
    } catch (error) {
      if (deadline.signal.aborted) throw deadline.error();
      throw error;
    }
  }

  /**
   * Bounded queue: waits until the queue node has fewer than `maxItems` children. Like Curator's, the
   * bound is soft — producers that see room at the same moment may all put.
   */
  private async waitForRoom(maxItems: number, signal: AbortSignal): Promise<void> {
    for (;;) {
      const stat = await retryIdempotent(this.client, () => this.client.exists(this.path), signal);
      if (!stat || stat.numChildren < maxItems) return;
      let fire: () => void = () => {};
      const changed = new Promise<void>((resolve) => (fire = resolve));
      const watcher = (): void => fire();
      try {
        const { children } = await retryIdempotent(
          this.client,
          () => this.client.getChildren(this.path, { watch: watcher }),
          signal,
        );
        if (children.length < maxItems) return;
        await new Promise<void>((resolve, reject) => {
          const onAbort = (): void => reject(signal.reason);
          if (signal.aborted) return onAbort();
          signal.addEventListener('abort', onAbort, { once: true });
          void changed.then(() => {
            signal.removeEventListener('abort', onAbort);
            resolve();
          });
        });
      } catch (error) {
        if (isZooKeeperError(error, 'NONODE')) return;
        throw error;
      } finally {
        this.client.removeWatches(this.path, 'children', { watcher, local: true }).catch(() => {});
      }
    }
  }

  /** Creates the queue node (and the claims directory) as Curator's start() does: persistent, host address as data, container parents. */
  async ensureNodes(signal: AbortSignal): Promise<void> {
    await this.ensureQueueNode(signal);
    if (this.lockPath) await this.ensureDirectory(this.lockPath, signal);
  }

  ensureQueueNode(signal: AbortSignal): Promise<void> {
    return this.ensureDirectory(this.path, signal);
  }

  private async ensureDirectory(path: string, signal: AbortSignal): Promise<void> {
    const create = async (): Promise<void> => {
      try {
        await this.client.create(path, localAddress());
      } catch (error) {
        if (isZooKeeperError(error, 'NODEEXISTS')) return;
        if (!isZooKeeperError(error, 'NONODE')) throw error;
        await ensurePath(this.client, parentPath(path), { mode: 'container' });
        await this.client.create(path, localAddress()).catch((again: unknown) => {
          if (!isZooKeeperError(again, 'NODEEXISTS')) throw again;
        });
      }
    };
    await retryIdempotent(this.client, create, signal);
  }

  /** Item node names in the order consumers take them (children that are not items left out). */
  async itemNames(): Promise<string[]> {
    try {
      return sortItems((await this.client.getChildren(this.path)).children, this.naming);
    } catch (error) {
      if (isZooKeeperError(error, 'NONODE')) return [];
      throw error;
    }
  }

  /**
   * Deletes one item unless a consumer has claimed it (Curator's tryRemove): with a lockPath the
   * item is claimed first, so an item being processed is left alone. True if this call removed it.
   */
  async removeItem(name: string): Promise<boolean> {
    const itemPath = joinPath(this.path, name);
    if (!this.lockPath) return this.deleteIfPresent(itemPath);
    const claimPath = joinPath(this.lockPath, name);
    const sessionId = this.client.sessionId;
    try {
      await this.client.create(claimPath, localAddress(), { mode: 'ephemeral' });
    } catch (error) {
      if (isZooKeeperError(error, 'NODEEXISTS', 'NONODE')) return false;
      throw error;
    }
    try {
      return await this.deleteIfPresent(itemPath);
    } finally {
      await deleteWhileSessionLives(this.client, claimPath, sessionId);
    }
  }

  private async deleteIfPresent(itemPath: string): Promise<boolean> {
    try {
      await this.client.delete(itemPath);
      return true;
    } catch (error) {
      if (isZooKeeperError(error, 'NONODE')) return false;
      throw error;
    }
  }

  consume(handler: QueueHandler<T>, options: ConsumeOptions = {}): QueueConsumer<T> {
    return new QueueConsumer(this, handler, options);
  }
}

import type { NodeData, ZooKeeperClient } from '../../client/index.ts';
import { ensurePath, nodeName, op, validatePath } from '../../client/index.ts';
import { retryIdempotent } from '../core/connection.ts';
import { createProtected } from '../core/create-protected.ts';
import { Deadline } from '../core/deadline.ts';
import { RecipeError } from '../core/errors.ts';
import { untilAborted } from '../core/until-aborted.ts';
import { deleteGuaranteed } from '../core/guaranteed-delete.ts';

const RECIPE = 'SequentialIdGenerator';
/** `_c_` + UUID + `-`, the protected-name prefix in front of ours */
const PROTECTION_LENGTH = 40;
/** deletes per multi; a multi is one request, so it must stay well under jute.maxbuffer */
const MAX_DELETE_BATCH = 500;
const DELETE_BATCH_DELAY_MS = 50;

export interface SequentialIdGeneratorOptions {
  /** the ID nodes' name before the sequence number; default "id-" */
  prefix?: string;
  /** keep every ID's node (an audit trail of who took which ID) instead of deleting it at once */
  keepNodes?: boolean;
  /** data of each ID node, e.g. who took it (most useful with keepNodes) */
  data?: NodeData;
}

/**
 * Unique IDs from ZooKeeper's sequential nodes (the "naming service" of the ZooKeeper recipes):
 * each nextId() creates a persistent-sequential node under `parentPath`; the 10-digit number the
 * server appended is the ID. The server numbers children of one parent from one counter, so no
 * two nodes — from any client, process or language — ever get the same number.
 *
 * ```
 * /ids/orders                     [P] persistent: must never be deleted (see below)
 *   _c_6a1f…-id-0000000041        [P] briefly, unless keepNodes
 * ```
 *
 * ```ts
 * const ids = new SequentialIdGenerator(client, '/ids/orders');
 * const orderId = await ids.nextId();           // 0, 1, 2, … (unique, increasing)
 * await ids.close();                            // waits for the background deletes
 * ```
 *
 * - IDs are unique and increasing; consecutive as long as nothing else creates children under the
 *   parent (deleting the ID nodes does not advance the counter).
 * - The parent is created persistent, never as a container: a container is removed by the server
 *   once empty — and with it the counter, which would restart at 0 and repeat every ID. For the same
 *   reason the parent must never be deleted by hand.
 * - The counter is a signed 32-bit number: after 2^31 children the server wraps it to negative
 *   numbers, and nextId() then fails with CORRUPT_DATA rather than hand out IDs that may repeat.
 * - Each ID costs a write, plus its share of a batched delete without keepNodes (the nodes are
 *   deleted in the background, many per multi). For many IDs per second use RangeIdGenerator.
 *
 * Faults: the ID node has a Curator protected name, so a create whose reply was lost is found again
 * by its UUID after reconnecting and its number used — nothing is wasted, nothing left behind.
 * Connection policy: the node is persistent, so neither suspended nor lost affects an ID once handed
 * out; a call made meanwhile waits for the connection (within its deadline).
 */
export class SequentialIdGenerator {
  private readonly prefix: string;
  private readonly keepNodes: boolean;
  private parentReady: Promise<void> | undefined;
  private readonly pendingDeletes = new Set<Promise<void>>();
  private readonly deleteBatch: string[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly client: ZooKeeperClient,
    readonly parentPath: string,
    private readonly options: SequentialIdGeneratorOptions = {},
  ) {
    validatePath(parentPath, { operation: RECIPE });
    this.prefix = options.prefix ?? 'id-';
    if (this.prefix.includes('/') || !isNodeName(this.prefix)) {
      throw new RecipeError(
        'BAD_ARGUMENT',
        RECIPE,
        parentPath,
        `prefix must be a node name, got ${JSON.stringify(this.prefix)}`,
      );
    }
    this.keepNodes = options.keepNodes ?? false;
  }

  /** The next unique ID. Rejects with RecipeError TIMEOUT/ABORTED when the deadline passes first. */
  async nextId(options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<number> {
    if (this.closed) throw new RecipeError('CLOSED', RECIPE, this.parentPath, 'closed');
    const deadline = new Deadline(RECIPE, this.parentPath, options.timeoutMs, options.signal);
    try {
      await untilAborted(this.ensureParent(), deadline.signal);
      const node = await createProtected(this.client, this.parentPath, this.prefix, this.options.data, {
        mode: 'persistentSequential',
        signal: deadline.signal,
      });
      if (!this.keepNodes) this.deleteInBackground(node.path);
      return this.idOf(node.path);
    } catch (error) {
      if (error instanceof RecipeError) throw error;
      if (deadline.signal.aborted) throw deadline.error();
      throw error;
    }
  }

  /** Stops handing out IDs; resolves once the ID nodes still being deleted are gone. */
  async close(): Promise<void> {
    this.closed = true;
    this.flushDeletes();
    await Promise.allSettled([...this.pendingDeletes]);
  }

  /** Shared by concurrent callers, so it is not tied to any one caller's deadline. */
  private ensureParent(): Promise<void> {
    // The ancestors may be containers: the persistent parent, never empty of its counter, keeps them.
    this.parentReady ??= retryIdempotent(
      this.client,
      () => ensurePath(this.client, this.parentPath, { mode: 'persistent' }),
      new AbortController().signal,
    ).catch((error: unknown) => {
      this.parentReady = undefined;
      throw error;
    });
    return this.parentReady;
  }

  private idOf(path: string): number {
    // ZooKeeper appends %010d of a signed 32-bit counter: "0000000041", or after the wrap "-000000001"
    // and "-2147483648" (11 characters).
    const sequence = nodeName(path).slice(PROTECTION_LENGTH + this.prefix.length);
    if (!/^\d{10}$/.test(sequence)) {
      throw new RecipeError(
        'CORRUPT_DATA',
        RECIPE,
        this.parentPath,
        `the sequence counter of ${this.parentPath} has wrapped past 2^31 - 1 (${path}); IDs could repeat`,
      );
    }
    return Number.parseInt(sequence, 10);
  }

  /**
   * Deletes handed-out ID nodes in batches — one multi per 50 ms or per 500 nodes — so a stream of
   * IDs costs about one write each instead of two. If a batch fails (a node already gone, a
   * connection loss), each of its nodes falls back to its own guaranteed delete.
   */
  private deleteInBackground(path: string): void {
    this.deleteBatch.push(path);
    if (this.deleteBatch.length >= MAX_DELETE_BATCH) this.flushDeletes();
    else this.flushTimer ??= setTimeout(() => this.flushDeletes(), DELETE_BATCH_DELAY_MS).unref();
  }

  private flushDeletes(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    while (this.deleteBatch.length > 0) {
      const paths = this.deleteBatch.splice(0, MAX_DELETE_BATCH);
      const deletion = this.client
        .multi(paths.map((each) => op.delete(each)))
        .then(
          () => {},
          () =>
            Promise.all(
              // NOAUTH and the like: the node stays, which costs a little space and nothing else.
              paths.map((each) => deleteGuaranteed(this.client, each).catch(() => {})),
            ).then(() => {}),
        )
        .finally(() => this.pendingDeletes.delete(deletion));
      this.pendingDeletes.add(deletion);
    }
  }
}

function isNodeName(name: string): boolean {
  try {
    validatePath(`/${name}x`, {});
    return true;
  } catch {
    return false;
  }
}

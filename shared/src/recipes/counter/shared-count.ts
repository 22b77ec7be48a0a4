import { EventEmitter } from 'node:events';
import type { Stat, StateChange, WatchedEvent, ZooKeeperClient } from '../../client/index.ts';
import { isConnectionLossClass, isZooKeeperError, validatePath } from '../../client/index.ts';
import { conditionalWrite } from '../core/conditional-write.ts';
import { retryIdempotent, waitForConnection } from '../core/connection.ts';
import { Deadline } from '../core/deadline.ts';
import { RecipeError, isRecipeError } from '../core/errors.ts';
import { DistributedAtomicNumber, type AtomicCallOptions } from './atomic-number.ts';
import { int32 } from './number-codec.ts';

/** A value together with the znode version it was read at: what a compare-and-set needs. */
export interface VersionedValue<T> {
  readonly version: number;
  readonly value: T;
}

export interface IncrementResult {
  preValue: number;
  postValue: number;
  /** the node's version after the increment */
  version: number;
}

export interface SharedCountEvents {
  /** the count changed: seen through the watch, or written by this object */
  change: [VersionedValue<number>];
  /** the connection dropped ("suspended"), the session ended ("lost"), or it is back ("reconnected") */
  connection: ['suspended' | 'lost' | 'reconnected'];
  /** a background re-read failed for a reason retrying cannot fix (e.g. CORRUPT_DATA) */
  failure: [Error];
}

const RECIPE = 'SharedCount';

/**
 * An integer shared by many clients, with a local copy kept current by a watch — Curator's
 * SharedCount, byte for byte: the znode holds the count as 4 bytes, big-endian, so Curator's
 * SharedCount and DistributedAtomicInteger and Kazoo's Counter(support_curator=True) can share it.
 *
 * ```ts
 * const workers = new SharedCount(client, '/config/worker-count', 4);
 * await workers.start();
 * workers.on('change', ({ value }) => resize(value));
 * await workers.increment();                       // compare-and-set, retried until it lands
 * const seen = workers.versionedValue;             // or: set only if nobody changed it since
 * if (!(await workers.trySetCount(seen, seen.value * 2))) console.log('someone was faster');
 * await workers.close();
 * ```
 *
 * Connection policy: while suspended the local copy may be stale (a "connection" event says so) and
 * writes wait for the connection; nothing is owned, so nothing is given up. After "lost" (and after
 * every reconnect) the count is read again, since changes made meanwhile fired no watch for us.
 * An increment whose reply was lost is never applied twice: it is proved not applied and retried,
 * or rejects with RecipeError UNKNOWN_OUTCOME.
 */
export class SharedCount extends EventEmitter<SharedCountEvents> {
  private readonly atomic: SharedCountWriter;
  private readonly seed: number;
  private current: { version: number; value: number; mzxid: bigint } | undefined;
  private state: 'latent' | 'started' | 'closed' = 'latent';
  private readonly closing = new AbortController();
  private refreshing = false;
  private refreshAgain = false;
  private readonly watcher = (event: WatchedEvent): void => {
    // "none" means the session ended: the re-read follows the next connection (see onState).
    if (event.type !== 'none') this.refresh();
  };
  private readonly onState = (change: StateChange): void => {
    if (change.event === 'suspended' || change.event === 'lost' || change.event === 'reconnected') {
      this.emit('connection', change.event);
    }
    if (change.event === 'connected' || change.event === 'reconnected') this.refresh();
  };

  constructor(
    private readonly client: ZooKeeperClient,
    readonly path: string,
    seed = 0,
  ) {
    super();
    validatePath(path, { operation: RECIPE });
    this.seed = int32.validate(seed, 'seed', RECIPE, path);
    this.atomic = new SharedCountWriter(client, path);
  }

  /** Creates the node with the seed if it does not exist, then reads it and starts watching. */
  async start(options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<void> {
    if (this.state !== 'latent') throw new RecipeError('BAD_ARGUMENT', RECIPE, this.path, 'already started');
    this.state = 'started';
    const deadline = new Deadline(RECIPE, this.path, options.timeoutMs, options.signal);
    this.client.on('state', this.onState);
    try {
      await this.atomic.initialize(this.seed, { signal: deadline.signal }).catch((error: unknown) => {
        // Somebody created it meanwhile, maybe us: either way it exists now, which is all start needs.
        if (!isRecipeError(error, 'UNKNOWN_OUTCOME')) throw error;
      });
      await retryIdempotent(this.client, () => this.readAndWatch(), deadline.signal);
    } catch (error) {
      await this.close();
      if (deadline.signal.aborted && !isRecipeError(error)) throw deadline.error();
      throw error;
    }
  }

  /** The count as last seen (Curator's getCount). */
  get count(): number {
    return this.versionedValue.value;
  }

  /** The count and the node version it was seen at, for trySetCount. */
  get versionedValue(): VersionedValue<number> {
    if (!this.current) throw new RecipeError('BAD_ARGUMENT', RECIPE, this.path, 'start() first');
    return { version: this.current.version, value: this.current.value };
  }

  /** Sets the count unconditionally. */
  async setCount(newCount: number, options: AtomicCallOptions = {}): Promise<void> {
    this.assertStarted();
    const stat = await this.atomic.forceSet(newCount, options);
    this.accept(stat, newCount);
  }

  /**
   * Sets the count only if the node is still at `previous.version`; false (and the local copy is
   * refreshed) if another client changed it first.
   */
  async trySetCount(
    previous: VersionedValue<number>,
    newCount: number,
    options: AtomicCallOptions = {},
  ): Promise<boolean> {
    this.assertStarted();
    const value = int32.validate(newCount, 'newCount', RECIPE, this.path);
    if (!Number.isInteger(previous?.version) || previous.version < 0) {
      throw new RecipeError('BAD_ARGUMENT', RECIPE, this.path, 'previous must be a VersionedValue');
    }
    const deadline = new Deadline(RECIPE, this.path, options.timeoutMs, options.signal);
    try {
      const result = await conditionalWrite(
        this.client,
        this.path,
        int32.encode(value),
        { version: previous.version },
        { recipe: RECIPE, signal: deadline.signal },
      );
      if (result.written) {
        this.accept(result.stat, value);
        return true;
      }
      this.refresh();
      return false;
    } catch (error) {
      if (deadline.signal.aborted && !isRecipeError(error)) throw deadline.error();
      throw error;
    }
  }

  /** Adds `delta` (default 1) with compare-and-set, retrying lost races until it lands. */
  async increment(delta = 1, options: AtomicCallOptions = {}): Promise<IncrementResult> {
    this.assertStarted();
    const result = await this.atomic.add(int32.validate(delta, 'delta', RECIPE, this.path), options);
    // maxAttempts is unlimited, so only the deadline (an error) ends it without success.
    this.accept(result.stat!, result.postValue);
    return { preValue: result.preValue, postValue: result.postValue, version: result.stat!.version };
  }

  /** Stops watching. The node stays. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.closing.abort(new RecipeError('CLOSED', RECIPE, this.path, 'closed'));
    this.client.off('state', this.onState);
    await this.client
      .removeWatches(this.path, 'data', { watcher: this.watcher, local: true })
      .catch(() => {});
  }

  /** Takes a value read or written, unless a newer one (by modification zxid) is already known. */
  private accept(stat: Stat, value: number): void {
    const previous = this.current;
    if (previous && stat.mzxid < previous.mzxid) return;
    this.current = { version: stat.version, value, mzxid: stat.mzxid };
    if (!previous || previous.version !== stat.version || previous.value !== value) {
      this.emit('change', { version: stat.version, value });
    }
  }

  private async readAndWatch(): Promise<void> {
    try {
      const { data, stat } = await this.client.getData(this.path, { watch: this.watcher });
      this.accept(stat, int32.decode(data, RECIPE, this.path));
    } catch (error) {
      if (!isZooKeeperError(error, 'NONODE')) throw error;
      // Deleted: keep the last count and wait for the node to come back.
      if (await this.client.exists(this.path, { watch: this.watcher })) await this.readAndWatch();
    }
  }

  /** Re-reads in the background; concurrent triggers collapse into one more read. */
  private refresh(): void {
    if (this.state !== 'started') return;
    if (this.refreshing) {
      this.refreshAgain = true;
      return;
    }
    this.refreshing = true;
    void (async () => {
      try {
        do {
          this.refreshAgain = false;
          try {
            await this.readAndWatch();
          } catch (error) {
            if (isConnectionLossClass(error) || isZooKeeperError(error, 'SESSIONEXPIRED')) {
              await waitForConnection(this.client, this.closing.signal);
              this.refreshAgain = true;
            } else if (!isZooKeeperError(error, 'CLOSED') && this.state === 'started') {
              this.emit('failure', error instanceof Error ? error : new Error(String(error)));
            }
          }
        } while (this.refreshAgain && this.state === 'started');
      } catch {
        // closed while waiting for the connection
      } finally {
        this.refreshing = false;
      }
    })();
  }

  private assertStarted(): void {
    if (this.state !== 'started') {
      throw new RecipeError(
        this.state === 'closed' ? 'CLOSED' : 'BAD_ARGUMENT',
        RECIPE,
        this.path,
        'not started',
      );
    }
  }
}

/**
 * The writes of a SharedCount: DistributedAtomicInteger's compare-and-set engine under this recipe's
 * name, with unlimited rounds — an increment retries lost races until it lands or its deadline passes.
 */
class SharedCountWriter extends DistributedAtomicNumber<number> {
  constructor(client: ZooKeeperClient, path: string) {
    super(client, path, int32, RECIPE, { maxAttempts: Infinity });
  }
}

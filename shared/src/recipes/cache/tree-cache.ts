import { EventEmitter, setMaxListeners } from 'node:events';
import type { StateChange, Stat, WatchedEvent, ZooKeeperClient } from '../../client/index.ts';
import {
  isConnectionLossClass,
  isZooKeeperError,
  joinPath,
  parentPath,
  validatePath,
} from '../../client/index.ts';
import { waitForConnection } from '../core/connection.ts';
import { Deadline, sleep } from '../core/deadline.ts';
import { RecipeError } from '../core/errors.ts';
import { untilAborted } from '../core/until-aborted.ts';
import {
  cacheEventStream,
  type CacheEvent,
  type CacheEvents,
  type CachedNode,
  type ResyncReason,
} from './cache-events.ts';

/**
 * How a cache learns about changes:
 * - auto (default): one persistent watch on the cache's root (recursive for trees and children),
 *   ZooKeeper 3.6+. If the server does not know addWatch (UNIMPLEMENTED or MARSHALLINGERROR), the
 *   cache falls back to one-shot watches by itself.
 * - oneShot: a getData and a getChildren watch on every cached node, set again after each event,
 *   like Curator's TreeCache; works with every server version.
 */
export type CacheWatchMode = 'auto' | 'oneShot';

export interface TreeCacheOptions {
  /** levels below the root to cache: 0 only the root, 1 the root and its children; default: all */
  maxDepth?: number;
  watchMode?: CacheWatchMode;
}

export interface CacheStartOptions {
  /** reject (RecipeError TIMEOUT) if the first full read is not done by then; default: no limit */
  timeoutMs?: number;
  signal?: AbortSignal;
}

type CacheState = 'latent' | 'starting' | 'initialized' | 'closed';
type SyncRequest = ResyncReason | 'initial';
type ReadOutcome = 'ok' | 'missing' | 'interrupted';
/** 'appeared': the read put a node, or a new incarnation of it, into the cache */
type NodeReadOutcome = ReadOutcome | 'appeared';

/** Reads in flight at once while filling: enough to pipeline, few enough not to time out in a queue. */
const MAX_CONCURRENT_READS = 64;

/**
 * A local copy of a whole subtree — every node's data and Stat — kept current by one persistent
 * recursive watch (ZooKeeper 3.6+), as Curator's CuratorCache does.
 *
 * ```ts
 * const cache = new TreeCache(client, '/config');
 * cache.on('changed', (node) => reload(node.path, node.data));
 * await cache.start({ timeoutMs: 10_000 });   // rejects if the first read fails: nothing is silent
 * const limits = cache.get('/config/limits')?.data;
 * for await (const event of cache.events()) log(event.type, 'node' in event ? event.node.path : '');
 * await cache.close();                          // removes the watch; client.watchCount is back
 * ```
 *
 * How it stays right:
 * - Fill: the watch is added first, then every node is read with unwatched getData/getChildren, so
 *   no change after the watch is missed. `initialized` comes once that read is complete.
 * - Events: NodeCreated and NodeDataChanged make the cache read the node; NodeDeleted removes it and
 *   anything cached below it. New children show up through their own NodeCreated events (recursive
 *   watches never send NodeChildrenChanged).
 * - Ordering: a read reply and a watch event can be handled in a different order than the server
 *   sent them. Each node is therefore compared by its incarnation (czxid) and its data version
 *   (mzxid), never by `version` alone, and a deletion leaves a marker — the client's last seen zxid
 *   when the event arrived — that refuses any older reply still on its way. The cache converges to
 *   the server's tree whatever the interleaving.
 * - A node deleted and created again is reported as `deleted` (the old incarnation, and its
 *   descendants) followed by `created` (the new one), never as a mere `changed` — also when it
 *   happened while disconnected (CURATOR-391).
 * - Events about different nodes come in the order the cache learns of them: parents are created
 *   before their children and children deleted before their parent, except in one race — a node
 *   deleted and created again while its new children are being read — where a child of the new
 *   incarnation can be reported before the parent's `deleted` + `created`.
 *
 * Connection policy:
 * - suspended: the cache keeps serving what it has (possibly stale); nothing is reported.
 * - reconnected (same session): the client re-registers the watch, but ZooKeeper does not replay
 *   the events a persistent watch missed, so the cache reads the tree again and reports exactly the
 *   differences, then `resynced` ('reconnected').
 * - lost: the watch is gone with the session. Once a new session is up the watch is added again and
 *   the tree re-read the same way (`resynced` 'newSession').
 * - The client closed: the cache closes.
 *
 * Start-up failures are not silent (CURATOR-328): `start()` rejects with the error (NOAUTH on the
 * root, a deadline) and leaves the cache closed.
 */
export class TreeCache extends EventEmitter<CacheEvents> {
  readonly path: string;
  readonly maxDepth: number;
  private mode: 'persistent' | 'oneShot';
  private readonly requestedMode: CacheWatchMode;
  /** a node cache needs no recursion: a plain persistent watch sees everything about one node */
  private readonly persistentKind: 'persistent' | 'persistentRecursive';
  private readonly nodes = new Map<string, CachedNode>();
  /** names of the cached children of each path, cached parent or not */
  private readonly childNames = new Map<string, Set<string>>();
  /**
   * Deleted incarnations, as "the zxid at or below which a node at this path is known to be gone".
   * A reply about the path with a czxid at or below it is stale. Dropped whenever no read is in
   * flight, since only replies in flight can be stale.
   */
  private readonly tombstones = new Map<string, bigint>();
  private state: CacheState = 'latent';
  private watchRegistered = false;
  private syncRequest: SyncRequest | undefined;
  private wakeSyncLoop: (() => void) | undefined;
  /** aborted by close(); every read in flight listens to it */
  private readonly lifetime = new AbortController();
  private readonly inFlight = new Set<Promise<unknown>>();
  private pendingReads = 0;
  private readonly slots = new ReadSlots(MAX_CONCURRENT_READS);
  private stopWatchingConnection: () => void = () => {};
  private initialSync: Deferred | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly client: ZooKeeperClient,
    path: string,
    options: TreeCacheOptions = {},
  ) {
    super();
    validatePath(path, { operation: 'TreeCache' });
    this.path = path;
    const maxDepth = options.maxDepth ?? Infinity;
    if (maxDepth !== Infinity && (!Number.isInteger(maxDepth) || maxDepth < 0)) {
      throw new RecipeError(
        'BAD_ARGUMENT',
        'TreeCache',
        path,
        `maxDepth must be a non-negative integer, got ${maxDepth}`,
      );
    }
    this.maxDepth = maxDepth;
    const watchMode = options.watchMode ?? 'auto';
    if (watchMode !== 'auto' && watchMode !== 'oneShot') {
      throw new RecipeError('BAD_ARGUMENT', 'TreeCache', path, `unknown watchMode "${String(watchMode)}"`);
    }
    this.requestedMode = watchMode;
    this.mode = watchMode === 'oneShot' ? 'oneShot' : 'persistent';
    this.persistentKind = maxDepth === 0 ? 'persistent' : 'persistentRecursive';
    setMaxListeners(0, this.lifetime.signal);
  }

  /**
   * Adds the watch and reads the tree; resolves once the cache holds all of it (after the
   * `initialized` event). Rejects — and closes the cache — if that cannot be done: the deadline
   * passed, the signal fired, or a read failed in a way retrying cannot fix.
   */
  async start(options: CacheStartOptions = {}): Promise<void> {
    if (this.state !== 'latent') {
      throw new RecipeError('BAD_ARGUMENT', 'TreeCache', this.path, `start() on a ${this.state} cache`);
    }
    const deadline = new Deadline('TreeCache', this.path, options.timeoutMs, options.signal);
    this.state = 'starting';
    const initialSync = (this.initialSync = deferred());
    const onState = (change: StateChange): void => this.onConnectionChange(change);
    this.client.on('state', onState);
    this.stopWatchingConnection = () => this.client.off('state', onState);
    this.requestSync('initial');
    this.track(this.syncLoop());
    try {
      await untilAborted(initialSync.promise, deadline.signal);
    } catch (error) {
      await this.close();
      throw deadline.signal.aborted ? deadline.error() : error;
    }
  }

  /** The cached node at `path`, or undefined if it is not in the cache (or not under its root). */
  get(path: string): CachedNode | undefined {
    return this.nodes.get(path);
  }

  /** Names of the cached children of `path`, sorted; undefined if `path` itself is not cached. */
  children(path: string): string[] | undefined {
    if (!this.nodes.has(path)) return undefined;
    return [...(this.childNames.get(path) ?? [])].sort();
  }

  /** A copy of the whole cache, path → node, parents before children. */
  snapshot(): Map<string, CachedNode> {
    return new Map([...this.nodes].sort(([a], [b]) => comparePaths(a, b)));
  }

  get size(): number {
    return this.nodes.size;
  }

  get isInitialized(): boolean {
    return this.state === 'initialized';
  }

  /** The mechanism in use: 'persistent' (one addWatch) or 'oneShot' (chosen, or the fallback). */
  get watchMode(): 'persistent' | 'oneShot' {
    return this.mode;
  }

  /** Every event from now on, as an async iterator that ends when the cache closes or `signal` fires. */
  events(options: { signal?: AbortSignal } = {}): AsyncIterableIterator<CacheEvent> {
    return cacheEventStream(this, options.signal);
  }

  /**
   * Stops watching: removes the watch (persistent, or every one-shot watch it set) and the
   * connection listeners, waits for reads in flight, emits `closed` and drops all listeners.
   */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    const wasStarted = this.state !== 'latent';
    this.state = 'closed';
    this.lifetime.abort(new RecipeError('CLOSED', 'TreeCache', this.path, 'the cache was closed'));
    this.stopWatchingConnection();
    this.wakeSyncLoop?.();
    this.initialSync?.reject(new RecipeError('CLOSED', 'TreeCache', this.path, 'closed before initialized'));
    this.closing = (async () => {
      if (wasStarted) {
        await this.removeWatches();
        // Reads in flight may still register one-shot watches or the persistent one; let them land
        // and remove what they left.
        while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
        await this.removeWatches();
      }
      this.emit('closed');
      this.removeAllListeners();
    })();
    return this.closing;
  }

  // ---- keeping in sync ------------------------------------------------------------------------

  private onConnectionChange(change: StateChange): void {
    switch (change.event) {
      case 'reconnected':
        // Same session: the client has re-registered the watch, but the events it missed are gone.
        this.requestSync('reconnected');
        break;
      case 'lost':
        this.watchRegistered = false;
        break;
      case 'connected':
        // A new session: nothing is watched on it yet. (On the very first connection the loop is
        // still waiting for it and walks anyway.)
        this.watchRegistered = false;
        if (change.previous !== 'connecting') this.requestSync('newSession');
        break;
      case 'closed':
      case 'authFailed':
        void this.close();
        break;
    }
  }

  private requestSync(reason: SyncRequest): void {
    if (this.isClosed) return;
    if (this.syncRequest === undefined || this.syncRequest === 'readFailed' || reason === 'newSession') {
      this.syncRequest = this.syncRequest === 'initial' ? 'initial' : reason;
    }
    this.wakeSyncLoop?.();
  }

  /**
   * The only place that (re)adds the watch and walks the tree, so no two walks run side by side; a
   * request that arrives during a walk makes the loop walk again afterwards.
   */
  private async syncLoop(): Promise<void> {
    let failures = 0;
    while (!this.isClosed) {
      if (this.syncRequest === undefined) {
        await new Promise<void>((resolve) => (this.wakeSyncLoop = resolve));
        this.wakeSyncLoop = undefined;
        continue;
      }
      const reason = this.syncRequest;
      this.syncRequest = undefined;
      try {
        await waitForConnection(this.client, this.lifetime.signal);
        if (this.mode === 'persistent' && !this.watchRegistered) await this.registerWatch();
        const outcome = await this.walk(this.path, 0);
        if (outcome === 'interrupted') {
          this.requestSync(reason);
          await sleep(Math.min(50 * 2 ** failures++, 1000), this.lifetime.signal);
          continue;
        }
        failures = 0;
        if (this.syncRequest !== undefined) continue; // something happened meanwhile: walk again
        if (this.state === 'starting') {
          this.state = 'initialized';
          this.emit('initialized', this.snapshot());
          this.initialSync?.resolve();
        } else if (reason !== 'initial') this.emit('resynced', reason);
      } catch (error) {
        if (this.isClosed) return;
        if (isInterruption(error)) {
          this.requestSync(reason);
          continue;
        }
        if (this.state === 'starting') {
          this.initialSync?.reject(error);
          return;
        }
        this.emitError(error);
        this.requestSync(reason);
        await sleep(Math.min(100 * 2 ** failures++, 5000), this.lifetime.signal).catch(() => {});
      }
    }
  }

  private async registerWatch(): Promise<void> {
    try {
      // No abort signal: a request aborted after sending would leave the watch on the server with
      // nobody to remove it. close() waits for this call and then removes the watch.
      await this.client.addWatch(this.path, this.watcher, { mode: this.persistentKind });
      this.watchRegistered = true;
    } catch (error) {
      if (this.requestedMode === 'auto' && isZooKeeperError(error, 'UNIMPLEMENTED', 'MARSHALLINGERROR')) {
        // A server before 3.6: watch every node with one-shot watches instead (Curator's TreeCache way).
        this.mode = 'oneShot';
        return;
      }
      throw error;
    }
  }

  /**
   * Reads `path` and, within maxDepth, its children and everything below, comparing each with the
   * cache. 'interrupted' if a read was cut off by the connection; the loop then walks again.
   */
  private async walk(path: string, depth: number): Promise<'ok' | 'interrupted'> {
    const node = await this.readNode(path);
    if (node === 'interrupted') return 'interrupted';
    if (node === 'missing') return 'ok'; // and forgotten, with what was below it
    if (depth >= this.maxDepth) return 'ok';
    const listing = await this.listChildren(path);
    if (listing === 'interrupted') return 'interrupted';
    if (listing === 'missing') return 'ok';
    const outcomes = await Promise.all(
      listing.children.map((name) => this.walk(joinPath(path, name), depth + 1)),
    );
    return outcomes.includes('interrupted') ? 'interrupted' : 'ok';
  }

  // ---- events ---------------------------------------------------------------------------------

  private readonly watcher = (event: WatchedEvent): void => {
    if (this.isClosed || this.state === 'latent') return;
    if (event.type === 'none') {
      if (event.state === 'expired') this.watchRegistered = false;
      return;
    }
    const depth = this.depthOf(event.path);
    if (depth === undefined || depth > this.maxDepth) return;
    switch (event.type) {
      case 'created':
      case 'dataChanged':
        this.track(this.refreshNode(event.path, depth), true);
        break;
      case 'deleted':
        this.removeSubtree(event.path, deletedUpTo(event, this.client.lastZxid));
        // One-shot watches die with the node: watch for the root's return.
        if (this.mode === 'oneShot' && event.path === this.path) {
          this.track(this.refreshNode(this.path, 0), true);
        }
        break;
      case 'childrenChanged':
        if (this.mode === 'oneShot' && depth < this.maxDepth) {
          this.track(this.refreshChildren(event.path, depth), true);
        }
        break;
      default:
        break; // *WatchRemoved: our own close()
    }
  };

  /**
   * Reads a node after an event. In one-shot mode a node that appeared (new, or a new incarnation
   * found by a read meant for the old one) has no child watch yet: list its children too.
   */
  private async refreshNode(path: string, depth: number): Promise<ReadOutcome> {
    const outcome = await this.readNode(path);
    if (outcome !== 'appeared') return outcome;
    if (this.mode === 'oneShot' && depth < this.maxDepth) return this.refreshChildren(path, depth);
    return 'ok';
  }

  /** One-shot mode: a child watch fired; read the new children (removed ones go by the listing). */
  private async refreshChildren(path: string, depth: number): Promise<ReadOutcome> {
    const listing = await this.listChildren(path);
    if (listing === 'interrupted' || listing === 'missing') return listing;
    const outcomes = await Promise.all(
      listing.unknown.map((name) => this.walk(joinPath(path, name), depth + 1)),
    );
    return outcomes.includes('interrupted') ? 'interrupted' : 'ok';
  }

  // ---- reads ----------------------------------------------------------------------------------

  private async readNode(path: string): Promise<NodeReadOutcome> {
    let appeared = false;
    const outcome = await this.guardedRead(path, async () => {
      const { data, stat } = await this.client
        .getData(path, this.readOptions())
        .catch(this.forgetIfGone(path));
      appeared = this.applyNode(path, data, stat);
    });
    if (outcome === 'ok' && appeared) return 'appeared';
    if (outcome === 'missing' && this.mode === 'oneShot' && path === this.path) {
      // Nobody's child watch will announce the root's creation: an exists watch does.
      const again = await this.guardedRead(path, async () => {
        if ((await this.client.exists(path, this.readOptions())) === null) throw MISSING_ROOT;
      });
      if (again === 'ok') return this.readNode(path); // created in between
      return again === 'missing' ? 'missing' : again;
    }
    return outcome;
  }

  /**
   * Lists the children and applies the listing. `unknown` are the listed names not cached when the
   * reply was applied — judged then, not when the request was sent: a cached name may meanwhile
   * have been deleted and created again, and only the deletion event (handled before this reply)
   * tells the two incarnations apart.
   */
  private async listChildren(
    path: string,
  ): Promise<{ children: string[]; unknown: string[] } | 'missing' | 'interrupted'> {
    let listing = { children: [] as string[], unknown: [] as string[] };
    const outcome = await this.guardedRead(path, async () => {
      const { children, stat } = await this.client
        .getChildren(path, this.readOptions())
        .catch(this.forgetIfGone(path));
      this.applyListing(path, children, stat);
      const cached = this.childNames.get(path);
      listing = { children, unknown: children.filter((name) => !cached?.has(name)) };
    });
    return outcome === 'ok' ? listing : outcome;
  }

  private readOptions(): { watch?: (event: WatchedEvent) => void; signal: AbortSignal } {
    return this.mode === 'oneShot'
      ? { watch: this.watcher, signal: this.lifetime.signal }
      : { signal: this.lifetime.signal };
  }

  /**
   * Runs one read and applies its result before the read counts as finished, so a stale reply is
   * always judged against the tombstones that could refuse it. Errors other than "gone" and
   * connection trouble are reported and count as gone, except at the root, where they fail the walk.
   */
  private async guardedRead(path: string, read: () => Promise<void>): Promise<ReadOutcome> {
    await this.slots.acquire();
    this.pendingReads++;
    try {
      if (this.isClosed) return 'interrupted';
      await read();
      return 'ok';
    } catch (error) {
      if (error === MISSING_ROOT || isZooKeeperError(error, 'NONODE')) return 'missing';
      if (isInterruption(error)) return 'interrupted';
      if (path === this.path) throw error;
      this.emitError(error);
      return 'missing';
    } finally {
      this.slots.release();
      if (--this.pendingReads === 0) this.tombstones.clear();
    }
  }

  // ---- applying what was read -----------------------------------------------------------------

  /** Compares a read with the cache and updates it; true if a node or a new incarnation appeared. */
  private applyNode(path: string, data: Buffer, stat: Stat): boolean {
    if (this.isClosed) return false;
    const tombstone = this.tombstones.get(path);
    if (tombstone !== undefined && stat.czxid <= tombstone) return false; // about a deleted incarnation
    const cached = this.nodes.get(path);
    const node: CachedNode = { path, data, stat };
    if (!cached) {
      this.put(node);
      this.report('created', node);
      return true;
    }
    if (stat.czxid < cached.stat.czxid) return false; // an older incarnation: stale
    if (stat.czxid > cached.stat.czxid) {
      // Deleted and created again, maybe while we were away: report both, old subtree included.
      this.removeSubtree(path, stat.czxid - 1n);
      this.put(node);
      this.report('created', node);
      return true;
    }
    if (stat.mzxid > cached.stat.mzxid) {
      this.put(node);
      this.report('changed', node, cached);
    } else if (stat.mzxid === cached.stat.mzxid && stat.pzxid > cached.stat.pzxid) {
      this.put(node); // only its children changed: a fresher Stat, nothing to report
    }
    return false;
  }

  /**
   * A read answered NONODE: what is cached at `path`, and below it, is gone. It runs as soon as the
   * reply is handled, before any reply that arrived later is applied, so what is cached then was read
   * before this reply and belongs to the incarnation the server no longer has. Each removed node is
   * refused from then on up to the newest czxid removed — anything created after the deletion has a
   * larger one. (Without this, a one-shot cache could miss a deletion that fell between a data watch
   * firing and the read that sets it again.)
   */
  private forgetIfGone(path: string): (error: unknown) => never {
    return (error) => {
      if (isZooKeeperError(error, 'NONODE') && !this.isClosed) {
        const newest = this.newestCzxidIn(path);
        if (newest !== undefined) this.removeSubtree(path, newest);
      }
      throw error;
    };
  }

  private newestCzxidIn(path: string): bigint | undefined {
    let newest = this.nodes.get(path)?.stat.czxid;
    for (const name of this.childNames.get(path) ?? []) {
      const below = this.newestCzxidIn(joinPath(path, name));
      if (below !== undefined && (newest === undefined || below > newest)) newest = below;
    }
    return newest;
  }

  /**
   * A listing removes the cached children it no longer names — but only those created at or before
   * the listing's pzxid (the last change to the children); a child created later is newer than the
   * listing and stays.
   */
  private applyListing(path: string, children: readonly string[], stat: Stat): void {
    if (this.isClosed) return;
    const listed = new Set(children);
    for (const name of [...(this.childNames.get(path) ?? [])]) {
      if (listed.has(name)) continue;
      const child = this.nodes.get(joinPath(path, name));
      if (child && child.stat.czxid <= stat.pzxid) this.removeSubtree(child.path, stat.pzxid);
    }
  }

  /**
   * Removes `path` and its cached descendants created at or before `upTo`, deepest first, and
   * refuses replies about them from now on. Anything created after `upTo` belongs to a newer
   * incarnation and stays.
   */
  private removeSubtree(path: string, upTo: bigint): void {
    if (this.isClosed) return;
    for (const name of [...(this.childNames.get(path) ?? [])]) this.removeSubtree(joinPath(path, name), upTo);
    const previous = this.tombstones.get(path);
    if (previous === undefined || previous < upTo) this.tombstones.set(path, upTo);
    const cached = this.nodes.get(path);
    if (!cached || cached.stat.czxid > upTo) return;
    this.nodes.delete(path);
    if (path !== this.path) {
      const siblings = this.childNames.get(parentPath(path));
      siblings?.delete(nameOf(path));
      if (siblings?.size === 0) this.childNames.delete(parentPath(path));
    }
    this.report('deleted', cached);
  }

  private put(node: CachedNode): void {
    this.nodes.set(node.path, node);
    if (node.path === this.path) return;
    const parent = parentPath(node.path);
    let names = this.childNames.get(parent);
    if (!names) this.childNames.set(parent, (names = new Set()));
    names.add(nameOf(node.path));
  }

  /** Events describe differences from what was reported: before `initialized` there is nothing to diff. */
  private report(type: 'created' | 'deleted', node: CachedNode): void;
  private report(type: 'changed', node: CachedNode, previous: CachedNode): void;
  private report(type: 'created' | 'changed' | 'deleted', node: CachedNode, previous?: CachedNode): void {
    if (this.state !== 'initialized') return;
    if (type === 'changed') this.emit('changed', node, previous!);
    else this.emit(type, node);
  }

  // ---- plumbing -------------------------------------------------------------------------------

  /** Levels below the root (0 for the root itself), or undefined for a path outside the cache. */
  private depthOf(path: string): number | undefined {
    if (path === this.path) return 0;
    const prefix = this.path === '/' ? '/' : `${this.path}/`;
    if (!path.startsWith(prefix)) return undefined;
    return path.slice(prefix.length).split('/').length;
  }

  /** Keeps a promise in the set close() waits for; event-driven reads that fail quietly ask for a resync. */
  private track(promise: Promise<unknown>, fromEvent = false): void {
    const tracked = promise.then(
      (outcome) => {
        // An event's read cut off while still connected (a timeout) is not covered by a reconnect.
        if (fromEvent && outcome === 'interrupted' && this.isConnected()) this.requestSync('readFailed');
      },
      (error: unknown) => {
        if (!this.isClosed && !isInterruption(error)) this.emitError(error);
      },
    );
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
  }

  private get isClosed(): boolean {
    return this.state === 'closed';
  }

  private isConnected(): boolean {
    return this.client.state === 'connected' || this.client.state === 'readOnly';
  }

  private async removeWatches(): Promise<void> {
    // While disconnected the server cannot be told; the watch dies with the connection or session,
    // so a short deadline and a local removal are enough.
    const options = { watcher: this.watcher, local: true, timeoutMs: 2000 };
    const removals: Promise<void>[] = [
      this.client.removeWatches(this.path, this.persistentKind, options).catch(() => {}),
    ];
    if (this.mode === 'oneShot') {
      for (const path of new Set([this.path, ...this.nodes.keys()])) {
        removals.push(this.client.removeWatches(path, 'data', options).catch(() => {}));
        removals.push(this.client.removeWatches(path, 'children', options).catch(() => {}));
      }
    }
    await Promise.all(removals);
  }

  private emitError(error: unknown): void {
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }
}

const MISSING_ROOT = Symbol('missing root');

/** Connection trouble, an ended session, our own close: a later walk will cover what was missed. */
/**
 * The zxid at or below which a deleted event says the path's incarnations are gone; a node at the
 * path with a larger czxid was created after the delete. A 3.9+ server names the delete's zxid in
 * the event, and a node created again in the same multi shares that zxid, so it is the delete's
 * zxid minus one. A 3.8 server names none; the client's last zxid then serves: when the event
 * arrives it is below the delete's zxid (servers send a notification before any reply that
 * follows the change) and at or above that of every reply received before it.
 */
function deletedUpTo(event: WatchedEvent, lastZxid: bigint): bigint {
  return event.zxid === undefined ? lastZxid : event.zxid - 1n;
}

function isInterruption(error: unknown): boolean {
  return (
    isConnectionLossClass(error) ||
    isZooKeeperError(error, 'SESSIONEXPIRED', 'CLOSED', 'ABORTED') ||
    (error instanceof RecipeError && error.code === 'CLOSED')
  );
}

function nameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Orders paths so that parents come before children and siblings by name. */
function comparePaths(a: string, b: string): number {
  const left = a.split('/');
  const right = b.split('/');
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    if (left[i] !== right[i]) return left[i]! < right[i]! ? -1 : 1;
  }
  return left.length - right.length;
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => {}); // rejected before anyone awaits it (closed early): not unhandled
  return { promise, resolve, reject };
}

/** A counting semaphore for reads in flight. */
class ReadSlots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(size: number) {
    this.free = size;
  }

  acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

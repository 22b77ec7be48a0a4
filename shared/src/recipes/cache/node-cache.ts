import { EventEmitter } from 'node:events';
import type { ZooKeeperClient } from '../../client/index.ts';
import {
  cacheEventStream,
  forwardCacheEvents,
  type CacheEvent,
  type CacheEvents,
  type CachedNode,
} from './cache-events.ts';
import { TreeCache, type CacheStartOptions, type CacheWatchMode } from './tree-cache.ts';

export interface NodeCacheOptions {
  watchMode?: CacheWatchMode;
}

/**
 * A local copy of one node — its data and Stat, or its absence — kept current by one persistent
 * (non-recursive) watch: the equivalent of Curator's NodeCache / CuratorCache SINGLE_NODE_CACHE.
 *
 * ```ts
 * const flags = new NodeCache(client, '/config/feature-flags');
 * flags.on('changed', (node) => apply(JSON.parse(node.data.toString())));
 * flags.on('deleted', () => apply(defaults));
 * await flags.start({ timeoutMs: 10_000 });
 * apply(flags.get() ? JSON.parse(flags.get()!.data.toString()) : defaults);
 * ```
 *
 * Events: `initialized` (a map with the node, or empty if it does not exist), then `created`,
 * `changed` (new data, i.e. a new mzxid) and `deleted`. A node deleted and created again is
 * `deleted` + `created`, also across a disconnection. The Stat is the one read with the data: it is
 * not refreshed when only the node's children change.
 *
 * Connection policy, start-up errors and close are those of TreeCache: stale but served while
 * suspended, re-read with exact differences after a reconnect or a new session.
 *
 * Do not put a NodeCache and a TreeCache/ChildrenCache on the same path with the same client: the
 * server keeps one persistent watch mode per path and connection, so the two would replace each
 * other's watch.
 */
export class NodeCache extends EventEmitter<CacheEvents> {
  readonly path: string;
  private readonly tree: TreeCache;

  constructor(client: ZooKeeperClient, path: string, options: NodeCacheOptions = {}) {
    super();
    this.tree = new TreeCache(client, path, { maxDepth: 0, ...options });
    this.path = path;
    forwardCacheEvents(this.tree, this);
  }

  /** Reads the node and starts watching; see TreeCache.start for failures. */
  start(options: CacheStartOptions = {}): Promise<void> {
    return this.tree.start(options);
  }

  /** The node as last read, or undefined while it does not exist (or before start). */
  get(): CachedNode | undefined {
    return this.tree.get(this.path);
  }

  get isInitialized(): boolean {
    return this.tree.isInitialized;
  }

  get watchMode(): 'persistent' | 'oneShot' {
    return this.tree.watchMode;
  }

  events(options: { signal?: AbortSignal } = {}): AsyncIterableIterator<CacheEvent> {
    return cacheEventStream(this, options.signal);
  }

  /** Removes the watch and every listener. */
  close(): Promise<void> {
    return this.tree.close();
  }
}

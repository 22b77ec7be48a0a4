import { EventEmitter } from 'node:events';
import type { ZooKeeperClient } from '../../client/index.ts';
import { joinPath, parentPath } from '../../client/index.ts';
import {
  cacheEventStream,
  forwardCacheEvents,
  type CacheEvent,
  type CacheEvents,
  type CachedNode,
} from './cache-events.ts';
import { TreeCache, type CacheStartOptions, type CacheWatchMode } from './tree-cache.ts';

export interface ChildrenCacheOptions {
  watchMode?: CacheWatchMode;
}

/**
 * A local copy of the children of one node, with their data and Stats: the equivalent of Curator's
 * PathChildrenCache (which Curator 5 also builds on a recursive CuratorCache). Grandchildren are not
 * cached; their events are ignored.
 *
 * ```ts
 * const workers = new ChildrenCache(client, '/workers');
 * workers.on('created', (node) => assignWork(node.path));
 * workers.on('deleted', (node) => reassign(node.path));
 * await workers.start({ timeoutMs: 10_000 });
 * for (const [name, node] of workers.children()) console.log(name, node.data.toString());
 * ```
 *
 * Events carry the child nodes only: `initialized` (every child found by the first read), then
 * `created`, `changed` and `deleted` per child. The parent may be missing: the cache is then empty,
 * and fills when the parent and its children appear. Deleting the parent reports every child as
 * deleted.
 *
 * Connection policy, start-up errors and close are those of TreeCache.
 */
export class ChildrenCache extends EventEmitter<CacheEvents> {
  readonly path: string;
  private readonly tree: TreeCache;

  constructor(client: ZooKeeperClient, path: string, options: ChildrenCacheOptions = {}) {
    super();
    this.tree = new TreeCache(client, path, { maxDepth: 1, ...options });
    this.path = path;
    forwardCacheEvents(this.tree, this, (node) => node.path !== path);
  }

  /** Reads the children and starts watching; see TreeCache.start for failures. */
  start(options: CacheStartOptions = {}): Promise<void> {
    return this.tree.start(options);
  }

  /** One child, by name ("worker-1") or full path ("/workers/worker-1"). */
  get(nameOrPath: string): CachedNode | undefined {
    const path = nameOrPath.startsWith('/') ? nameOrPath : joinPath(this.path, nameOrPath);
    if (path === this.path || parentPath(path) !== this.path) return undefined;
    return this.tree.get(path);
  }

  /** The cached children, name → node, sorted by name. */
  children(): Map<string, CachedNode> {
    const result = new Map<string, CachedNode>();
    for (const name of this.tree.children(this.path) ?? []) {
      const node = this.tree.get(joinPath(this.path, name));
      if (node) result.set(name, node);
    }
    return result;
  }

  /** A copy of the cached children, path → node, sorted. */
  snapshot(): Map<string, CachedNode> {
    const result = this.tree.snapshot();
    result.delete(this.path);
    return result;
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

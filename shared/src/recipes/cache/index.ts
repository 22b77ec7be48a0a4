export {
  TreeCache,
  type CacheStartOptions,
  type CacheWatchMode,
  type TreeCacheOptions,
} from './tree-cache.ts';
export { NodeCache, type NodeCacheOptions } from './node-cache.ts';
export { ChildrenCache, type ChildrenCacheOptions } from './children-cache.ts';
export {
  cacheEventStream,
  type CacheEvent,
  type CacheEvents,
  type CachedNode,
  type ResyncReason,
} from './cache-events.ts';

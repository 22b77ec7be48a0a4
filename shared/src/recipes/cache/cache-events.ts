import type { EventEmitter } from 'node:events';
import type { Stat } from '../../client/index.ts';

/** One cached znode: its path, its data and the Stat read with it. Replaced, never mutated. */
export interface CachedNode {
  readonly path: string;
  readonly data: Buffer;
  readonly stat: Stat;
}

/**
 * Why a cache re-read its tree after it was initialized:
 * - reconnected: the connection came back within the session; ZooKeeper does not replay the events
 *   a persistent watch missed meanwhile, so the cache looked again
 * - newSession: the session was lost and a new one started; the watch was added again
 * - readFailed: a read after an event timed out while connected
 */
export type ResyncReason = 'reconnected' | 'newSession' | 'readFailed';

/**
 * What every cache reports. `initialized` comes once, with everything found by the first full read;
 * `created`, `changed` and `deleted` follow, each a difference against what was reported before.
 * After a reconnect or a new session the cache re-reads the tree, reports exactly what differs, and
 * then says `resynced`.
 */
export interface CacheEvents {
  initialized: [nodes: ReadonlyMap<string, CachedNode>];
  created: [node: CachedNode];
  /** the data changed (a new mzxid in the same incarnation); `previous` is what was cached before */
  changed: [node: CachedNode, previous: CachedNode];
  deleted: [node: CachedNode];
  resynced: [reason: ResyncReason];
  /** a read failed in a way retrying will not fix (e.g. NOAUTH on one node); the cache carries on */
  error: [error: unknown];
  /** the cache was closed; nothing follows */
  closed: [];
}

/** The same events as values, for `for await` loops. */
export type CacheEvent =
  | { type: 'initialized'; nodes: ReadonlyMap<string, CachedNode> }
  | { type: 'created'; node: CachedNode }
  | { type: 'changed'; node: CachedNode; previous: CachedNode }
  | { type: 'deleted'; node: CachedNode }
  | { type: 'resynced'; reason: ResyncReason };

/**
 * Turns a cache's events into an async iterator. Events are buffered until read; the iterator ends
 * when the cache closes, when `signal` fires, or when the loop breaks.
 */
export function cacheEventStream(
  cache: EventEmitter<CacheEvents>,
  signal?: AbortSignal,
): AsyncIterableIterator<CacheEvent> {
  const buffered: CacheEvent[] = [];
  let waiting: ((result: IteratorResult<CacheEvent>) => void) | undefined;
  let done = false;

  const push = (event: CacheEvent): void => {
    if (done) return;
    if (waiting) {
      const resolve = waiting;
      waiting = undefined;
      resolve({ value: event, done: false });
    } else buffered.push(event);
  };
  const listeners = {
    initialized: (nodes: ReadonlyMap<string, CachedNode>) => push({ type: 'initialized', nodes }),
    created: (node: CachedNode) => push({ type: 'created', node }),
    changed: (node: CachedNode, previous: CachedNode) => push({ type: 'changed', node, previous }),
    deleted: (node: CachedNode) => push({ type: 'deleted', node }),
    resynced: (reason: ResyncReason) => push({ type: 'resynced', reason }),
    closed: () => finish(),
  };
  const finish = (): void => {
    if (done) return;
    done = true;
    cache.off('initialized', listeners.initialized);
    cache.off('created', listeners.created);
    cache.off('changed', listeners.changed);
    cache.off('deleted', listeners.deleted);
    cache.off('resynced', listeners.resynced);
    cache.off('closed', listeners.closed);
    signal?.removeEventListener('abort', finish);
    if (waiting) {
      const resolve = waiting;
      waiting = undefined;
      resolve({ value: undefined, done: true });
    }
  };

  cache.on('initialized', listeners.initialized);
  cache.on('created', listeners.created);
  cache.on('changed', listeners.changed);
  cache.on('deleted', listeners.deleted);
  cache.on('resynced', listeners.resynced);
  cache.on('closed', listeners.closed);
  if (signal?.aborted) finish();
  else signal?.addEventListener('abort', finish, { once: true });

  return {
    next(): Promise<IteratorResult<CacheEvent>> {
      const event = buffered.shift();
      if (event) return Promise.resolve({ value: event, done: false });
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => (waiting = resolve));
    },
    return(): Promise<IteratorResult<CacheEvent>> {
      finish();
      buffered.length = 0;
      return Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/**
 * Re-emits a cache's events from another emitter, keeping only the nodes `keep` accepts (the
 * children cache hides its parent). The `initialized` snapshot is filtered the same way.
 */
export function forwardCacheEvents(
  from: EventEmitter<CacheEvents>,
  to: EventEmitter<CacheEvents>,
  keep: (node: CachedNode) => boolean = () => true,
): void {
  from.on('initialized', (nodes) => {
    to.emit('initialized', new Map([...nodes].filter(([, node]) => keep(node))));
  });
  from.on('created', (node) => {
    if (keep(node)) to.emit('created', node);
  });
  from.on('changed', (node, previous) => {
    if (keep(node)) to.emit('changed', node, previous);
  });
  from.on('deleted', (node) => {
    if (keep(node)) to.emit('deleted', node);
  });
  from.on('resynced', (reason) => to.emit('resynced', reason));
  from.on('error', (error) => {
    if (to.listenerCount('error') > 0) to.emit('error', error);
  });
  from.on('closed', () => {
    to.emit('closed');
    to.removeAllListeners();
  });
}

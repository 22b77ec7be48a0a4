import { EventEmitter } from 'node:events';
import { nodeName, type ZooKeeperClient } from '@zk-cookbook/core/client';
import {
  ChildrenCache,
  type CacheStartOptions,
  type CacheWatchMode,
  type CachedNode,
  type ResyncReason,
} from '@zk-cookbook/core/recipes/cache';

/** One key as this subscriber holds it. */
export interface AppliedValue {
  readonly key: string;
  readonly value: string;
  /** the node's data version: how many times the key was changed since it was created */
  readonly version: number;
  /** zxid of the write that produced this value, hex: a total order over every write */
  readonly mzxid: string;
  /** when ZooKeeper committed the write (the leader's clock), ms since the epoch */
  readonly modifiedAt: number;
  /** when this subscriber applied it (its own clock), ms since the epoch */
  readonly appliedAt: number;
}

/** One line of the change log. */
export type ConfigChange =
  | ({ readonly seq: number; readonly type: 'set' } & AppliedValue & { readonly lagMs: number })
  | {
      readonly seq: number;
      readonly type: 'deleted';
      readonly key: string;
      readonly mzxid: string;
      readonly appliedAt: number;
    }
  | {
      readonly seq: number;
      readonly type: 'resynced';
      readonly reason: ResyncReason;
      readonly appliedAt: number;
    };

export interface ConfigSubscriptionEvents {
  /** every key as first read */
  initialized: [values: ReadonlyMap<string, AppliedValue>];
  /** a change applied to the values held here (also each difference found by a resync) */
  applied: [change: ConfigChange];
  /** the cache re-read everything after a reconnect or a new session; the values are current again */
  resynced: [reason: ResyncReason];
  error: [error: unknown];
}

export interface ConfigSubscriptionOptions {
  /** 'auto' (one persistent watch, the default) or 'oneShot' (getData + watch per key, re-armed) */
  watchMode?: CacheWatchMode;
  /** how many changes the log keeps; default 200 */
  changeLogSize?: number;
}

/**
 * The configuration, held in memory and kept current by a ChildrenCache on the config node: one
 * child per key. Reads are synchronous and never touch the network; changes arrive as events.
 *
 * Why a ChildrenCache: it is the push–pull model done right — a watch pushes "something changed",
 * the cache pulls the new value — with the hard cases handled: it adds its watch before it reads (no
 * change slips between the two), and after a reconnect or a new session it reads everything again
 * and reports exactly what differs, because ZooKeeper does not replay the notifications a client
 * missed. While disconnected it keeps serving the last values it had; `connection` says so.
 */
export class ConfigSubscription extends EventEmitter<ConfigSubscriptionEvents> {
  private readonly cache: ChildrenCache;
  private readonly values = new Map<string, AppliedValue>();
  private readonly log: ConfigChange[] = [];
  private readonly changeLogSize: number;
  private seq = 0;

  constructor(
    private readonly client: ZooKeeperClient,
    readonly path: string,
    options: ConfigSubscriptionOptions = {},
  ) {
    super();
    this.changeLogSize = options.changeLogSize ?? 200;
    this.cache = new ChildrenCache(client, path, { watchMode: options.watchMode ?? 'auto' });
    this.cache.on('initialized', (nodes) => {
      for (const node of nodes.values()) this.values.set(keyOf(node), toApplied(node));
      this.emit('initialized', this.snapshot());
    });
    this.cache.on('created', (node) => this.set(node));
    this.cache.on('changed', (node) => this.set(node));
    this.cache.on('deleted', (node) => {
      const key = keyOf(node);
      this.values.delete(key);
      this.record({
        seq: ++this.seq,
        type: 'deleted',
        key,
        mzxid: hex(node.stat.mzxid),
        appliedAt: Date.now(),
      });
    });
    this.cache.on('resynced', (reason) => {
      this.record({ seq: ++this.seq, type: 'resynced', reason, appliedAt: Date.now() });
      this.emit('resynced', reason);
    });
    // A key that cannot be read (an ACL that refuses us) is reported, not fatal: the rest is served.
    this.cache.on('error', (error) => {
      if (this.listenerCount('error') > 0) this.emit('error', error);
    });
  }

  /** Reads every key and starts watching; rejects (and closes) if the first read fails. */
  start(options: CacheStartOptions = {}): Promise<void> {
    return this.cache.start(options);
  }

  get isInitialized(): boolean {
    return this.cache.isInitialized;
  }

  get watchMode(): 'persistent' | 'oneShot' {
    return this.cache.watchMode;
  }

  /**
   * Whether the values are known to be current: the session is connected. While suspended they are
   * the last ones seen, possibly stale; after a reconnect they are current again once resynced.
   */
  get connection(): ZooKeeperClient['state'] {
    return this.client.state;
  }

  get(key: string): AppliedValue | undefined {
    return this.values.get(key);
  }

  /** Every key, sorted by name. */
  snapshot(): Map<string, AppliedValue> {
    return new Map([...this.values].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  /** The most recent changes, oldest first. */
  changes(limit = this.changeLogSize): ConfigChange[] {
    return this.log.slice(Math.max(0, this.log.length - limit));
  }

  close(): Promise<void> {
    return this.cache.close();
  }

  private set(node: CachedNode): void {
    const applied = toApplied(node);
    this.values.set(applied.key, applied);
    this.record({
      seq: ++this.seq,
      type: 'set',
      ...applied,
      lagMs: Math.max(0, applied.appliedAt - applied.modifiedAt),
    });
  }

  private record(change: ConfigChange): void {
    this.log.push(change);
    if (this.log.length > this.changeLogSize) this.log.shift();
    this.emit('applied', change);
  }
}

function keyOf(node: CachedNode): string {
  return nodeName(node.path);
}

function toApplied(node: CachedNode): AppliedValue {
  return {
    key: keyOf(node),
    value: node.data.toString('utf8'),
    version: node.stat.version,
    mzxid: hex(node.stat.mzxid),
    modifiedAt: node.stat.mtime,
    appliedAt: Date.now(),
  };
}

function hex(zxid: bigint): string {
  return `0x${zxid.toString(16)}`;
}

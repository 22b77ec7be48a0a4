import type { WatchedEvent, Watcher, ZooKeeperClient } from '../client/index.ts';
import { hexZxid } from './member-status.ts';

export interface ChangeEvent {
  type: 'created' | 'deleted' | 'dataChanged';
  path: string;
  /**
   * czxid for created, mzxid for dataChanged, read right after the notification (a notification
   * itself carries no zxid); null for deletions, or when the node changed again or vanished before
   * the read.
   */
  zxid: string | null;
  /** when the monitor received the notification */
  time: string;
}

/** What a subscriber hears: a change, or that the watch is gone (the session ended). */
export type WatchMessage = { kind: 'change'; change: ChangeEvent } | { kind: 'ended'; reason: string };

export type WatchListener = (message: WatchMessage) => void;

interface SharedWatch {
  readonly path: string;
  readonly listeners: Set<WatchListener>;
  readonly watcher: Watcher;
  /** settles when the server has the watch (or refused it) */
  readonly added: Promise<void>;
  /** the session ended: the client already forgot the watch */
  ended: boolean;
}

const LOOKUP_TIMEOUT_MS = 2_000;

/**
 * One persistent recursive watch per path, shared by everyone who listens to that path and removed
 * when the last of them leaves. Ten browser tabs on `/` cost the ensemble one watch and the monitor
 * one zxid lookup per change, not ten of each.
 */
export class SharedWatches {
  private readonly watches = new Map<string, SharedWatch>();
  // A removal still in flight per path: a new watch on the path waits for it, or the server could
  // receive addWatch then removeWatches and drop the new watch.
  private readonly removals = new Map<string, Promise<void>>();

  constructor(private readonly client: ZooKeeperClient) {}

  /**
   * Resolves once the watch is in place (rejects with the ZooKeeper error if it cannot be set); the
   * returned function unsubscribes. Changes reach `listener` in the order ZooKeeper reported them.
   */
  async subscribe(path: string, listener: WatchListener): Promise<() => void> {
    const watch = this.watches.get(path) ?? this.startWatch(path);
    watch.listeners.add(listener);
    try {
      await watch.added;
    } catch (error) {
      watch.listeners.delete(listener);
      throw error;
    }
    return () => this.unsubscribe(watch, listener);
  }

  /** Paths watched now, with their number of listeners. */
  stats(): { path: string; listeners: number }[] {
    return [...this.watches.values()].map((watch) => ({ path: watch.path, listeners: watch.listeners.size }));
  }

  private startWatch(path: string): SharedWatch {
    const listeners = new Set<WatchListener>();
    let delivery = Promise.resolve();
    const watcher: Watcher = (event) => {
      if (event.type === 'none') {
        watch.ended = true;
        if (this.watches.get(path) === watch) this.watches.delete(path);
        const message: WatchMessage = { kind: 'ended', reason: event.state ?? 'unknown' };
        for (const listener of [...listeners]) listener(message);
        return;
      }
      const time = new Date().toISOString();
      // The lookups run in parallel; the chain only keeps the order in which changes are told.
      const described = describeChange(this.client, event, time);
      delivery = delivery
        .then(() => described)
        .then((change) => {
          if (!change) return;
          const message: WatchMessage = { kind: 'change', change };
          for (const listener of [...listeners]) listener(message);
        });
    };
    const previousRemoval = this.removals.get(path) ?? Promise.resolve();
    const added = previousRemoval.then(() =>
      this.client.addWatch(path, watcher, { mode: 'persistentRecursive' }),
    );
    const watch: SharedWatch = { path, listeners, watcher, added, ended: false };
    // A failed add leaves nothing to share: the next subscriber tries afresh.
    added.catch(() => {
      if (this.watches.get(path) === watch) this.watches.delete(path);
    });
    this.watches.set(path, watch);
    return watch;
  }

  private unsubscribe(watch: SharedWatch, listener: WatchListener): void {
    if (!watch.listeners.delete(listener) || watch.listeners.size > 0) return;
    if (this.watches.get(watch.path) === watch) this.watches.delete(watch.path);
    if (watch.ended) return;
    const removal = watch.added
      .then(() =>
        this.client.removeWatches(watch.path, 'persistentRecursive', { watcher: watch.watcher, local: true }),
      )
      // Only a closed client or an ended session fails a local removal; either way the watch is gone.
      .catch(() => {})
      .finally(() => {
        if (this.removals.get(watch.path) === removal) this.removals.delete(watch.path);
      });
    this.removals.set(watch.path, removal);
  }
}

async function describeChange(
  client: ZooKeeperClient,
  event: WatchedEvent,
  time: string,
): Promise<ChangeEvent | undefined> {
  if (event.type !== 'created' && event.type !== 'deleted' && event.type !== 'dataChanged') return undefined;
  let zxid: string | null = null;
  if (event.type !== 'deleted') {
    // A failed lookup (node gone again, connection lost) leaves the zxid unknown, which the event says.
    const stat = await client.exists(event.path, { timeoutMs: LOOKUP_TIMEOUT_MS }).catch(() => null);
    if (stat) zxid = hexZxid(event.type === 'created' ? stat.czxid : stat.mzxid);
  }
  return { type: event.type, path: event.path, zxid, time };
}

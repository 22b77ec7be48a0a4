import { EventTypeCode } from '../jute/protocol.ts';
import type { WatchPaths } from '../jute/requests.ts';
import { ancestorPaths } from './paths.ts';

export type WatchedEventType = keyof typeof EventTypeCode;

export interface WatchedEvent {
  type: WatchedEventType;
  /** the node the event is about, as the caller sees it (chroot removed) */
  path: string;
  /**
   * Set on type "none": the watch will never fire because the session ended ("expired") or the
   * client was closed ("closed"). Every one-shot and persistent watcher receives it exactly once.
   */
  state?: 'expired' | 'closed';
  /** the zxid of the change, when the server sends it (3.9+) */
  zxid?: bigint;
}

export type Watcher = (event: WatchedEvent) => void;

/**
 * Client-side kinds of watch. "exist" is a watch set by exists() on a node that did not exist; the
 * server fires it on creation. Persistent kinds stay registered after firing (ZooKeeper 3.6+).
 */
export type WatchKind = 'data' | 'exist' | 'child' | 'persistent' | 'persistentRecursive';

const eventTypeByCode = new Map<number, WatchedEventType>(
  Object.entries(EventTypeCode).map(([name, code]) => [code, name as WatchedEventType]),
);

export function eventTypeFromCode(code: number): WatchedEventType | undefined {
  return eventTypeByCode.get(code);
}

/**
 * Who waits for what, keyed by server path (chroot included) so that notifications, which carry
 * server paths, and the SetWatches re-registration after a reconnect need no translation.
 *
 * The routing of an event to watchers follows the Java client's ZKWatchManager.materialize: one
 * notification from the server fires every client watcher registered for that path and type, and a
 * persistent-recursive watcher on any ancestor.
 */
export class WatchRegistry {
  private readonly watches: Record<WatchKind, Map<string, Set<Watcher>>> = {
    data: new Map(),
    exist: new Map(),
    child: new Map(),
    persistent: new Map(),
    persistentRecursive: new Map(),
  };

  add(kind: WatchKind, serverPath: string, watcher: Watcher): void {
    const map = this.watches[kind];
    let set = map.get(serverPath);
    if (!set) {
      set = new Set();
      map.set(serverPath, set);
    }
    set.add(watcher);
  }

  /** The watchers an event fires; one-shot watchers are removed as they are collected. */
  take(type: WatchedEventType, serverPath: string): Set<Watcher> {
    const fired = new Set<Watcher>();
    const takeOneShot = (kind: WatchKind): void => {
      const set = this.watches[kind].get(serverPath);
      if (!set) return;
      this.watches[kind].delete(serverPath);
      for (const watcher of set) fired.add(watcher);
    };
    const addPersistent = (kind: WatchKind, path: string): void => {
      const set = this.watches[kind].get(path);
      if (set) for (const watcher of set) fired.add(watcher);
    };
    switch (type) {
      case 'created':
      case 'dataChanged':
        takeOneShot('data');
        takeOneShot('exist');
        break;
      case 'childrenChanged':
        takeOneShot('child');
        break;
      case 'deleted':
        takeOneShot('data');
        takeOneShot('exist');
        takeOneShot('child');
        break;
      default:
        return fired;
    }
    addPersistent('persistent', serverPath);
    // The server never sends childrenChanged for recursive watches; if one arrives because the path
    // also has a plain persistent watch, recursive watchers must not see it.
    if (type !== 'childrenChanged') {
      addPersistent('persistentRecursive', serverPath);
      for (const ancestor of ancestorPaths(serverPath)) addPersistent('persistentRecursive', ancestor);
    }
    return fired;
  }

  has(kind: WatchKind, serverPath: string, watcher?: Watcher): boolean {
    const set = this.watches[kind].get(serverPath);
    if (!set) return false;
    return watcher ? set.has(watcher) : set.size > 0;
  }

  count(kind: WatchKind, serverPath: string): number {
    return this.watches[kind].get(serverPath)?.size ?? 0;
  }

  /** Removes one watcher, or all of a kind on the path; returns what was removed. */
  remove(kind: WatchKind, serverPath: string, watcher?: Watcher): Watcher[] {
    const map = this.watches[kind];
    const set = map.get(serverPath);
    if (!set) return [];
    if (!watcher) {
      map.delete(serverPath);
      return [...set];
    }
    if (!set.delete(watcher)) return [];
    if (set.size === 0) map.delete(serverPath);
    return [watcher];
  }

  /** Every watcher, removing them all: used when the session ends. */
  drain(): Set<Watcher> {
    const all = new Set<Watcher>();
    for (const map of Object.values(this.watches)) {
      for (const set of map.values()) for (const watcher of set) all.add(watcher);
      map.clear();
    }
    return all;
  }

  /** The paths to re-register with SetWatches after reconnecting to a server. */
  paths(): WatchPaths {
    return {
      data: [...this.watches.data.keys()],
      exist: [...this.watches.exist.keys()],
      child: [...this.watches.child.keys()],
      persistent: [...this.watches.persistent.keys()],
      persistentRecursive: [...this.watches.persistentRecursive.keys()],
    };
  }

  /** Number of (path, kind) registrations; tests use it to prove watches do not leak. */
  get size(): number {
    let total = 0;
    for (const map of Object.values(this.watches)) total += map.size;
    return total;
  }
}

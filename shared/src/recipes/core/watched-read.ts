import type { Stat, WatchedEvent, ZooKeeperClient } from '../../client/index.ts';

/**
 * What ended a wait on a watch:
 * - changed: the node (or its children) changed
 * - recheck: the watch can no longer fire (the session ended or the client closed); look again
 */
export type WatchOutcome = 'changed' | 'recheck';

/** A read that also set a one-shot watch: the value read, and the next change after it. */
export interface WatchedRead<T> {
  value: T;
  stat: Stat;
  /** settles with the watch's first event; never rejects */
  changed: Promise<WatchOutcome>;
  /** removes the watch if it has not fired, so no stale watcher is left with the client or server */
  cancel(): void;
}

/** `getChildren` with a watch on the children. Fails like getChildren (NONODE, connection loss…). */
export function getChildrenWatched(client: ZooKeeperClient, path: string): Promise<WatchedRead<string[]>> {
  return watchedRead(client, path, 'children', async (watch) => {
    const { children, stat } = await client.getChildren(path, { watch });
    return { value: children, stat };
  });
}

/** `getData` with a watch on the node. Fails like getData (NONODE, connection loss…). */
export function getDataWatched(client: ZooKeeperClient, path: string): Promise<WatchedRead<Buffer>> {
  return watchedRead(client, path, 'data', async (watch) => {
    const { data, stat } = await client.getData(path, { watch });
    return { value: data, stat };
  });
}

async function watchedRead<T>(
  client: ZooKeeperClient,
  path: string,
  type: 'children' | 'data',
  read: (watch: (event: WatchedEvent) => void) => Promise<{ value: T; stat: Stat }>,
): Promise<WatchedRead<T>> {
  let fired = false;
  let settle: (outcome: WatchOutcome) => void = () => {};
  const changed = new Promise<WatchOutcome>((resolve) => (settle = resolve));
  const watcher = (event: WatchedEvent): void => {
    fired = true;
    settle(event.type === 'none' ? 'recheck' : 'changed');
  };
  const { value, stat } = await read(watcher);
  return {
    value,
    stat,
    changed,
    cancel: () => {
      if (fired) return;
      fired = true;
      client.removeWatches(path, type, { watcher, local: true }).catch(() => {});
    },
  };
}

/**
 * Waits for the first of several watched reads to change, or rejects with the signal's reason.
 * The caller cancels the reads afterwards.
 */
export function firstChange(
  reads: readonly WatchedRead<unknown>[],
  signal: AbortSignal,
): Promise<WatchOutcome> {
  return new Promise<WatchOutcome>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    void Promise.race(reads.map((read) => read.changed)).then((outcome) => {
      signal.removeEventListener('abort', onAbort);
      resolve(outcome);
    });
  });
}

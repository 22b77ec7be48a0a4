import type { WatchedEvent, ZooKeeperClient } from '../../client/index.ts';
import { isConnectionLossClass, isZooKeeperError } from '../../client/index.ts';
import { waitForConnection } from './connection.ts';

/**
 * What ended a wait on a node:
 * - changed: the node was changed or deleted (the watch fired)
 * - gone: the node did not exist when the watch was set
 * - recheck: the connection or session was interrupted; look at the world again
 */
export type NodeChange = 'changed' | 'gone' | 'recheck';

/**
 * Waits for the next change of one node with `getData` and a watch — not `exists`, so that no watch
 * is left behind on a node that is already gone (CURATOR-107). Lock waiters use it on their
 * predecessor only, so one release wakes one waiter (no herd effect).
 * If the signal fires first, the watch is removed and the promise rejects with the signal's reason.
 */
export function waitForNodeChange(
  client: ZooKeeperClient,
  path: string,
  signal: AbortSignal,
): Promise<NodeChange> {
  return new Promise<NodeChange>((resolve, reject) => {
    let settled = false;
    const finish = (outcome: NodeChange | { error: unknown }): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if (typeof outcome === 'string') resolve(outcome);
      else reject(outcome.error);
    };
    const watcher = (event: WatchedEvent): void => finish(event.type === 'none' ? 'recheck' : 'changed');
    const onAbort = (): void => {
      client.removeWatches(path, 'data', { watcher, local: true }).catch(() => {});
      finish({ error: signal.reason });
    };
    if (signal.aborted) {
      finish({ error: signal.reason });
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    client.getData(path, { watch: watcher }).then(
      () => {},
      (error: unknown) => {
        if (isZooKeeperError(error, 'NONODE')) finish('gone');
        else if (isConnectionLossClass(error) || isZooKeeperError(error, 'SESSIONEXPIRED')) {
          waitForConnection(client, signal).then(
            () => finish('recheck'),
            (waitError: unknown) => finish({ error: waitError }),
          );
        } else finish({ error });
      },
    );
  });
}

import type { ZooKeeperClient } from '../../client/index.ts';
import { isConnectionLossClass, isZooKeeperError } from '../../client/index.ts';
import { waitForConnection } from './connection.ts';
import { NEVER_ABORTED } from './deadline.ts';

/**
 * Deletes a node and keeps trying through connection losses until the server confirms it is gone
 * (Curator's `delete().guaranteed()`). A lock or lease node left behind by a failed delete would
 * block every later contender until the session expires.
 *
 * Resolves once the node is gone (deleted, already missing, or the client closed — an ephemeral
 * node then disappears with its session). Rejects only for errors that retrying cannot fix
 * (NOAUTH, NOTEMPTY, BADVERSION).
 */
export async function deleteGuaranteed(
  client: ZooKeeperClient,
  path: string,
  options: { version?: number } = {},
): Promise<void> {
  for (;;) {
    try {
      await client.delete(path, { version: options.version ?? -1 });
      return;
    } catch (error) {
      if (isZooKeeperError(error, 'NONODE')) return;
      if (isZooKeeperError(error, 'CLOSED', 'AUTHFAILED')) return;
      if (!isConnectionLossClass(error) && !isZooKeeperError(error, 'SESSIONEXPIRED')) throw error;
    }
    try {
      await waitForConnection(client, NEVER_ABORTED);
    } catch {
      return; // the client closed for good: the session, and its ephemerals, end with it
    }
  }
}

import type { ZooKeeperClient } from '../../client/index.ts';
import { isConnectionLossClass, isZooKeeperError } from '../../client/index.ts';
import { waitForConnection } from './connection.ts';

/**
 * Deletes an ephemeral node of a fixed name that `sessionId` created, retrying through connection
 * losses — but only while that session lives, and only if the node there is that session's. Once
 * the session is gone, so is its node, and a node at the same path belongs to someone else:
 * deleteGuaranteed would delete that one after the reconnect (e.g. another consumer's claim on a
 * queue item, letting a third consumer take the item while the second still works on it).
 *
 * Resolves once the node is gone (or not ours), the session has ended, or the client closed.
 */
export async function deleteWhileSessionLives(
  client: ZooKeeperClient,
  path: string,
  sessionId: bigint,
): Promise<void> {
  const never = new AbortController().signal;
  for (;;) {
    // Requests still unsent when a session is declared lost fail with SESSIONEXPIRED, so a delete
    // submitted under the right session id can never run under the next one.
    if (client.sessionId !== sessionId) return;
    try {
      const stat = await client.exists(path);
      if (stat?.ephemeralOwner !== sessionId) return;
      await client.delete(path, { version: stat.version });
      return;
    } catch (error) {
      if (isZooKeeperError(error, 'NONODE', 'BADVERSION', 'CLOSED', 'AUTHFAILED')) return;
      if (!isConnectionLossClass(error) && !isZooKeeperError(error, 'SESSIONEXPIRED')) throw error;
    }
    try {
      await waitForConnection(client, never);
    } catch {
      return; // closed for good: the session and its ephemerals end with it
    }
  }
}

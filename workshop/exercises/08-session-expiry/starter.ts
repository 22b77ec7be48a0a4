/**
 * Exercise 8: breaking and fixing session handling. Read README.md beside this file first.
 *
 * Check it with: npm run workshop -- check 8
 */
import { isZooKeeperError, type ZooKeeperClient } from '@zk-cookbook/core/client';

/**
 * Keeps an ephemeral node at `path` holding `data` for as long as the registration lasts, whatever
 * happens to the client's session, until stop().
 */
export async function register(
  client: ZooKeeperClient,
  path: string,
  data: string,
): Promise<{ stop(): Promise<void> }> {
  await client.create(path, data, { mode: 'ephemeral' });
  // TODO 1: when the session expires, the servers delete this node. The client starts a new session
  //         by itself and emits "lost", then "connected" (a new session; a mere reconnect to the same
  //         session is "reconnected"). Re-create the node on each new session.
  // TODO 2: a create may fail with NODEEXISTS: find out whose node it is (exists → ephemeralOwner).
  return {
    async stop() {
      // TODO 3: stop re-registering before deleting, or the next new session brings the node back.
      try {
        await client.delete(path);
      } catch (error) {
        if (!isZooKeeperError(error, 'NONODE')) throw error;
      }
    },
  };
}

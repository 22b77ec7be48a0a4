/** Exercise 8, reference solution: an ephemeral registration re-created on every new session. */
import { isZooKeeperError, ZooKeeperError, type ZooKeeperClient } from '@zk-cookbook/core/client';

export async function register(
  client: ZooKeeperClient,
  path: string,
  data: string,
): Promise<{ stop(): Promise<void> }> {
  const createOwnNode = async (): Promise<void> => {
    try {
      await client.create(path, data, { mode: 'ephemeral' });
    } catch (error) {
      if (!isZooKeeperError(error, 'NODEEXISTS')) throw error;
      // Ours if our create was applied but its reply lost with the connection; someone else's
      // registration otherwise, which we must not take over.
      const stat = await client.exists(path);
      if (stat && stat.ephemeralOwner !== client.sessionId) {
        throw new ZooKeeperError('NODEEXISTS', {
          operation: 'register',
          path,
          detail: `registered by another session (0x${stat.ephemeralOwner.toString(16)})`,
        });
      }
      if (!stat) await createOwnNode();
    }
  };

  // "connected" is a NEW session (the first one, or one after an expiry); the servers deleted every
  // ephemeral of the old one. A reconnect to the same session is "reconnected": nothing was lost.
  const onNewSession = (): void => {
    createOwnNode().catch((error: unknown) =>
      console.warn(`could not re-register ${path}: ${(error as Error).message}`),
    );
  };
  client.on('connected', onNewSession);
  try {
    await createOwnNode();
  } catch (error) {
    client.off('connected', onNewSession);
    throw error;
  }
  return {
    async stop() {
      client.off('connected', onNewSession);
      try {
        await client.delete(path);
      } catch (error) {
        if (!isZooKeeperError(error, 'NONODE')) throw error;
      }
    },
  };
}

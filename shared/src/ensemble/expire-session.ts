import { ZooKeeperClient } from '../client/index.ts';

export interface SessionCredentials {
  sessionId: bigint;
  sessionPassword: Uint8Array;
}

/**
 * Ends a client's session on the servers, as an expiry would: a second connection joins the session
 * with its id and password and closes it. The server deletes the session's ephemerals and drops the
 * owner's connection; when the owner reconnects it is told the session has expired. This is the
 * classic way ZooKeeper's and Curator's own tests force an expiry without waiting out the timeout.
 */
export async function expireSession(
  connectString: string,
  session: SessionCredentials,
  options: { timeoutMs?: number } = {},
): Promise<void> {
  if (session.sessionId === 0n) throw new Error('expireSession: the client has no session yet');
  const timeoutMs = options.timeoutMs ?? 10_000;
  const intruder = new ZooKeeperClient(connectString, {
    session: { sessionId: session.sessionId, password: session.sessionPassword },
    renewSessionOnExpiry: false,
    connectTimeoutMs: timeoutMs,
    logger: {},
  });
  intruder.start();
  try {
    await intruder.waitForConnected({ timeoutMs });
    if (intruder.sessionId !== session.sessionId) {
      throw new Error(
        `expireSession: joined session 0x${intruder.sessionId.toString(16)} instead of the target`,
      );
    }
  } finally {
    await intruder.close();
  }
}

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
 *
 * It returns only once the servers refuse the session: a join after the close must be told
 * "expired". A close whose reply was lost (a slow or loaded server) would otherwise leave the session
 * alive, kept so by its owner's pings, and the caller waiting for an expiry that never comes.
 */
export async function expireSession(
  connectString: string,
  session: SessionCredentials,
  options: { timeoutMs?: number } = {},
): Promise<void> {
  // A live client may be passed as the credentials: once the close lands it renews its session, and
  // re-reading its getters on a retry would expire the new session too. Take the target once.
  const target: SessionCredentials = {
    sessionId: session.sessionId,
    sessionPassword: Uint8Array.from(session.sessionPassword),
  };
  if (target.sessionId === 0n) throw new Error('expireSession: the client has no session yet');
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  for (;;) {
    const remainingMs = deadline - Date.now();
    if (remainingMs <= 0) {
      throw new Error(
        `expireSession: session 0x${target.sessionId.toString(16)} was still alive at the deadline`,
      );
    }
    if ((await joinAndClose(connectString, target, remainingMs)) === 'expired') return;
  }
}

/** Joins the session and closes it; 'expired' when the servers no longer know it. */
async function joinAndClose(
  connectString: string,
  session: SessionCredentials,
  timeoutMs: number,
): Promise<'expired' | 'closed'> {
  const intruder = new ZooKeeperClient(connectString, {
    session: { sessionId: session.sessionId, password: session.sessionPassword },
    renewSessionOnExpiry: false,
    connectTimeoutMs: timeoutMs,
    // A short timeout gives each server a short share of the handshake time (a third or half of it),
    // so a server too busy to answer is passed over quickly instead of holding up the join.
    sessionTimeoutMs: 4000,
    logger: {},
  });
  let expired = false;
  intruder.on('state', (change) => {
    if (change.event === 'lost') expired = true;
  });
  intruder.start();
  let joined: bigint;
  try {
    await intruder.waitForConnected({ timeoutMs });
    joined = intruder.sessionId;
  } catch (error) {
    if (expired) return 'expired';
    throw error;
  } finally {
    if (!expired) await intruder.close();
  }
  if (joined !== session.sessionId) {
    throw new Error(`expireSession: joined session 0x${joined.toString(16)} instead of the target`);
  }
  return 'closed';
}

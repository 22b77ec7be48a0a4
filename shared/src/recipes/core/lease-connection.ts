import type { ZooKeeperClient } from '../../client/index.ts';
import { watchConnection } from './connection.ts';
import { RecipeError } from './errors.ts';
import { deleteGuaranteed } from './guaranteed-delete.ts';
import type { Lease, LeaseEndReason } from './lease.ts';

/**
 * When a hold stops being trustworthy:
 * - "suspended" (the safe default): as soon as the connection drops. The servers may expire the
 *   session and hand the node's place to someone else before this client hears about it.
 * - "lost": only when the session is gone. Fewer interruptions, but during a partition two holders
 *   can overlap; only safe when the protected resource checks fencing tokens.
 */
export type ConnectionPolicy = 'suspended' | 'lost';

export function validateConnectionPolicy(
  recipe: string,
  path: string,
  policy: ConnectionPolicy | undefined,
): ConnectionPolicy {
  const chosen = policy ?? 'suspended';
  if (chosen !== 'suspended' && chosen !== 'lost') {
    throw new RecipeError('BAD_ARGUMENT', recipe, path, `unknown connectionPolicy "${String(chosen)}"`);
  }
  return chosen;
}

/**
 * Ends `lease` when the connection policy says the hold can no longer be trusted, and then deletes
 * its node (retried until reconnected: the node outlives a dropped connection, and would otherwise
 * keep its place in line until the session expires). `onEnd` hears every end, a release included,
 * so the recipe can forget the lease.
 *
 * Call it right after the node is known to hold, without awaiting anything in between: a connection
 * that dropped before this call is caught by checking the state here, not by an event.
 */
export function bindLeaseToConnection(
  client: ZooKeeperClient,
  lease: Lease,
  policy: ConnectionPolicy,
  onEnd: (reason: LeaseEndReason) => void = () => {},
): void {
  const end = (reason: 'suspended' | 'lost' | 'closed'): void => {
    lease.end(reason);
    if (reason !== 'closed') void deleteGuaranteed(client, lease.path).catch(() => {});
  };
  const stopWatching = watchConnection(client, {
    onSuspended: () => {
      if (policy === 'suspended') end('suspended');
    },
    onLost: () => end('lost'),
    onClosed: () => end('closed'),
  });
  lease.onEnd((reason) => {
    stopWatching();
    onEnd(reason);
  });
  if (client.sessionId !== lease.sessionId) end('lost');
  else if (client.state === 'closed' || client.state === 'authFailed') end('closed');
  else if (client.state === 'lost') end('lost');
  else if (client.state !== 'connected' && client.state !== 'readOnly' && policy === 'suspended') {
    end('suspended');
  }
}

import type { CreateMode, NodeData, Stat, ZooKeeperClient } from '../../client/index.ts';
import { ensurePath, isConnectionLossClass, isZooKeeperError, joinPath } from '../../client/index.ts';
import { waitForConnection } from './connection.ts';
import { deleteGuaranteed } from './guaranteed-delete.ts';
import { newProtectionId, protectionPrefix } from './protected-name.ts';

export interface ProtectedNode {
  path: string;
  stat: Stat;
}

/**
 * Creates `<parent>/_c_<uuid>-<name>` (a Curator "protected" node), creating missing parents as
 * containers. Built for the moment a create's reply is lost:
 * - after a connection loss it lists the parent and adopts the node carrying its UUID, instead of
 *   creating a duplicate sequential node;
 * - an ephemeral node found that way is adopted only if it belongs to the current session
 *   (CURATOR-498); one left by an earlier session is deleted and a new UUID drawn;
 * - if the caller gives up (signal) after a create whose outcome is unknown, the node is looked for
 *   and deleted in the background, so no orphan is left to block others.
 */
export async function createProtected(
  client: ZooKeeperClient,
  parent: string,
  name: string,
  data: NodeData | undefined,
  options: { mode: CreateMode; signal: AbortSignal },
): Promise<ProtectedNode> {
  const ephemeral = options.mode === 'ephemeral' || options.mode === 'ephemeralSequential';
  let id = newProtectionId();
  let outcomeUnknown = false;
  try {
    for (;;) {
      options.signal.throwIfAborted();
      if (outcomeUnknown) {
        const found = await findProtected(client, parent, id);
        if (found) {
          if (!ephemeral || found.stat.ephemeralOwner === client.sessionId) return found;
          // Created by a session that has since ended: not ours to use.
          void deleteGuaranteed(client, found.path).catch(() => {});
          id = newProtectionId();
        }
        outcomeUnknown = false;
      }
      try {
        return await client.create2(joinPath(parent, protectionPrefix(id) + name), data, {
          mode: options.mode,
        });
      } catch (error) {
        if (isZooKeeperError(error, 'NONODE')) {
          await ensurePath(client, parent, { mode: 'container' });
        } else if (isConnectionLossClass(error) || isZooKeeperError(error, 'SESSIONEXPIRED')) {
          outcomeUnknown = isConnectionLossClass(error);
          await waitForConnection(client, options.signal);
        } else {
          throw error;
        }
      }
    }
  } catch (error) {
    if (outcomeUnknown) void removeOrphan(client, parent, id);
    throw error;
  }
}

async function findProtected(
  client: ZooKeeperClient,
  parent: string,
  id: string,
): Promise<ProtectedNode | null> {
  const prefix = protectionPrefix(id);
  let children: string[];
  try {
    ({ children } = await client.getChildren(parent));
  } catch (error) {
    if (isZooKeeperError(error, 'NONODE')) return null;
    throw error;
  }
  const child = children.find((each) => each.startsWith(prefix));
  if (!child) return null;
  const path = joinPath(parent, child);
  const stat = await client.exists(path);
  return stat ? { path, stat } : null;
}

/** Background clean-up after giving up on a create whose outcome was unknown. */
async function removeOrphan(client: ZooKeeperClient, parent: string, id: string): Promise<void> {
  try {
    await waitForConnection(client, new AbortController().signal);
    const found = await findProtected(client, parent, id);
    if (found) await deleteGuaranteed(client, found.path);
  } catch {
    // Closed client: an ephemeral orphan goes with the session.
  }
}

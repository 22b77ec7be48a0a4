import type { NodeData, ZooKeeperClient } from '../../client/index.ts';
import { isZooKeeperError, joinPath, nodeName } from '../../client/index.ts';
import { retryIdempotent } from './connection.ts';
import { createProtected, type ProtectedNode } from './create-protected.ts';
import type { Deadline } from './deadline.ts';
import { deleteGuaranteed } from './guaranteed-delete.ts';
import { waitForNodeChange } from './node-change.ts';
import { sortContenders, type Contender } from './sequence-order.ts';

/**
 * Decides, from the ordered contenders, whether the node at `ownIndex` holds the lock, and if not
 * which single node to wait on. Mutex, read/write lock and leader election differ only here.
 */
export interface LockDriver {
  /** the lock names that make a child a contender (see sequence-order.ts) */
  readonly contenderNames: readonly string[];
  decide(
    contenders: readonly Contender[],
    ownIndex: number,
  ): { holds: true } | { holds: false; waitOn: string };
}

/**
 * The standard rule (Curator's StandardLockInternalsDriver): the first `maxLeases` contenders hold;
 * anyone else waits on the contender `maxLeases` places ahead — its immediate predecessor for a
 * mutex — so each release wakes exactly one waiter.
 */
export function standardDriver(contenderNames: readonly string[], maxLeases = 1): LockDriver {
  return {
    contenderNames,
    decide(contenders, ownIndex) {
      if (ownIndex < maxLeases) return { holds: true };
      return { holds: false, waitOn: contenders[ownIndex - maxLeases]!.name };
    },
  };
}

export interface LockNodeRequest {
  client: ZooKeeperClient;
  /** directory of the contender nodes */
  lockPath: string;
  /** the name our node carries, e.g. "lock-" → _c_<uuid>-lock-0000000003 */
  nodeName: string;
  data: NodeData | undefined;
  driver: LockDriver;
  deadline: Deadline;
  /** true: give up at once instead of waiting when another contender holds (try-lock) */
  tryOnce?: boolean;
}

/**
 * The contender loop shared by every sequential-node lock: create a protected ephemeral-sequential
 * node, then look at the ordered contenders until the driver says we hold, waiting on one node at a
 * time. Returns our node once it holds, or null when `tryOnce` and someone else holds.
 *
 * Faults while waiting: a connection loss is waited out (the node survives with the session); if
 * our node disappears (the session was lost) a new one is created at the back of the line; a node
 * that the current session does not own (left by an expired session the servers have not yet
 * cleaned up) is never taken as ours. On timeout, abort or any error our node is deleted — in the
 * background, retried until it is gone — so it cannot block the others.
 */
export async function acquireLockNode(request: LockNodeRequest): Promise<ProtectedNode | null> {
  const { client, lockPath, deadline } = request;
  let node: ProtectedNode | null = null;
  try {
    for (;;) {
      deadline.throwIfDone();
      node ??= await createProtected(client, lockPath, request.nodeName, request.data, {
        mode: 'ephemeralSequential',
        signal: deadline.signal,
      });
      const outcome = await waitToHold(request, node);
      if (outcome === 'holds') return node;
      if (outcome === 'busy') {
        await deleteGuaranteed(client, node.path);
        return null;
      }
      // Our node is gone or belongs to a dead session: make sure it is gone, and queue again.
      void deleteGuaranteed(client, node.path).catch(() => {});
      node = null;
    }
  } catch (error) {
    if (node) void deleteGuaranteed(client, node.path).catch(() => {});
    if (deadline.signal.aborted) throw deadline.error();
    throw error;
  }
}

async function waitToHold(request: LockNodeRequest, node: ProtectedNode): Promise<'holds' | 'busy' | 'lost'> {
  const { client, lockPath, driver, deadline } = request;
  const ownName = nodeName(node.path);
  for (;;) {
    if (client.sessionId !== node.stat.ephemeralOwner) return 'lost';
    let children: string[];
    try {
      ({ children } = await retryIdempotent(client, () => client.getChildren(lockPath), deadline.signal));
    } catch (error) {
      // The container parent was removed, so our node with it.
      if (isZooKeeperError(error, 'NONODE')) return 'lost';
      throw error;
    }
    const contenders = sortContenders(children, driver.contenderNames);
    const ownIndex = contenders.findIndex((contender) => contender.name === ownName);
    if (ownIndex < 0) return 'lost';
    const decision = driver.decide(contenders, ownIndex);
    if (decision.holds) {
      // Only the session that created the node holds through it (CURATOR-696).
      return client.sessionId === node.stat.ephemeralOwner ? 'holds' : 'lost';
    }
    if (request.tryOnce) return 'busy';
    await waitForNodeChange(client, joinPath(lockPath, decision.waitOn), deadline.signal);
  }
}

/** Every contender node under a lock path, oldest first, with the data each holds (e.g. its id). */
export async function listContenders(
  client: ZooKeeperClient,
  lockPath: string,
  contenderNames: readonly string[],
): Promise<{ path: string; name: string; data: Buffer }[]> {
  let children: string[];
  try {
    ({ children } = await client.getChildren(lockPath));
  } catch (error) {
    if (isZooKeeperError(error, 'NONODE')) return [];
    throw error;
  }
  const result: { path: string; name: string; data: Buffer }[] = [];
  for (const contender of sortContenders(children, contenderNames)) {
    const path = joinPath(lockPath, contender.name);
    try {
      result.push({ path, name: contender.name, data: (await client.getData(path)).data });
    } catch (error) {
      if (!isZooKeeperError(error, 'NONODE')) throw error;
    }
  }
  return result;
}

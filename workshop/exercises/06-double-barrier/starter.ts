/**
 * Exercise 6: a double barrier. Read README.md beside this file first.
 *
 * Check it with: npm run workshop -- check 6
 */
import type { ZooKeeperClient } from '@zk-cookbook/core/client';

/** Joins the barrier as `member`; resolves once `size` members have joined. */
export async function enterBarrier(
  client: ZooKeeperClient,
  barrierDirectory: string,
  member: string,
  size: number,
): Promise<void> {
  // Ephemeral: a member that crashes inside the barrier does not hold everyone else forever.
  await client.create(`${barrierDirectory}/${member}`, '', { mode: 'ephemeral' });
  // TODO 1: wait until `size` members are in. Suggested: whoever sees `size` member nodes creates a
  //         "ready" node; everyone else waits for it with exists(…/ready, { watch }). (Why not just
  //         count children? Think of a slow member counting after the fast ones have started to leave.)
  void size; // (only so that the unused parameter compiles; delete this line)
}

/** Leaves the barrier; resolves once every member has left. */
export async function leaveBarrier(
  client: ZooKeeperClient,
  barrierDirectory: string,
  member: string,
): Promise<void> {
  await client.delete(`${barrierDirectory}/${member}`);
  // TODO 2: wait until no member nodes are left (watch the children), and tidy up the "ready" node.
}

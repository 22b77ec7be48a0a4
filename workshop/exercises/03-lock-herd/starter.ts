/**
 * Exercise 3: a lock, with the herd effect and without. Read README.md beside this file first.
 *
 * This lock is correct but herd-prone: run the checker to see it count the notifications.
 * Check it with: npm run workshop -- check 3
 */
import { nodeName, type ZooKeeperClient } from '@zk-cookbook/core/client';

export async function acquireLock(
  client: ZooKeeperClient,
  lockDirectory: string,
): Promise<{ release(): Promise<void> }> {
  // Queue up: the server appends a counter, so the names sort in arrival order. Ephemeral, so a
  // crashed holder's node goes away with its session and the lock is not held forever.
  const ownPath = await client.create(`${lockDirectory}/lock-`, '', { mode: 'ephemeralSequential' });
  const ownName = nodeName(ownPath);

  for (;;) {
    // TODO: this watches the whole directory, so EVERY waiter wakes on EVERY release (the herd).
    //       Watch only the node just before yours instead: exists(predecessor, { watch }).
    //       Mind the race: the predecessor may already be gone when you call exists (it returns null).
    let wake!: () => void;
    const changed = new Promise<void>((resolve) => (wake = resolve));
    const { children } = await client.getChildren(lockDirectory, { watch: () => wake() });
    const queue = children.sort();
    if (queue[0] === ownName) {
      return { release: () => client.delete(ownPath) };
    }
    await changed;
  }
}

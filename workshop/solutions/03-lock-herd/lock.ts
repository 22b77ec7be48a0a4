/** Exercise 3, reference solution: a lock in which each waiter watches only its predecessor. */
import { nodeName, type ZooKeeperClient } from '@zk-cookbook/core/client';

export async function acquireLock(
  client: ZooKeeperClient,
  lockDirectory: string,
): Promise<{ release(): Promise<void> }> {
  const ownPath = await client.create(`${lockDirectory}/lock-`, '', { mode: 'ephemeralSequential' });
  const ownName = nodeName(ownPath);

  for (;;) {
    // No watch on the directory: reading the queue costs nothing to the other waiters.
    const { children } = await client.getChildren(lockDirectory);
    const queue = children.sort();
    const position = queue.indexOf(ownName);
    if (position === 0) return { release: () => client.delete(ownPath) };
    const predecessor = `${lockDirectory}/${queue[position - 1]}`;

    let wake!: () => void;
    const gone = new Promise<void>((resolve) => (wake = resolve));
    // One watcher per node: a release (or a crash) of the predecessor wakes exactly one waiter.
    // exists, not getData: if the predecessor left between getChildren and here, exists answers null
    // and we look again at once instead of waiting for an event that will never come.
    const stat = await client.exists(predecessor, { watch: () => wake() });
    if (stat) await gone;
  }
}

/**
 * Exercise 5: a queue consumer that survives a crash. Read README.md beside this file first.
 *
 * It works, until the process dies in the middle of an item. Check it with: npm run workshop -- check 5
 */
import { once } from 'node:events';
import type { ZooKeeperClient } from '@zk-cookbook/core/client';

/**
 * Hands the items under `queueDirectory` (their data, UTF-8) to `handle` one at a time, oldest first,
 * waiting for new ones when the queue is empty, until `signal` aborts.
 */
export async function consumeQueue(
  client: ZooKeeperClient,
  queueDirectory: string,
  handle: (item: string) => Promise<void>,
  signal: AbortSignal,
): Promise<void> {
  const aborted = once(signal, 'abort');
  while (!signal.aborted) {
    const { children } = await client.getChildren(queueDirectory);
    if (children.length === 0) {
      // Empty: watch for the next item. Look again with the watch set, or an item added in between
      // would wait for the one after it.
      let wake!: () => void;
      const added = new Promise<void>((resolve) => (wake = resolve));
      const again = await client.getChildren(queueDirectory, { watch: () => wake() });
      if (again.children.length === 0) await Promise.race([added, aborted]);
      continue;
    }
    const next = `${queueDirectory}/${children.sort()[0]}`;
    const { data } = await client.getData(next);
    // TODO: the item leaves the queue BEFORE it is handled. If the process dies inside handle, the
    //       item is gone and was never done. Take it off the queue only once handle has resolved
    //       (and think about what the next consumer sees if we die between handle and delete).
    await client.delete(next);
    await handle(data.toString('utf8'));
  }
}

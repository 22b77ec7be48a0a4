/** Exercise 5, reference solution: handle first, delete after, so a crash can repeat an item but never lose one. */
import { once } from 'node:events';
import { isZooKeeperError, type ZooKeeperClient } from '@zk-cookbook/core/client';

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
      let wake!: () => void;
      const added = new Promise<void>((resolve) => (wake = resolve));
      const again = await client.getChildren(queueDirectory, { watch: () => wake() });
      if (again.children.length === 0) await Promise.race([added, aborted]);
      continue;
    }
    const next = `${queueDirectory}/${children.sort()[0]}`;
    const { data, stat } = await client.getData(next);
    // The item stays queued while it is handled: if we die here, the next consumer finds it and does
    // it again. At-least-once, so handlers must be idempotent (record results under the item's name).
    await handle(data.toString('utf8'));
    try {
      await client.delete(next, { version: stat.version });
    } catch (error) {
      // Already gone: a consumer that took over after a pause of ours did it too. Nothing is lost.
      if (!isZooKeeperError(error, 'NONODE')) throw error;
    }
  }
}

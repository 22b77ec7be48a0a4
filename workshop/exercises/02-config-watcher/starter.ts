/**
 * Exercise 2: a config watcher. Read README.md beside this file first.
 *
 * Check it with: npm run workshop -- check 2
 */
import { utf8, type ZooKeeperClient } from '@zk-cookbook/core/client';

/**
 * Calls `onChange` with the node's current value (UTF-8; null while the node does not exist) at once
 * and after every change, until the returned function is called.
 */
export async function watchConfig(
  client: ZooKeeperClient,
  path: string,
  onChange: (value: string | null) => void,
): Promise<() => void> {
  // This reads the value and sets a watch, and the watch reads the value again when the node changes.
  // TODO 1: the watch fires once. After the second value nothing more arrives. Re-arm it.
  // TODO 2: if the node does not exist, getData fails with NONODE and sets no watch at all.
  //         Report null, and watch for the node's creation instead (exists with a watch).
  const { data } = await client.getData(path, {
    watch: () => {
      client
        .getData(path)
        .then(({ data: changed }) => onChange(utf8(changed)))
        .catch((error: unknown) => console.warn(`re-read of ${path} failed: ${(error as Error).message}`));
    },
  });
  onChange(utf8(data));

  return () => {
    // TODO 3: after stop, no more onChange calls.
  };
}

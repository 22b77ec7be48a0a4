/** Exercise 2, reference solution: a config watcher that re-arms its watch and survives deletes. */
import { isZooKeeperError, utf8, type WatchedEvent, type ZooKeeperClient } from '@zk-cookbook/core/client';

export async function watchConfig(
  client: ZooKeeperClient,
  path: string,
  onChange: (value: string | null) => void,
): Promise<() => void> {
  let stopped = false;

  const onEvent = (event: WatchedEvent): void => {
    // "closed" means the client is gone: nothing to re-arm.
    if (stopped || event.state === 'closed') return;
    readAndWatch().catch((error: unknown) => {
      console.warn(`config watcher: could not re-read ${path}: ${(error as Error).message}`);
    });
  };

  // Every read sets the next watch: the value and the re-armed watch come from one call, so no change
  // can slip in between reading and watching.
  const readAndWatch = async (): Promise<void> => {
    try {
      const { data } = await client.getData(path, { watch: onEvent });
      if (!stopped) onChange(utf8(data));
    } catch (error) {
      if (!isZooKeeperError(error, 'NONODE')) throw error;
      // getData on a missing node watches nothing; exists does, and fires on the creation.
      const stat = await client.exists(path, { watch: onEvent });
      if (stat) return readAndWatch(); // created between the two calls
      if (!stopped) onChange(null);
    }
  };

  await readAndWatch();
  return () => {
    stopped = true;
  };
}

import { isZooKeeperError, type ZooKeeperClient } from '../../src/client/index.ts';

/**
 * A count of current holders kept in ZooKeeper, shared by every participant of an interop test
 * (Java: SemaphoreCommands.adjustCounts, same format): comma-separated integers, e.g. "2" for a
 * semaphore's holders or "3,0" for a read/write lock's readers and writers. Each change is a versioned
 * read-modify-write, retried when another participant wrote in between, so the values seen right
 * after entering are the true number of holders at that point in ZooKeeper's order.
 */
export async function adjustCounts(
  client: ZooKeeperClient,
  path: string,
  deltas: readonly number[],
  signal?: AbortSignal,
): Promise<number[]> {
  for (;;) {
    const { data, stat } = await client.getData(path, { signal });
    const parts = data.toString('utf8').split(',');
    const values = deltas.map((delta, index) => (Number.parseInt(parts[index] ?? '', 10) || 0) + delta);
    try {
      await client.setData(path, values.join(','), { version: stat.version, signal });
      return values;
    } catch (error) {
      if (!isZooKeeperError(error, 'BADVERSION')) throw error;
    }
  }
}

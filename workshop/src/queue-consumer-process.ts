/**
 * Exercise 5's consumer as a process of its own, so the checker can kill it with SIGKILL in the middle
 * of an item, as a crash would. Usage (the checker spawns it):
 *
 *   node --conditions=zk-cookbook-source --import tsx queue-consumer-process.ts \
 *     <exercise module> <connect string> <queue directory> <done directory> <item to hang on>
 *
 * Each item's handling prints "begin <item>", then records the item as done with a sequential node
 * under the done directory (so an item done twice shows twice). The item named by the last argument
 * never finishes: the process hangs on it until it is killed.
 */
import { pathToFileURL } from 'node:url';
import { ZooKeeperClient } from '@zk-cookbook/core/client';
import type { QueueConsumerExercise } from './checkers/05-crash-safe-queue.ts';

const [modulePath, connectString, queueDirectory, doneDirectory, hangOn = ''] = process.argv.slice(2);
if (!modulePath || !connectString || !queueDirectory || !doneDirectory) {
  console.error(
    'usage: queue-consumer-process.ts <module> <connect string> <queue> <done> [item to hang on]',
  );
  process.exit(2);
}

const { consumeQueue } = (await import(pathToFileURL(modulePath).href)) as QueueConsumerExercise;
const client = await ZooKeeperClient.connect(connectString, { sessionTimeoutMs: 4_000, logger: {} });
const stop = new AbortController();
process.once('SIGTERM', () => stop.abort());

await consumeQueue(
  client,
  queueDirectory,
  async (item) => {
    process.stdout.write(`begin ${item}\n`);
    if (item === hangOn) await new Promise<never>(() => {});
    await client.create(`${doneDirectory}/${item}-`, '', { mode: 'persistentSequential' });
  },
  stop.signal,
);
await client.close();

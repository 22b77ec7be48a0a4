import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ZooKeeperClient } from '@zk-cookbook/core/client';
import type { CheckContext } from '../check-context.ts';
import { CheckFailure } from '../check-report.ts';
import { loadExerciseModule, type Conforms } from '../load-exercise-module.ts';
import { waitFor } from '../waiting.ts';
import type * as Starter from '../../exercises/05-crash-safe-queue/starter.ts';
import type * as Solution from '../../solutions/05-crash-safe-queue/consumer.ts';

/** What exercise 5's starter and solution export. */
export interface QueueConsumerExercise {
  /**
   * Hands the items under `queueDirectory` to `handle` one at a time, oldest first, waiting for new
   * ones when the queue is empty, until `signal` aborts. An item counts as handled when `handle` resolves.
   */
  consumeQueue(
    client: ZooKeeperClient,
    queueDirectory: string,
    handle: (item: string) => Promise<void>,
    signal: AbortSignal,
  ): Promise<void>;
}

export type StarterConforms = Conforms<typeof Starter, QueueConsumerExercise>;
export type SolutionConforms = Conforms<typeof Solution, QueueConsumerExercise>;

const QUEUE = '/queue';
const DONE = '/done';
const consumerProcessScript = fileURLToPath(new URL('../queue-consumer-process.ts', import.meta.url));
const repositoryRoot = fileURLToPath(new URL('../../..', import.meta.url));

export async function checkCrashSafeQueue(context: CheckContext): Promise<void> {
  let exercise: QueueConsumerExercise | undefined;
  await context.check('the module exports consumeQueue', async () => {
    exercise = await loadExerciseModule<QueueConsumerExercise>(context.modulePath, ['consumeQueue']);
  });
  if (!exercise) return;

  const admin = await context.connect();
  await admin.create(QUEUE);
  await admin.create(DONE);
  const enqueue = (item: string): Promise<string> =>
    admin.create(`${QUEUE}/item-`, item, { mode: 'persistentSequential' });

  await context.check('hands over every item, oldest first, and empties the queue', async () => {
    const client = await context.connect();
    const handled: string[] = [];
    const stop = new AbortController();
    for (const item of ['first', 'second', 'third']) await enqueue(item);
    const consuming = exercise!.consumeQueue(
      client,
      QUEUE,
      async (item) => void handled.push(item),
      stop.signal,
    );
    // An item added while the consumer waits on an empty queue must wake it.
    await waitFor(() => (handled.length >= 3 ? true : undefined), {
      timeoutMs: 5_000,
      hint: (seen) => `three items were queued; handle was called with ${seen}`,
      describe: () => JSON.stringify(handled),
    });
    await enqueue('late');
    await waitFor(async () => (handled.length >= 4 && (await queueLength(admin)) === 0 ? true : undefined), {
      timeoutMs: 5_000,
      hint: (seen) =>
        `an item added to the empty queue was not handled, or handled items stay queued (${seen}). ` +
        'Watch the queue directory for children while it is empty.',
      describe: async () =>
        `handled ${JSON.stringify(handled)}, ${await queueLength(admin)} left in ${QUEUE}`,
    });
    stop.abort();
    await consuming;
    if (handled.join() !== 'first,second,third,late') {
      throw new CheckFailure(`handled in the order ${JSON.stringify(handled)}: sort the children by name`);
    }
  });

  await context.check(
    'an item in progress survives a crash of the consumer (kill -9 mid-item)',
    async () => {
      const items = ['a', 'b', 'c', 'd', 'e'];
      for (const item of items) await enqueue(item);
      const crashing = startConsumerProcess(context, 'c');
      try {
        await waitFor(() => (crashing.begun.includes('c') ? true : undefined), {
          timeoutMs: 15_000,
          hint: (seen) =>
            `the consumer process never began item "c" (it began ${seen}; stderr: ${crashing.stderr()})`,
          describe: () => JSON.stringify(crashing.begun),
        });
      } finally {
        crashing.process.kill('SIGKILL');
      }
      await crashing.exited;

      const restarted = startConsumerProcess(context, '');
      try {
        // Settled: the queue is empty and whatever the restarted consumer began is recorded done.
        // Anything not done by then was taken off the queue by the crashed consumer and is lost.
        const settled = await waitFor(
          async () => {
            const done = await doneItems(admin);
            const idle =
              (await queueLength(admin)) === 0 && restarted.begun.every((item) => done.includes(item));
            return idle ? done : undefined;
          },
          {
            timeoutMs: 15_000,
            hint: (seen) =>
              `the restarted consumer did not empty the queue within 15 s (${seen}; stderr: ${restarted.stderr()})`,
            describe: async () =>
              `${await queueLength(admin)} items still queued, began ${JSON.stringify(restarted.begun)}`,
          },
        );
        const lost = items.filter((item) => !settled.includes(item));
        if (lost.length > 0) {
          throw new CheckFailure(
            `after the crash and a restart the queue is empty, but item(s) ${JSON.stringify(lost)} were never done. ` +
              'The crashed consumer had taken its item off the queue before finishing it, so nobody ever will: ' +
              'delete an item only AFTER handle resolves.',
          );
        }
      } finally {
        restarted.process.kill('SIGTERM');
        await restarted.exited;
      }
      const done = await doneItems(admin);
      const repeated = done.length - new Set(done).size;
      return `all ${items.length} items done; ${repeated} done twice (at-least-once: the item in progress at the crash may be)`;
    },
    { needs: ['hands over every item, oldest first, and empties the queue'] },
  );
}

// Both sync first: the consumers write through their own clients, maybe to servers ahead of the checker's.
async function queueLength(admin: ZooKeeperClient): Promise<number> {
  await admin.sync(QUEUE);
  return (await admin.getChildren(QUEUE)).children.length;
}

/** The items the consumer processes recorded as done, one entry per time each was done. */
async function doneItems(admin: ZooKeeperClient): Promise<string[]> {
  await admin.sync(DONE);
  const { children } = await admin.getChildren(DONE);
  return children.map((name) => name.replace(/-\d{10}$/, ''));
}

interface ConsumerProcess {
  readonly process: ChildProcess;
  /** items whose handling has begun, as the process reported them */
  readonly begun: string[];
  readonly exited: Promise<void>;
  stderr(): string;
}

/** Runs the exercise's consumer in a child process, which the checker can kill like a crash would. */
function startConsumerProcess(context: CheckContext, hangOn: string): ConsumerProcess {
  const child = spawn(
    process.execPath,
    [
      '--conditions=zk-cookbook-source',
      '--import',
      'tsx',
      consumerProcessScript,
      context.modulePath,
      context.connectString,
      QUEUE,
      DONE,
      hangOn,
    ],
    { cwd: repositoryRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const begun: string[] = [];
  let stderr = '';
  let pending = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.startsWith('begin ')) begun.push(line.slice('begin '.length));
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-2_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { process: child, begun, exited, stderr: () => stderr.trim() || 'empty' };
}

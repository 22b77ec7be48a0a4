/**
 * Given, not part of the exercise: the worker, the client and the bootstrap of the book's
 * master–worker system. Read them: the master you write talks to them only through the znodes.
 */
import {
  isZooKeeperError,
  nodeName,
  type WatchedEvent,
  type ZooKeeperClient,
} from '@zk-cookbook/core/client';
import { ASSIGN, STATUS, TASKS, WORKERS, workerName } from './paths.ts';

/** Creates the four parents; safe to run from every process, in any order. */
export async function bootstrap(client: ZooKeeperClient): Promise<void> {
  for (const path of [WORKERS, TASKS, ASSIGN, STATUS]) await createIfMissing(client, path);
}

/**
 * Registers a worker and runs every task assigned to it: reads the task, writes "done:<task>" to
 * /status/<task>, deletes the assignment. stop() unregisters it.
 */
export async function startWorker(
  client: ZooKeeperClient,
  workerId: string,
): Promise<{ stop(): Promise<void> }> {
  const name = workerName(workerId);
  const assignments = `${ASSIGN}/${name}`;
  // The assignment directory first, then the registration: a master that sees the worker can at once
  // assign to it.
  await createIfMissing(client, assignments);
  await client.create(`${WORKERS}/${name}`, 'Idle', { mode: 'ephemeral' });

  let stopped = false;
  const running = new Set<string>();
  const execute = async (task: string): Promise<void> => {
    const { data } = await client.getData(`${assignments}/${task}`);
    await createIfMissing(client, `${STATUS}/${task}`, `done:${data.toString('utf8')}`);
    await client.delete(`${assignments}/${task}`);
  };
  const watchAssignments = (event?: WatchedEvent): void => {
    // "closed": the client is gone, there is nothing left to watch with.
    if (stopped || event?.state === 'closed') return;
    client
      .getChildren(assignments, { watch: watchAssignments })
      .then(({ children }) => {
        for (const task of children.filter((each) => !running.has(each))) {
          running.add(task);
          execute(task)
            .catch((error: unknown) => {
              if (!isZooKeeperError(error, 'CLOSED'))
                console.warn(`${name}: task ${task} failed: ${(error as Error).message}`);
            })
            .finally(() => running.delete(task));
        }
      })
      .catch((error: unknown) => {
        if (!stopped && !isZooKeeperError(error, 'CLOSED')) {
          console.warn(`${name}: cannot list ${assignments}: ${(error as Error).message}`);
        }
      });
  };
  watchAssignments();
  return {
    async stop() {
      stopped = true;
      await client.delete(`${WORKERS}/${name}`).catch((error: unknown) => {
        if (!isZooKeeperError(error, 'NONODE')) throw error;
      });
    },
  };
}

/** Submits a task and resolves with its result once a worker has run it (the book's Client). */
export async function submitTask(client: ZooKeeperClient, task: string): Promise<string> {
  const taskPath = await client.create(`${TASKS}/task-`, task, { mode: 'persistentSequential' });
  const statusPath = `${STATUS}/${nodeName(taskPath)}`;
  for (;;) {
    let wake!: () => void;
    const created = new Promise<void>((resolve) => (wake = resolve));
    if (await client.exists(statusPath, { watch: () => wake() })) break;
    await created;
  }
  const { data } = await client.getData(statusPath);
  await client.delete(statusPath);
  return data.toString('utf8');
}

async function createIfMissing(client: ZooKeeperClient, path: string, data = ''): Promise<void> {
  try {
    await client.create(path, data);
  } catch (error) {
    if (!isZooKeeperError(error, 'NODEEXISTS')) throw error;
  }
}

/**
 * Exercise 7, reference solution: the watch-driven master of the book's chapter 4.4. The worker and
 * the client are the exercise's own (roles.ts).
 */
import { isZooKeeperError, type WatchedEvent, type ZooKeeperClient } from '@zk-cookbook/core/client';
import { ASSIGN, MASTER, TASKS, WORKERS } from '../../exercises/07-master-worker-code/paths.ts';

export { bootstrap, startWorker, submitTask } from '../../exercises/07-master-worker-code/roles.ts';

export async function startMaster(
  client: ZooKeeperClient,
  masterId: string,
): Promise<{ stop(): Promise<void> }> {
  let stopped = false;
  let liveWorkers = new Set<string>();
  // Watches fire while earlier work is still running; one job at a time keeps two reads of /tasks
  // from assigning the same task to two workers.
  let jobs: Promise<void> = Promise.resolve();
  const report = (error: unknown): void => {
    // CLOSED: this process is shutting its client down; nothing went wrong.
    if (!isZooKeeperError(error, 'CLOSED')) console.warn(`master ${masterId}: ${(error as Error).message}`);
  };
  const serially = (job: () => Promise<void>): void => {
    jobs = jobs.then(() => (stopped ? undefined : job())).catch(report);
  };
  const rerunOnChange =
    (job: () => Promise<void>) =>
    (event: WatchedEvent): void => {
      if (event.state !== 'closed') serially(job);
    };

  const runForMaster = async (): Promise<void> => {
    if (stopped) return;
    try {
      await client.create(MASTER, masterId, { mode: 'ephemeral' });
    } catch (error) {
      if (!isZooKeeperError(error, 'NODEEXISTS')) throw error;
      const present = await client.exists(MASTER, {
        watch: (event) => {
          if (event.type === 'deleted') void runForMaster().catch(report);
        },
      });
      // The master left between our create and our exists: no event will come, run again now.
      if (!present) await runForMaster();
      return;
    }
    serially(watchWorkers);
    serially(watchTasks);
  };

  // Every read re-arms its watch, and the watch only schedules the next read: a notification says
  // "something changed", the read says what.
  const watchWorkers = async (): Promise<void> => {
    const { children } = await client.getChildren(WORKERS, { watch: rerunOnChange(watchWorkers) });
    const current = new Set(children);
    const gone = [...liveWorkers].filter((worker) => !current.has(worker));
    const joined = children.some((worker) => !liveWorkers.has(worker));
    liveWorkers = current;
    for (const worker of gone) await reassignTasksOf(worker);
    // Tasks may have waited for a worker to exist.
    if (joined) await assignPendingTasks();
  };

  const watchTasks = async (): Promise<void> => {
    await client.getChildren(TASKS, { watch: rerunOnChange(watchTasks) });
    await assignPendingTasks();
  };

  // /tasks holds exactly the unassigned tasks: a new master needs no memory of what was assigned.
  const assignPendingTasks = async (): Promise<void> => {
    const workers = [...liveWorkers];
    if (workers.length === 0) return;
    const { children } = await client.getChildren(TASKS);
    for (const task of children) {
      const worker = workers[Math.floor(Math.random() * workers.length)]!;
      let data: Buffer;
      try {
        ({ data } = await client.getData(`${TASKS}/${task}`));
      } catch (error) {
        if (isZooKeeperError(error, 'NONODE')) continue;
        throw error;
      }
      // Assign, then delete: a crash in between leaves the task both assigned and pending, and the
      // worst that follows is a second run, never a lost task. (A multi would make it atomic.)
      await createIfMissing(client, `${ASSIGN}/${worker}/${task}`, data);
      await deleteIfPresent(client, `${TASKS}/${task}`);
    }
  };

  const reassignTasksOf = async (worker: string): Promise<void> => {
    let tasks: string[];
    try {
      ({ children: tasks } = await client.getChildren(`${ASSIGN}/${worker}`));
    } catch (error) {
      if (isZooKeeperError(error, 'NONODE')) return;
      throw error;
    }
    for (const task of tasks) {
      const { data } = await client.getData(`${ASSIGN}/${worker}/${task}`);
      await createIfMissing(client, `${TASKS}/${task}`, data);
      await deleteIfPresent(client, `${ASSIGN}/${worker}/${task}`);
    }
    await deleteIfPresent(client, `${ASSIGN}/${worker}`);
  };

  await runForMaster();
  return {
    async stop() {
      stopped = true;
      await jobs;
    },
  };
}

async function createIfMissing(client: ZooKeeperClient, path: string, data: Buffer): Promise<void> {
  try {
    await client.create(path, data);
  } catch (error) {
    if (!isZooKeeperError(error, 'NODEEXISTS')) throw error;
  }
}

async function deleteIfPresent(client: ZooKeeperClient, path: string): Promise<void> {
  try {
    await client.delete(path);
  } catch (error) {
    if (!isZooKeeperError(error, 'NONODE')) throw error;
  }
}

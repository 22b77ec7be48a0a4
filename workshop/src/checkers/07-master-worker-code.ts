import type { ZooKeeperClient } from '@zk-cookbook/core/client';
import type { CheckContext } from '../check-context.ts';
import { CheckFailure } from '../check-report.ts';
import { loadExerciseModule, type Conforms } from '../load-exercise-module.ts';
import { waitFor, withDeadline } from '../waiting.ts';
import type * as Starter from '../../exercises/07-master-worker-code/starter.ts';
import type * as Solution from '../../solutions/07-master-worker-code/master-worker.ts';

interface Stoppable {
  stop(): Promise<void>;
}

/** What exercise 7's starter and solution export (the worker, client and bootstrap are given in roles.ts). */
export interface MasterWorkerExercise {
  bootstrap(client: ZooKeeperClient): Promise<void>;
  startMaster(client: ZooKeeperClient, masterId: string): Promise<Stoppable>;
  startWorker(client: ZooKeeperClient, workerId: string): Promise<Stoppable>;
  submitTask(client: ZooKeeperClient, task: string): Promise<string>;
}

export type StarterConforms = Conforms<typeof Starter, MasterWorkerExercise>;
export type SolutionConforms = Conforms<typeof Solution, MasterWorkerExercise>;

const TASK_DEADLINE_MS = 8_000;

export async function checkMasterWorker(context: CheckContext): Promise<void> {
  let exercise: MasterWorkerExercise | undefined;
  await context.check('the module exports bootstrap, startMaster, startWorker and submitTask', async () => {
    exercise = await loadExerciseModule<MasterWorkerExercise>(context.modulePath, [
      'bootstrap',
      'startMaster',
      'startWorker',
      'submitTask',
    ]);
  });
  if (!exercise) return;
  const { bootstrap, startMaster, startWorker, submitTask } = exercise;

  const admin = await context.connect();
  await bootstrap(admin);
  const masters = new Map<string, ZooKeeperClient>();
  const currentMaster = async (): Promise<string | undefined> => {
    try {
      await admin.sync('/master');
      return (await admin.getData('/master')).data.toString('utf8');
    } catch {
      return undefined;
    }
  };
  // Every read of the checker's syncs first: the roles write through other clients, maybe to servers
  // ahead of the checker's.
  const listing = async (path: string): Promise<string> => {
    try {
      await admin.sync(path);
      return (await admin.getChildren(path)).children.join(', ') || 'nothing';
    } catch (error) {
      return (error as Error).message;
    }
  };
  const runTasks = async (tasks: readonly string[], hint: string): Promise<void> => {
    const client = await context.connect();
    const results = await withDeadline(
      Promise.all(tasks.map((task) => submitTask(client, task))),
      TASK_DEADLINE_MS,
      async () => `${hint}\n/tasks holds ${await listing('/tasks')} (unassigned)`,
    );
    const wrong = results.filter((result, index) => result !== `done:${tasks[index]}`);
    if (wrong.length > 0) throw new CheckFailure(`unexpected results: ${JSON.stringify(results)}`);
  };

  await context.check('one master among two candidates', async () => {
    for (const id of ['master-a', 'master-b']) {
      const client = await context.connect();
      masters.set(id, client);
      await startMaster(client, id);
    }
    const leader = await waitFor(currentMaster, {
      timeoutMs: 5_000,
      hint: () => 'no /master node after two candidates started',
    });
    return `${leader} leads`;
  });

  const workers: ZooKeeperClient[] = [];
  await context.check(
    'tasks are assigned to workers and done',
    async () => {
      for (const id of ['one', 'two']) {
        const client = await context.connect();
        workers.push(client);
        await startWorker(client, id);
      }
      await runTasks(
        ['alpha', 'beta', 'gamma', 'delta'],
        `4 tasks submitted with 2 workers up, not all done within ${TASK_DEADLINE_MS} ms: the master must ` +
          'watch /tasks and move each task to /assign/<worker>/<task>.',
      );
      const left = await listing('/tasks');
      if (left !== 'nothing') throw new CheckFailure(`done tasks are still in /tasks: ${left}`);
    },
    { needs: ['one master among two candidates'] },
  );

  await context.check(
    "the backup master takes over when the master's session ends",
    async () => {
      const leader = (await currentMaster())!;
      await masters.get(leader)!.close();
      const successor = await waitFor(
        async () => {
          const master = await currentMaster();
          return master !== undefined && master !== leader ? master : undefined;
        },
        {
          timeoutMs: 5_000,
          hint: () => `${leader} closed its session but the backup never created /master`,
        },
      );
      await runTasks(
        ['after-failover'],
        `${successor} took over /master but a new task was not done: the new master must start watching ` +
          '/workers and /tasks when it wins.',
      );
      return `${leader} → ${successor}`;
    },
    { needs: ['tasks are assigned to workers and done'] },
  );

  await context.check(
    "a dead worker's tasks go to another worker",
    async () => {
      // A worker that takes tasks and never runs them, then dies: the only live worker at first, so
      // the master has no one else to give the tasks to.
      await Promise.all(workers.map((client) => client.close()));
      const doomed = await context.connect();
      await doomed.create('/assign/worker-doomed');
      await doomed.create('/workers/worker-doomed', 'Idle', { mode: 'ephemeral' });
      await waitFor(
        async () =>
          (await admin.getChildren('/workers')).children.join() === 'worker-doomed' ? true : undefined,
        {
          timeoutMs: 5_000,
          hint: (seen) => `the closed workers' nodes did not go (${seen})`,
          describe: () => listing('/workers'),
        },
      );
      const client = await context.connect();
      const tasks = ['orphan-1', 'orphan-2'];
      const results = Promise.all(tasks.map((task) => submitTask(client, task)));
      // Awaited below; this only keeps an early failure of this check from being reported as unhandled.
      results.catch(() => undefined);
      await waitFor(
        async () =>
          (await admin.getChildren('/assign/worker-doomed')).children.length === 2 ? true : undefined,
        {
          timeoutMs: 5_000,
          hint: (seen) => `the master did not assign both tasks to the only live worker (it holds ${seen})`,
          describe: () => listing('/assign/worker-doomed'),
        },
      );
      const rescuer = await context.connect();
      await startWorker(rescuer, 'rescuer');
      await doomed.close();
      await withDeadline(
        results,
        TASK_DEADLINE_MS,
        async () =>
          'worker-doomed died holding 2 tasks and they were never done: when a worker leaves /workers, the ' +
          `master must move its /assign/<worker>/* back to /tasks. /assign/worker-doomed holds ` +
          `${await listing('/assign/worker-doomed')}, /tasks ${await listing('/tasks')}`,
      );
    },
    { needs: ["the backup master takes over when the master's session ends"] },
  );
}

/**
 * Exercise 7: the master of the book's master–worker system (chapter 4.4). Read README.md first;
 * the worker and the client are given in roles.ts.
 *
 * Check it with: npm run workshop -- check 7
 */
import { isZooKeeperError, type ZooKeeperClient } from '@zk-cookbook/core/client';
import { MASTER } from './paths.ts';

export { bootstrap, startWorker, submitTask } from './roles.ts';

/**
 * Runs for master with `masterId`; while it leads, assigns every task in /tasks to a live worker and
 * gives the tasks of a worker that dies back to /tasks. Resolves once it has run (leading or backup).
 */
export async function startMaster(
  client: ZooKeeperClient,
  masterId: string,
): Promise<{ stop(): Promise<void> }> {
  let stopped = false;

  const runForMaster = async (): Promise<void> => {
    if (stopped) return;
    try {
      await client.create(MASTER, masterId, { mode: 'ephemeral' });
    } catch (error) {
      if (!isZooKeeperError(error, 'NODEEXISTS')) throw error;
      // A backup: run again when the master's node goes. If it went before this exists, run at once.
      const present = await client.exists(MASTER, {
        watch: (event) => {
          if (event.type === 'deleted') void runForMaster().catch(report);
        },
      });
      if (!present) await runForMaster();
      return;
    }
    await lead();
  };

  const lead = async (): Promise<void> => {
    // TODO 1: watch /workers (getChildren with a watch, re-armed every time it fires) and keep the
    //         list of live workers.
    // TODO 2: watch /tasks the same way. For each task: read its data, pick a live worker at random,
    //         create /assign/<worker>/<task> with the data, then delete /tasks/<task>. With no live
    //         worker, leave it in /tasks and retry when a worker joins.
    // TODO 3: when a worker disappears from /workers, move each of its /assign/<worker>/<task> back to
    //         /tasks/<task> (create, then delete the assignment), so another worker gets it.
    // Hint: watches fire while earlier work is still running; run the master's jobs one at a time
    //       (a promise chain), or the same task may be assigned twice.
  };

  const report = (error: unknown): void => {
    // CLOSED: this process is shutting its client down; nothing went wrong.
    if (!isZooKeeperError(error, 'CLOSED')) console.warn(`master ${masterId}: ${(error as Error).message}`);
  };
  await runForMaster();
  return {
    async stop() {
      stopped = true;
    },
  };
}

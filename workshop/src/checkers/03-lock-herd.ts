import { setTimeout as sleep } from 'node:timers/promises';
import type { ZooKeeperClient } from '@zk-cookbook/core/client';
import type { CheckContext } from '../check-context.ts';
import { CheckFailure } from '../check-report.ts';
import { loadExerciseModule, type Conforms } from '../load-exercise-module.ts';
import { waitFor, withDeadline } from '../waiting.ts';
import type * as Starter from '../../exercises/03-lock-herd/starter.ts';
import type * as Solution from '../../solutions/03-lock-herd/lock.ts';

/** What exercise 3's starter and solution export. */
export interface LockExercise {
  /** Resolves once this client holds the lock under `lockDirectory` (which exists). */
  acquireLock(client: ZooKeeperClient, lockDirectory: string): Promise<{ release(): Promise<void> }>;
}

export type StarterConforms = Conforms<typeof Starter, LockExercise>;
export type SolutionConforms = Conforms<typeof Solution, LockExercise>;

const LOCK_DIRECTORY = '/lock';
const CONTENDERS = 6;
// How long each holder keeps the lock: long enough that overlapping holders would be caught.
const HOLD_MS = 40;

interface ContestOutcome {
  /** most holders seen at once */
  maxConcurrent: number;
  acquired: number;
  /** watch notifications about the lock directory, over every contender's client */
  notifications: number;
  releases: number;
}

export async function checkLock(context: CheckContext): Promise<void> {
  let exercise: LockExercise | undefined;
  await context.check('the module exports acquireLock', async () => {
    exercise = await loadExerciseModule<LockExercise>(context.modulePath, ['acquireLock']);
  });
  if (!exercise) return;

  const admin = await context.connect();
  await admin.create(LOCK_DIRECTORY);
  let outcome: ContestOutcome | undefined;

  await context.check('one holder at a time, and every contender gets its turn', async () => {
    outcome = await contest(context, admin, exercise!);
    if (outcome.maxConcurrent > 1) {
      throw new CheckFailure(
        `${outcome.maxConcurrent} contenders held the lock at the same time. The holder is the owner of ` +
          'the LOWEST sequence number; everyone else must wait.',
      );
    }
    return `${outcome.acquired} contenders took turns`;
  });

  await context.check(
    'a release wakes one waiter, not the herd',
    async () => {
      const { notifications, releases } = outcome!;
      const perRelease = (notifications / releases).toFixed(1);
      if (notifications > releases) {
        throw new CheckFailure(
          `${notifications} watch notifications for ${releases} releases (${perRelease} per release): every ` +
            'waiter is woken by every release, and all but one go back to sleep. That is the herd effect. ' +
            'Watch only the node just before yours (exists with a watch), so a release wakes exactly one waiter.',
        );
      }
      return `${notifications} notifications for ${releases} releases (${perRelease} per release)`;
    },
    { needs: ['one holder at a time, and every contender gets its turn'] },
  );

  await context.check(
    'a released lock leaves nothing behind',
    async () => {
      // sync: the releases went through other clients, maybe to servers ahead of the checker's.
      await admin.sync(LOCK_DIRECTORY);
      const { children } = await admin.getChildren(LOCK_DIRECTORY);
      if (children.length > 0) {
        throw new CheckFailure(`after every release ${LOCK_DIRECTORY} still has ${children.join(', ')}`);
      }
    },
    { needs: ['one holder at a time, and every contender gets its turn'] },
  );
}

/**
 * Every contender asks at once; the first holder keeps the lock until all the others are queued, so
 * each release has the full line of waiters behind it and the notification count is the same from
 * run to run.
 */
async function contest(
  context: CheckContext,
  admin: ZooKeeperClient,
  exercise: LockExercise,
): Promise<ContestOutcome> {
  const clients = await Promise.all(Array.from({ length: CONTENDERS }, () => context.connect()));
  const outcome: ContestOutcome = { maxConcurrent: 0, acquired: 0, notifications: 0, releases: 0 };
  for (const client of clients) {
    client.on('notification', (event) => {
      if (event.path.startsWith(LOCK_DIRECTORY)) outcome.notifications++;
    });
  }
  let holders = 0;
  let first = true;
  const takeTurn = async (client: ZooKeeperClient): Promise<void> => {
    const lock = await exercise.acquireLock(client, LOCK_DIRECTORY);
    holders++;
    outcome.acquired++;
    outcome.maxConcurrent = Math.max(outcome.maxConcurrent, holders);
    if (first) {
      first = false;
      await waitFor(
        async () =>
          (await admin.getChildren(LOCK_DIRECTORY)).children.length >= CONTENDERS ? true : undefined,
        {
          timeoutMs: 5_000,
          hint: (seen) =>
            `expected one node per contender (${CONTENDERS}) under ${LOCK_DIRECTORY} while the first holds ` +
            `the lock; saw ${seen}. Each contender creates an ephemeral sequential node there.`,
          describe: async () => (await admin.getChildren(LOCK_DIRECTORY)).children.join(', ') || 'none',
        },
      );
    }
    await sleep(HOLD_MS);
    holders--;
    await lock.release();
    outcome.releases++;
  };
  await withDeadline(
    Promise.all(clients.map(takeTurn)),
    20_000,
    `not every contender got the lock within 20 s (${outcome.acquired} of ${CONTENDERS} did): a waiter is ` +
      'not woken when its turn comes, or a release does not delete the holder node',
  );
  return outcome;
}

import type { ZooKeeperClient } from '@zk-cookbook/core/client';
import type { CheckContext } from '../check-context.ts';
import { CheckFailure } from '../check-report.ts';
import { loadExerciseModule, type Conforms } from '../load-exercise-module.ts';
import { stillPendingAfter, withDeadline } from '../waiting.ts';
import type * as Starter from '../../exercises/06-double-barrier/starter.ts';
import type * as Solution from '../../solutions/06-double-barrier/barrier.ts';

/** What exercise 6's starter and solution export. */
export interface BarrierExercise {
  /** Joins the barrier as `member`; resolves once `size` members have joined. */
  enterBarrier(
    client: ZooKeeperClient,
    barrierDirectory: string,
    member: string,
    size: number,
  ): Promise<void>;
  /** Leaves the barrier; resolves once every member has left. */
  leaveBarrier(client: ZooKeeperClient, barrierDirectory: string, member: string): Promise<void>;
}

export type StarterConforms = Conforms<typeof Starter, BarrierExercise>;
export type SolutionConforms = Conforms<typeof Solution, BarrierExercise>;

const BARRIER = '/barrier';
const SIZE = 3;
// How long members that must still be waiting are watched for leaking through. No wait can prove a
// negative; this window only has to be long enough for a barrier that does not wait to show it.
const OBSERVATION_MS = 700;

export async function checkDoubleBarrier(context: CheckContext): Promise<void> {
  let exercise: BarrierExercise | undefined;
  await context.check('the module exports enterBarrier and leaveBarrier', async () => {
    exercise = await loadExerciseModule<BarrierExercise>(context.modulePath, [
      'enterBarrier',
      'leaveBarrier',
    ]);
  });
  if (!exercise) return;
  const { enterBarrier, leaveBarrier } = exercise;

  const admin = await context.connect();
  await admin.create(BARRIER);
  const members = ['alpha', 'beta', 'gamma'];
  const clients = await Promise.all(members.map(() => context.connect()));
  const early = [0, 1].map((index) => enterBarrier(clients[index]!, BARRIER, members[index]!, SIZE));
  const lastMember = SIZE - 1;

  await context.check(`nobody enters before all ${SIZE} have arrived`, async () => {
    if (!(await stillPendingAfter(Promise.race(early), OBSERVATION_MS))) {
      throw new CheckFailure(
        `with 2 of ${SIZE} members arrived, enterBarrier already resolved. Wait until ${SIZE} member nodes ` +
          'exist (watch the directory\'s children, or a "ready" node the last arrival creates).',
      );
    }
  });

  await context.check('everyone enters once the last one arrives', async () => {
    const last = enterBarrier(clients[lastMember]!, BARRIER, members[lastMember]!, SIZE);
    await withDeadline(
      Promise.all([...early, last]),
      5_000,
      `the third member arrived but not everyone got through within 5 s: the waiting members are not woken`,
    );
  });

  const leaving = [0, 1].map((index) => leaveBarrier(clients[index]!, BARRIER, members[index]!));
  await context.check(
    'nobody leaves before all have left',
    async () => {
      if (!(await stillPendingAfter(Promise.race(leaving), OBSERVATION_MS))) {
        throw new CheckFailure(
          `with 1 of ${SIZE} members still inside, leaveBarrier already resolved. Delete your own node, then ` +
            'wait until no member nodes are left.',
        );
      }
    },
    { needs: ['everyone enters once the last one arrives'] },
  );

  await context.check(
    'everyone leaves once the last one leaves, and nothing is left behind',
    async () => {
      const last = leaveBarrier(clients[lastMember]!, BARRIER, members[lastMember]!);
      await withDeadline(
        Promise.all([...leaving, last]),
        5_000,
        'the last member left but not everyone got out within 5 s: the waiting members are not woken',
      );
      // sync: the members' deletes went through other clients, maybe to servers ahead of the checker's.
      await admin.sync(BARRIER);
      const { children } = await admin.getChildren(BARRIER);
      if (children.length > 0) throw new CheckFailure(`${BARRIER} still holds ${children.join(', ')}`);
    },
    { needs: ['everyone enters once the last one arrives'] },
  );
}

import { describe, expect, it } from 'vitest';
import { useZooKeeper } from '@zk-cookbook/core/testing';
import { allPassed, type ExerciseReport } from './src/check-report.ts';
import { exercises } from './src/exercises.ts';
import { runExercise } from './src/run-exercise.ts';

const zk = useZooKeeper('workshop');

/** The check each starter must fail: the lesson of the exercise, not a crash or a missing export. */
const lessonCheck: Record<number, string> = {
  1: '/workers, /tasks and /assign exist as persistent nodes',
  2: 'sees every later change (the one-shot watch is re-armed)',
  3: 'a release wakes one waiter, not the herd',
  4: 'every new leader gets a larger fencing token (the czxid of its node)',
  5: 'an item in progress survives a crash of the consumer (kill -9 mid-item)',
  6: 'nobody enters before all 3 have arrived',
  7: 'tasks are assigned to workers and done',
  8: 'after the session expires, the node comes back under the new session',
};

function summary(report: ExerciseReport): string {
  return report.results.map((result) => `${result.status} ${result.name}: ${result.detail}`).join('\n');
}

describe('workshop checkers', () => {
  it('cover every exercise', () => {
    expect(exercises.map((exercise) => exercise.number)).toEqual(Object.keys(lessonCheck).map(Number));
  });

  for (const exercise of exercises) {
    it(`exercise ${exercise.number} (${exercise.folder}): the starter fails its lesson, the solution passes`, async () => {
      const options = { ensembleConnectString: zk.ensembleConnectString, root: zk.chroot };
      // The two runs work in separate subtrees, so they can run side by side.
      const [starter, solution] = await Promise.all([
        runExercise(exercise, { ...options, target: 'starter' }),
        runExercise(exercise, { ...options, target: 'solution' }),
      ]);

      expect(allPassed(solution), summary(solution)).toBe(true);

      expect(allPassed(starter), summary(starter)).toBe(false);
      const lesson = starter.results.find((result) => result.name === lessonCheck[exercise.number]);
      expect(lesson?.status, summary(starter)).toBe('fail');
      // Failed by the checker's own verdict with a hint, not by the starter throwing.
      expect(lesson?.detail).not.toMatch(/^your code threw/);
      // Everything the starter already does right must still pass: the checks before the lesson.
      const before = starter.results.slice(0, starter.results.indexOf(lesson!));
      expect(
        before.filter((result) => result.status !== 'pass' && result.name !== lessonCheck[exercise.number]),
        summary(starter),
      ).toEqual([]);
    });
  }
});

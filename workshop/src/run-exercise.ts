import { randomBytes } from 'node:crypto';
import { openSandbox } from './check-context.ts';
import type { ExerciseReport } from './check-report.ts';
import { solutionPath, starterPath, type Exercise } from './exercises.ts';

/** Where every checker run gets its private subtree. */
export const WORKSHOP_ROOT = '/zk-cookbook-workshop';

export type Target = 'starter' | 'solution';

/** Runs one exercise's checker against the starter or the solution, in a fresh subtree. */
export async function runExercise(
  exercise: Exercise,
  options: { ensembleConnectString: string; target: Target; root?: string },
): Promise<ExerciseReport> {
  const started = Date.now();
  const modulePath = options.target === 'solution' ? solutionPath(exercise) : starterPath(exercise);
  const chroot = `${options.root ?? WORKSHOP_ROOT}/${exercise.folder}-${randomBytes(3).toString('hex')}`;
  const sandbox = await openSandbox(options.ensembleConnectString, chroot, modulePath);
  try {
    await exercise.check(sandbox);
  } finally {
    await sandbox.dispose();
  }
  return {
    exercise: exercise.number,
    target: options.target,
    modulePath,
    results: sandbox.results,
    durationMs: Date.now() - started,
  };
}

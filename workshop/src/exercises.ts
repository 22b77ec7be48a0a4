import { fileURLToPath } from 'node:url';
import type { CheckContext } from './check-context.ts';
import { checkShellMasterWorker } from './checkers/01-shell-master-worker.ts';
import { checkConfigWatcher } from './checkers/02-config-watcher.ts';
import { checkLock } from './checkers/03-lock-herd.ts';
import { checkLeaderFencing } from './checkers/04-leader-fencing.ts';
import { checkCrashSafeQueue } from './checkers/05-crash-safe-queue.ts';
import { checkDoubleBarrier } from './checkers/06-double-barrier.ts';
import { checkMasterWorker } from './checkers/07-master-worker-code.ts';
import { checkSessionExpiry } from './checkers/08-session-expiry.ts';

export interface Exercise {
  readonly number: number;
  /** the folder name under exercises/ and solutions/, e.g. "02-config-watcher" */
  readonly folder: string;
  readonly title: string;
  /** what the reader learns, one line */
  readonly learn: string;
  /** the file the reader edits, relative to workshop/exercises/<folder>/ */
  readonly starterFile: string;
  /** the reference answer, relative to workshop/solutions/<folder>/ */
  readonly solutionFile: string;
  readonly check: (context: CheckContext) => Promise<void>;
}

const workshopDirectory = fileURLToPath(new URL('..', import.meta.url));

export const exercises: readonly Exercise[] = [
  {
    number: 1,
    folder: '01-shell-master-worker',
    title: 'Master–worker in the shell (the book, chapter 2.4)',
    learn: 'ephemeral, sequential and persistent znodes; one-shot watches, typed by hand',
    starterFile: 'master-worker.zk',
    solutionFile: 'master-worker.zk',
    check: checkShellMasterWorker,
  },
  {
    number: 2,
    folder: '02-config-watcher',
    title: 'A config watcher',
    learn: 'watches fire once: re-arm them, and watch a node that does not exist yet',
    starterFile: 'starter.ts',
    solutionFile: 'config-watcher.ts',
    check: checkConfigWatcher,
  },
  {
    number: 3,
    folder: '03-lock-herd',
    title: 'A lock, with the herd effect and without',
    learn: 'sequential ephemerals; watch your predecessor, not the whole directory',
    starterFile: 'starter.ts',
    solutionFile: 'lock.ts',
    check: checkLock,
  },
  {
    number: 4,
    folder: '04-leader-fencing',
    title: 'Leader election with fencing',
    learn: 'a leader can be deposed without knowing it; a czxid token lets the resource refuse it',
    starterFile: 'starter.ts',
    solutionFile: 'leader.ts',
    check: checkLeaderFencing,
  },
  {
    number: 5,
    folder: '05-crash-safe-queue',
    title: 'A queue consumer that survives a crash',
    learn: 'take an item off the queue only after it is done: at-least-once delivery',
    starterFile: 'starter.ts',
    solutionFile: 'consumer.ts',
    check: checkCrashSafeQueue,
  },
  {
    number: 6,
    folder: '06-double-barrier',
    title: 'A double barrier',
    learn: 'make a group start together and finish together with children watches',
    starterFile: 'starter.ts',
    solutionFile: 'barrier.ts',
    check: checkDoubleBarrier,
  },
  {
    number: 7,
    folder: '07-master-worker-code',
    title: 'Master–worker in code (the book, chapter 4.4)',
    learn: 'watch-driven coordination: assignment, and reassignment when a worker dies',
    starterFile: 'starter.ts',
    solutionFile: 'master-worker.ts',
    check: checkMasterWorker,
  },
  {
    number: 8,
    folder: '08-session-expiry',
    title: 'Breaking and fixing session handling',
    learn: 'an expired session takes its ephemerals along; a new session must re-register',
    starterFile: 'starter.ts',
    solutionFile: 'registration.ts',
    check: checkSessionExpiry,
  },
];

export function findExercise(number: number): Exercise | undefined {
  return exercises.find((exercise) => exercise.number === number);
}

export function starterPath(exercise: Exercise): string {
  return `${workshopDirectory}exercises/${exercise.folder}/${exercise.starterFile}`;
}

export function solutionPath(exercise: Exercise): string {
  return `${workshopDirectory}solutions/${exercise.folder}/${exercise.solutionFile}`;
}

/** A path as the reader would type it from the repository root. */
export function repositoryRelative(absolutePath: string): string {
  const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));
  return absolutePath.startsWith(repositoryRoot) ? absolutePath.slice(repositoryRoot.length) : absolutePath;
}

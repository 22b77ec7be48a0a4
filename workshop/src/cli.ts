import { parseArgs } from 'node:util';
import { allPassed, formatReport } from './check-report.ts';
import { exercises, findExercise, repositoryRelative, solutionPath, starterPath } from './exercises.ts';
import { runExercise, type Target } from './run-exercise.ts';
import { openWorkshopEnsemble } from './workshop-ensemble.ts';

const usage = `usage:
  npm run workshop                          list the exercises
  npm run workshop -- check <n>             check your starter file of exercise n
  npm run workshop -- check <n> --solution  check the reference solution instead
                                            (or WORKSHOP_TARGET=solution)
The checkers run against ZK_CONNECT if set, else a local 3-server ensemble started for the run.`;

function listExercises(): string {
  const rows = exercises.map(
    (exercise) =>
      `${String(exercise.number).padStart(2)}. ${exercise.title}\n` +
      `    learn: ${exercise.learn}\n` +
      `    edit:  ${repositoryRelative(starterPath(exercise))}`,
  );
  return [
    'zk-cookbook workshop — each exercise: read its README, edit the starter, then check it',
    '',
    ...rows,
    '',
    'check one with: npm run workshop -- check <n>   (see workshop/README.md)',
  ].join('\n');
}

async function check(numberText: string | undefined, target: Target): Promise<number> {
  const exercise = findExercise(Number(numberText));
  if (!exercise) {
    console.error(
      `no exercise ${numberText ?? '(missing number)'}; there are 1 to ${exercises.length}\n${usage}`,
    );
    return 2;
  }
  const file = target === 'solution' ? solutionPath(exercise) : starterPath(exercise);
  const ensemble = await openWorkshopEnsemble();
  try {
    console.log(`exercise ${exercise.number}: ${exercise.title}`);
    console.log(`checking ${repositoryRelative(file)} against ${ensemble.description}\n`);
    const report = await runExercise(exercise, { ensembleConnectString: ensemble.connectString, target });
    console.log(formatReport(report));
    return allPassed(report) ? 0 : 1;
  } finally {
    await ensemble.close();
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { solution: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const [command, number] = positionals;
  if (command === undefined || command === 'list') {
    console.log(listExercises());
    return 0;
  }
  if (command === 'check') {
    const target: Target =
      values.solution || process.env.WORKSHOP_TARGET === 'solution' ? 'solution' : 'starter';
    return check(number, target);
  }
  console.error(`unknown command "${command}"\n${usage}`);
  return 2;
}

// Exit explicitly: code under check may leave timers or promises behind (a lock that never resolved),
// and they must not keep the workshop running once the verdict is printed.
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);

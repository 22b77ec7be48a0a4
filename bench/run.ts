/**
 * npm run bench [-- <suite>...] [--rounds N] [--quick] [--profile]
 *
 * Runs the benchmark suites of bench/suites/ (all of them, or those named) against one ensemble:
 * the one named by ZK_CONNECT, or a local 3-server ensemble started for the occasion. Each suite
 * prints its report and writes its numbers to .tmp/bench/<suite>-<timestamp>.json.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { EnsembleError } from '../shared/src/ensemble/index.ts';
import { openBenchEnsemble } from './lib/bench-ensemble.ts';
import { describeEnvironment, formatEnvironment, formatLoad, loadAverage } from './lib/environment.ts';
import { BenchError } from './lib/errors.ts';
import { REPOSITORY_ROOT } from './lib/node-child.ts';
import { RESULTS_DIRECTORY, writeResultsFile } from './lib/results-file.ts';
import type { BenchSuite, PreparedSuite, SuiteOptions } from './suite.ts';

const SUITES_DIRECTORY = join(REPOSITORY_ROOT, 'bench', 'suites');
const USAGE = `usage: npm run bench [-- <suite>...] [--rounds N] [--quick] [--tsx] [--profile]
  <suite>     one of the files in bench/suites/ (default: all)
  --rounds N  runs per contender and workload, median reported (default 3)
  --quick     workloads a tenth of their size, one round: checks that everything works
  --tsx       run our TypeScript through tsx instead of compiling it as \`npm run build\` does
  --profile   write CPU profiles of the TypeScript child processes to ${join(RESULTS_DIRECTORY, 'profiles')}
ZK_CONNECT=host:port,... uses that ensemble instead of starting one.`;

async function main(): Promise<void> {
  const { values, positionals } = parseCommandLine();
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const options: SuiteOptions = {
    rounds: values.rounds !== undefined ? positiveInteger(values.rounds, '--rounds') : values.quick ? 1 : 3,
    quick: values.quick,
    typescript: values.tsx ? 'tsx' : 'compiled',
    cpuProfileDirectory: values.profile ? join(RESULTS_DIRECTORY, 'profiles') : undefined,
  };
  const suites = selectSuites(await loadSuites(), positionals);

  // Tools first: a missing JDK or jar should fail before a minute of ensemble start-up.
  const prepared: [BenchSuite, PreparedSuite][] = [];
  for (const suite of suites) {
    progress(`${suite.name}: preparing (${suite.description})`);
    prepared.push([suite, await suite.prepare(options)]);
  }

  const environment = describeEnvironment();
  progress(`${process.env.ZK_CONNECT ? 'using ZK_CONNECT' : 'starting a local 3-server ensemble'}…`);
  const ensemble = await openBenchEnsemble();
  let failed = false;
  try {
    progress(`ensemble: ${ensemble.roles}`);
    for (const [suite, ready] of prepared) {
      const startedAt = new Date();
      const loadAtStart = loadAverage();
      const outcome = await ready.run({ ensemble, log: (line) => progress(`${suite.name}: ${line}`) });
      const load = { start: loadAtStart, end: loadAverage() };
      const file = writeResultsFile(
        suite.name,
        { suite: suite.name, startedAt, environment, load, options, ...(outcome.results as object) },
        startedAt,
      );
      process.stdout.write(
        `\n== ${suite.name}: ${suite.description}\n${formatEnvironment(environment)}\n` +
          `${formatLoad(load, environment.cpus)}\n${outcome.report}\nresults: ${file}\n`,
      );
      for (const failure of outcome.failures) process.stdout.write(`FAILED: ${failure}\n`);
      failed ||= outcome.failures.length > 0;
    }
  } finally {
    await ensemble.close();
  }
  if (failed) process.exitCode = 1;
}

function parseCommandLine() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        rounds: { type: 'string' },
        quick: { type: 'boolean', default: false },
        tsx: { type: 'boolean', default: false },
        profile: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new BenchError(`${(error as Error).message}\n${USAGE}`);
  }
}

async function loadSuites(): Promise<BenchSuite[]> {
  const files = readdirSync(SUITES_DIRECTORY)
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))
    .sort();
  const suites: BenchSuite[] = [];
  for (const file of files) {
    const module = (await import(pathToFileURL(join(SUITES_DIRECTORY, file)).href)) as { suite?: BenchSuite };
    if (!module.suite) throw new BenchError(`bench/suites/${file} exports no \`suite\``);
    suites.push(module.suite);
  }
  return suites;
}

function selectSuites(available: readonly BenchSuite[], names: readonly string[]): BenchSuite[] {
  if (names.length === 0) return [...available];
  return names.map((name) => {
    const found = available.find((suite) => suite.name === name);
    if (!found) {
      throw new BenchError(
        `no suite "${name}"; available: ${available.map((suite) => suite.name).join(', ')}\n${USAGE}`,
      );
    }
    return found;
  });
}

function positiveInteger(text: string, name: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new BenchError(`${name} must be a positive integer, got "${text}"`);
  return value;
}

function progress(line: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

main().catch((error: unknown) => {
  // Missing tools and failed runs carry their own explanation; anything else is a bug, shown in full.
  const expected = error instanceof BenchError || error instanceof EnsembleError;
  const message =
    error instanceof Error ? (expected ? error.message : (error.stack ?? error.message)) : String(error);
  process.stderr.write(`bench: ${message}\n`);
  process.exit(1);
});

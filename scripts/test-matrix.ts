/**
 * `npm test`: the suite once per leg of the version matrix, one leg after the other, and a summary.
 *
 *   tsx scripts/test-matrix.ts [--leg debian|latest]... [vitest arguments]
 *
 * - debian: every project (unit, integration, fault, kafka) against Debian's ZooKeeper 3.8.0, Curator 5.4.0
 *   and Kazoo 2.8 — what the suite has always run.
 * - latest: the integration and fault projects against the ZooKeeper 3.9, Curator and Kazoo that
 *   scripts/fetch-maven.sh and scripts/fetch-kazoo.sh put in the cache (unit tests talk to no
 *   server, so a second run would only repeat them).
 * Other arguments go to every leg's `vitest run` (a file filter, `-t name`); `--project NAME` narrows
 * each leg to the projects it runs of those named, and a leg that runs none of them is left out.
 * Exits non-zero when any leg fails. See docs/operations/version-matrix.md.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { selectedVersions, type SelectedVersions } from '../shared/test-support/version-matrix.ts';

interface Leg {
  readonly name: string;
  readonly env: Readonly<Record<string, string>>;
  readonly projects: readonly string[];
}

const LEGS: readonly Leg[] = [
  {
    name: 'debian',
    env: { ZK_COOKBOOK_ZOOKEEPER: 'system', ZK_COOKBOOK_CURATOR: 'debian', ZK_COOKBOOK_KAZOO: 'debian' },
    projects: [],
  },
  {
    name: 'latest',
    env: { ZK_COOKBOOK_ZOOKEEPER: '3.9', ZK_COOKBOOK_CURATOR: 'latest', ZK_COOKBOOK_KAZOO: 'latest' },
    projects: ['integration', 'fault'],
  },
];

interface LegResult {
  readonly leg: Leg;
  readonly versions: SelectedVersions;
  readonly ok: boolean;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly seconds: number;
  readonly note?: string;
  readonly failures: readonly string[];
}

/** The subset of vitest's JSON report the summary reads. */
interface JsonReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  testResults?: {
    name: string;
    message?: string;
    assertionResults?: { fullName: string; status: string; failureMessages?: string[] }[];
  }[];
}

// CI keeps only the end of the output: the summary names each failed test and how it failed.
function failuresOf(report: JsonReport): string[] {
  const failures: string[] = [];
  for (const file of report.testResults ?? []) {
    const where = relative(process.cwd(), file.name);
    const failed = (file.assertionResults ?? []).filter((test) => test.status === 'failed');
    if (failed.length === 0 && file.message) failures.push(`${where}: ${firstLines(file.message)}`);
    for (const test of failed) {
      failures.push(`${where} > ${test.fullName}: ${firstLines(test.failureMessages?.[0] ?? '')}`);
    }
  }
  return failures;
}

function firstLines(message: string): string {
  const lines = message.split('\n').filter((line) => line.trim() !== '' && !/^\s+at /.test(line));
  return lines.slice(0, 4).join(' | ').slice(0, 600);
}

function parseArguments(argv: readonly string[]): { legs: Leg[]; vitestArgs: string[] } {
  const names: string[] = [];
  const projects: string[] = [];
  const vitestArgs: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index]!;
    if (argument === '--leg') names.push(argv[++index] ?? '');
    else if (argument.startsWith('--leg=')) names.push(argument.slice('--leg='.length));
    else if (argument === '--project') projects.push(argv[++index] ?? '');
    else if (argument.startsWith('--project=')) projects.push(argument.slice('--project='.length));
    else vitestArgs.push(argument);
  }
  const unknown = names.filter((name) => !LEGS.some((leg) => leg.name === name));
  if (unknown.length > 0) {
    throw new Error(`unknown leg ${unknown.join(', ')} (legs: ${LEGS.map((leg) => leg.name).join(', ')})`);
  }
  const legs = (names.length === 0 ? [...LEGS] : LEGS.filter((leg) => names.includes(leg.name)))
    .map((leg) => narrowToProjects(leg, projects))
    .filter((leg): leg is Leg => leg !== undefined);
  return { legs, vitestArgs };
}

// `npm test -- --project unit` should run the unit tests once, not add them to the latest leg.
function narrowToProjects(leg: Leg, projects: readonly string[]): Leg | undefined {
  if (projects.length === 0) return leg;
  if (leg.projects.length === 0) return { ...leg, projects };
  const kept = leg.projects.filter((project) => projects.includes(project));
  return kept.length > 0 ? { ...leg, projects: kept } : undefined;
}

function describeVersions(versions: SelectedVersions): string {
  return `ZooKeeper ${versions.zooKeeper.version}, Curator ${versions.curator.version}, Kazoo ${versions.kazoo.version}`;
}

function runLeg(leg: Leg, vitestArgs: readonly string[]): LegResult {
  const env = { ...process.env, ...leg.env };
  // The selection reads the environment the leg's tests will see.
  const saved = { ...process.env };
  Object.assign(process.env, leg.env);
  const versions = selectedVersions();
  process.env = saved;

  console.log(`\n=== leg ${leg.name}: ${describeVersions(versions)}`);
  for (const [part, selected] of Object.entries(versions)) {
    console.log(`    ${part}: ${selected.description}`);
  }
  const missing = Object.entries(versions).filter(([, selected]) => selected.version === 'missing');
  if (missing.length > 0) {
    // Running the tests would only fail each one with the same reason: say it once.
    const note = `missing ${missing.map(([part]) => part).join(', ')} (scripts/ensure-deps.sh test fetches them)`;
    return { leg, versions, ok: false, passed: 0, failed: 0, skipped: 0, seconds: 0, note, failures: [] };
  }

  const reportDirectory = mkdtempSync(join(tmpdir(), 'zk-cookbook-matrix-'));
  const reportFile = join(reportDirectory, 'report.json');
  const started = Date.now();
  try {
    const result = spawnSync(
      'npx',
      [
        'vitest',
        'run',
        ...leg.projects.map((project) => `--project=${project}`),
        '--reporter=default',
        '--reporter=json',
        `--outputFile.json=${reportFile}`,
        // A filter may pick only unit tests, which the latest leg does not run: nothing to do there.
        ...(vitestArgs.length > 0 ? ['--passWithNoTests'] : []),
        ...vitestArgs,
      ],
      { env, stdio: 'inherit' },
    );
    const seconds = Math.round((Date.now() - started) / 1000);
    let report: JsonReport;
    try {
      report = JSON.parse(readFileSync(reportFile, 'utf8')) as JsonReport;
    } catch {
      return {
        leg,
        versions,
        ok: false,
        passed: 0,
        failed: 0,
        skipped: 0,
        seconds,
        note: 'vitest wrote no report',
        failures: [],
      };
    }
    return {
      leg,
      versions,
      ok: result.status === 0,
      passed: report.numPassedTests,
      failed: report.numFailedTests,
      skipped: report.numPendingTests + report.numTodoTests,
      seconds,
      failures: failuresOf(report),
      ...(result.status !== 0 && report.numFailedTests === 0
        ? { note: `vitest exited ${result.status}` }
        : {}),
    };
  } finally {
    rmSync(reportDirectory, { recursive: true, force: true });
  }
}

function main(): number {
  const { legs, vitestArgs } = parseArguments(process.argv.slice(2));
  if (process.env.ZK_CONNECT) {
    console.log(`ZK_CONNECT=${process.env.ZK_CONNECT}: every leg's integration tests use that ensemble`);
  }
  const results = legs.map((leg) => runLeg(leg, vitestArgs));

  console.log('\n=== version matrix');
  for (const result of results) {
    const counts = `${result.passed} passed, ${result.failed} failed, ${result.skipped} skipped`;
    const note = result.note ? ` — ${result.note}` : '';
    console.log(
      `${result.ok ? 'ok  ' : 'FAIL'} ${result.leg.name} (${describeVersions(result.versions)}): ${counts} in ${result.seconds} s${note}`,
    );
    for (const failure of result.failures) console.log(`     failed: ${failure}`);
  }
  const total = (key: 'passed' | 'failed' | 'skipped') =>
    results.reduce((sum, result) => sum + result[key], 0);
  // The closing line CI reads: "N passed, N failed" alone on a line.
  console.log(`matrix: ${total('passed')} passed, ${total('failed')} failed, ${total('skipped')} skipped`);
  return results.every((result) => result.ok) ? 0 : 1;
}

process.exitCode = main();

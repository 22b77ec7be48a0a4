import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { isProcessAlive, processState } from './process-state.ts';
import { waitUntil } from './wait-until.ts';

interface ChildReport {
  runningPid: number;
  pausedPid: number;
  directories: string[];
  reaperPid: number;
}

const fixture = fileURLToPath(
  new URL('../../test-support/fixtures/ensembles-until-killed.ts', import.meta.url),
);
let report: ChildReport | undefined;

// Should the cleanup fail, do not leave its JVMs behind for the next test file.
afterEach(() => {
  for (const pid of [report?.runningPid, report?.pausedPid]) {
    if (pid !== undefined && isProcessAlive(pid)) process.kill(pid, 'SIGKILL');
  }
});

describe.each([
  ['SIGKILL', 'the orphan reaper'],
  ['SIGTERM', "the process guard's signal handler"],
] as const)('when the process that started ensembles gets %s', (signal, cleaner) => {
  it(`${cleaner} kills the JVMs, paused ones included, and removes their directories`, async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.once('exit', (_code, by) => resolve(by)),
    );

    const firstLine = await Promise.race([
      new Promise<string>((resolve) => createInterface({ input: child.stdout }).once('line', resolve)),
      exited.then(() => {
        throw new Error(`the child exited before reporting:\n${stderr}`);
      }),
    ]);
    report = JSON.parse(firstLine) as ChildReport;
    const { runningPid, pausedPid, directories, reaperPid } = report;

    expect(isProcessAlive(runningPid)).toBe(true);
    expect(processState(pausedPid)).toBe('T');
    expect(isProcessAlive(reaperPid)).toBe(true);
    for (const directory of directories) expect(existsSync(directory)).toBe(true);

    child.kill(signal);
    expect(await exited).toBe(signal);

    await waitUntil(
      'the JVMs and the reaper to be gone and the directories removed',
      async () => {
        const left = [
          ...[runningPid, pausedPid, reaperPid].filter(isProcessAlive).map((pid) => `pid ${pid}`),
          ...directories.filter((directory) => existsSync(directory)),
        ];
        return left.length === 0
          ? { done: true, value: undefined }
          : { done: false, observed: left.join(', ') };
      },
      { timeoutMs: 10_000 },
    );
  });
});

import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { eventually } from '@zk-cookbook/core/testing';
import { expect } from 'vitest';

const PATTERN_DIRECTORY = fileURLToPath(new URL('../', import.meta.url));

/** One of the pattern's services as a real process, so that a test can SIGKILL it. */
export interface ServiceProcess {
  readonly id: string;
  readonly child: ChildProcess;
  readonly url: string;
  output(): string;
}

/** Starts `src/<entry>` with the given environment and waits for its "listening" log line. */
export async function startServiceProcess(
  entry: 'collector-main.ts' | 'coordinator-main.ts',
  id: string,
  env: Record<string, string>,
  started: ChildProcess[],
): Promise<ServiceProcess> {
  const child = spawn(
    process.execPath,
    ['--conditions=zk-cookbook-source', '--import', 'tsx', `src/${entry}`, '--port', '0'],
    {
      cwd: PATTERN_DIRECTORY,
      env: { ...process.env, LOG_LEVEL: 'info', INSTANCE_ID: id, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  started.push(child);
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const url = await eventually(
    () => {
      expect(child.exitCode, text).toBeNull();
      const match = /"url":"(http:\/\/127\.0\.0\.1:\d+)"[^\n]*listening/.exec(text);
      expect(match, `${id} has not said where it listens`).not.toBeNull();
      return match![1]!;
    },
    { timeoutMs: 60_000, intervalMs: 100 },
  );
  return { id, child, url, output: () => text };
}

/** SIGKILLs every process in `started` that is still running (our own children, by handle). */
export function killAll(started: ChildProcess[]): void {
  for (const child of started.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

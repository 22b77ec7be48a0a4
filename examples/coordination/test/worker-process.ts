import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { eventually } from '@zk-cookbook/core/testing';
import { expect } from 'vitest';
import type { WorkerStatus } from '../src/index.ts';

const PATTERN_DIRECTORY = fileURLToPath(new URL('../', import.meta.url));

/** A worker as its own process, so that a test can kill -9 it or stop it (SIGSTOP) for real. */
export interface WorkerProcess {
  readonly instanceId: string;
  readonly child: ChildProcess;
  readonly url: string;
  output(): string;
  status(): Promise<WorkerStatus>;
}

/**
 * Runs `node <args>` in the pattern's folder with its output collected; the process is added to
 * `started`, for killAll.
 */
export function spawnInPattern(
  args: readonly string[],
  env: Record<string, string>,
  started: ChildProcess[],
): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, args, {
    cwd: PATTERN_DIRECTORY,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { child, output: () => text };
}

export async function startWorkerProcess(
  instanceId: string,
  env: Record<string, string>,
  started: ChildProcess[],
): Promise<WorkerProcess> {
  const { child, output } = spawnInPattern(
    ['--conditions=zk-cookbook-source', '--import', 'tsx', 'src/worker-main.ts', '--port', '0'],
    { LOG_LEVEL: 'info', INSTANCE_ID: instanceId, ...env },
    started,
  );
  const url = await eventually(
    () => {
      expect(child.exitCode, output()).toBeNull();
      const match = /"url":"(http:\/\/127\.0\.0\.1:\d+)".*"msg":"worker listening"/.exec(output());
      expect(match).not.toBeNull();
      return match![1]!;
    },
    { timeoutMs: 60_000, intervalMs: 100 },
  );
  return {
    instanceId,
    child,
    url,
    output,
    async status() {
      const response = await fetch(`${url}/status`, { signal: AbortSignal.timeout(2_000) });
      return (await response.json()) as WorkerStatus;
    },
  };
}

/** Ends every process a test started: resumed first if stopped, so that SIGKILL is not queued. */
export function killAll(started: ChildProcess[]): void {
  for (const child of started.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    child.kill('SIGCONT');
    child.kill('SIGKILL');
  }
}

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

export async function startWorkerProcess(
  instanceId: string,
  env: Record<string, string>,
  started: ChildProcess[],
): Promise<WorkerProcess> {
  const child = spawn(
    process.execPath,
    ['--conditions=zk-cookbook-source', '--import', 'tsx', 'src/worker-main.ts', '--port', '0'],
    {
      cwd: PATTERN_DIRECTORY,
      env: { ...process.env, LOG_LEVEL: 'info', INSTANCE_ID: instanceId, ...env },
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
      const match = /"url":"(http:\/\/127\.0\.0\.1:\d+)".*"msg":"worker listening"/.exec(text);
      expect(match).not.toBeNull();
      return match![1]!;
    },
    { timeoutMs: 60_000, intervalMs: 100 },
  );
  return {
    instanceId,
    child,
    url,
    output: () => text,
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

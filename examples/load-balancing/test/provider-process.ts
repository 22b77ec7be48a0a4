import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { eventually } from '@zk-cookbook/core/testing';
import { expect } from 'vitest';

const PATTERN_DIRECTORY = fileURLToPath(new URL('../', import.meta.url));

export interface ProviderProcess {
  readonly child: ChildProcess;
  readonly url: string;
  output(): string;
}

/**
 * A provider as its own process (src/provider-main.ts), so that a test can SIGKILL it: nothing of
 * it survives to deregister, exactly as when a machine dies.
 */
export async function spawnProvider(
  env: Record<string, string>,
  started: ChildProcess[],
): Promise<ProviderProcess> {
  const child = spawn(
    process.execPath,
    ['--conditions=zk-cookbook-source', '--import', 'tsx', 'src/provider-main.ts'],
    {
      cwd: PATTERN_DIRECTORY,
      env: { ...process.env, LOG_LEVEL: 'info', PORT: '0', ...env },
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
      const match = /"url":"(http:\/\/127\.0\.0\.1:\d+)".*"msg":"provider listening"/.exec(text);
      expect(match, 'provider listening').not.toBeNull();
      return match![1]!;
    },
    { timeoutMs: 45_000, intervalMs: 100 },
  );
  return { child, url, output: () => text };
}

/** Kills every process a test started that is still running (by the PIDs it holds, nothing else). */
export function killAll(started: ChildProcess[]): void {
  for (const child of started.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

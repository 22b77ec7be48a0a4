import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { eventually } from '@zk-cookbook/core/testing';
import { expect } from 'vitest';

const PATTERN_DIRECTORY = fileURLToPath(new URL('../', import.meta.url));

export interface PatternProcess {
  readonly child: ChildProcess;
  /** everything it wrote so far, stdout and stderr interleaved */
  output(): string;
}

/**
 * `node <args>` in the pattern's folder, as `zk-cookbook run` starts its services. Each process is
 * added to `started`, so that a test's afterEach can kill what is left of it (killAll).
 */
export function startInPattern(
  args: readonly string[],
  env: Record<string, string>,
  started: ChildProcess[],
): PatternProcess {
  const child = spawn(process.execPath, [...args], {
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

/**
 * A provider as its own process (src/provider-main.ts), so that a test can SIGKILL it: nothing of
 * it survives to deregister, exactly as when a machine dies. Resolves with its URL once it listens.
 */
export async function spawnProvider(
  env: Record<string, string>,
  started: ChildProcess[],
): Promise<PatternProcess & { url: string }> {
  const running = startInPattern(
    ['--conditions=zk-cookbook-source', '--import', 'tsx', 'src/provider-main.ts'],
    { LOG_LEVEL: 'info', PORT: '0', ...env },
    started,
  );
  const url = await eventually(
    () => {
      expect(running.child.exitCode, running.output()).toBeNull();
      const match = /"url":"(http:\/\/127\.0\.0\.1:\d+)".*"msg":"provider listening"/.exec(running.output());
      expect(match, 'provider listening').not.toBeNull();
      return match![1]!;
    },
    { timeoutMs: 45_000, intervalMs: 100 },
  );
  return { ...running, url };
}

/** Kills every process a test started that is still running (by the PIDs it holds, nothing else). */
export function killAll(started: ChildProcess[]): void {
  for (const child of started.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

import { spawn } from 'node:child_process';
import { BenchError } from './errors.ts';

export interface ChildCommand {
  command: string;
  args: readonly string[];
  /** for messages: "java ClientBench creates" */
  label: string;
  cwd?: string;
  /** killed (SIGKILL) after this long; a benchmark run that hangs must not hang the whole bench */
  timeoutMs: number;
}

export interface ChildOutput {
  stdout: string;
  stderr: string;
  wallMs: number;
}

/**
 * Runs a program to completion and returns what it printed. Fails with the end of its stderr when it
 * exits non-zero or outlives its timeout.
 */
export function runChild(child: ChildCommand): Promise<ChildOutput> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const running = spawn(child.command, child.args, {
      cwd: child.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    running.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    running.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      running.kill('SIGKILL');
    }, child.timeoutMs);
    running.on('error', (error) => {
      clearTimeout(timer);
      reject(new BenchError(`${child.label}: cannot start ${child.command}: ${error.message}`));
    });
    running.on('close', (code, signal) => {
      clearTimeout(timer);
      const wallMs = performance.now() - started;
      if (code === 0) {
        resolve({ stdout, stderr, wallMs });
        return;
      }
      const why = timedOut
        ? `did not finish within ${child.timeoutMs} ms`
        : `exited with ${signal ? `signal ${signal}` : `code ${code}`}`;
      reject(new BenchError(`${child.label} ${why}${tail(stderr)}`));
    });
  });
}

/** Runs a program whose last line of output is its result as JSON. */
export async function runJsonChild<T>(child: ChildCommand): Promise<T> {
  const output = await runChild(child);
  const lastLine = output.stdout.trimEnd().split('\n').pop() ?? '';
  try {
    return JSON.parse(lastLine) as T;
  } catch {
    throw new BenchError(
      `${child.label} printed no JSON result; its last line was ${JSON.stringify(lastLine.slice(0, 200))}${tail(output.stderr)}`,
    );
  }
}

function tail(stderr: string, lines = 20): string {
  const text = stderr.trimEnd();
  if (!text) return '';
  return `; its stderr ends with:\n${text.split('\n').slice(-lines).join('\n')}`;
}

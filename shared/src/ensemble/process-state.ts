import { readFileSync } from 'node:fs';

/**
 * The kernel's one-letter state from /proc/<pid>/stat: R running, S sleeping, T stopped (SIGSTOP),
 * Z zombie, ... `undefined` when the process is gone or /proc is unavailable.
 */
export function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name in parentheses may itself contain spaces and parentheses.
    return stat.slice(stat.lastIndexOf(')') + 2).charAt(0) || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether a process still exists as something more than a zombie. A killed JVM whose parent died is
 * re-parented to PID 1, which in a container may never reap it, so "kill(pid, 0) succeeds" is not
 * enough to call it alive.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  const state = processState(pid);
  return state !== 'Z' && state !== 'X';
}

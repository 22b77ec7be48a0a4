import { rmSync } from 'node:fs';
import { OrphanReaper } from './orphan-reaper.ts';
import { isProcessAlive } from './process-state.ts';

/**
 * Makes sure no JVM started by this process outlives it, however it ends:
 * - normal exit or process.exit(): an 'exit' handler SIGKILLs them synchronously;
 * - SIGINT / SIGTERM / SIGHUP with no other handler: the same, then the signal is re-raised so the
 *   process still dies of it (a program that handles the signal itself owns its shutdown, and the
 *   'exit' handler still runs when it finally exits);
 * - SIGKILL or any death without handlers: the orphan reaper notices its stdin closing.
 * Temporary directories registered here are removed in all three cases.
 */
const guardedPids = new Set<number>();
const guardedDirectories = new Set<string>();
let reaper: OrphanReaper | undefined;

export function guardProcess(pid: number): void {
  install().watchPid(pid);
  guardedPids.add(pid);
}

export function releaseProcess(pid: number): void {
  if (!guardedPids.delete(pid)) return;
  reaper?.forgetPid(pid);
}

export function guardDirectory(path: string): void {
  install().watchDirectory(path);
  guardedDirectories.add(path);
}

export function releaseDirectory(path: string): void {
  if (!guardedDirectories.delete(path)) return;
  reaper?.forgetDirectory(path);
}

/** The reaper's pid, for tests that check it exists. */
export function orphanReaperPid(): number | undefined {
  return reaper?.pid;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function install(): OrphanReaper {
  if (reaper) return reaper;
  reaper = OrphanReaper.spawn();
  process.on('exit', cleanUpSynchronously);
  for (const signal of SIGNALS) process.on(signal, onSignal);
  return reaper;
}

function onSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return;
  cleanUpSynchronously();
  for (const each of SIGNALS) process.removeListener(each, onSignal);
  process.kill(process.pid, signal);
}

function cleanUpSynchronously(): void {
  const killed = [...guardedPids];
  for (const pid of killed) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
    releaseProcess(pid);
  }
  // A dying JVM could still create a file in a directory being removed; wait (briefly) for death.
  waitSynchronously(() => !killed.some(isProcessAlive), 2_000);
  for (const path of guardedDirectories) {
    try {
      rmSync(path, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      // leave it; the other directories still deserve their cleanup
    }
    releaseDirectory(path);
  }
}

// Exit handlers cannot await; Atomics.wait is the one way to pause without spinning the CPU.
function waitSynchronously(condition: () => boolean, timeoutMs: number): void {
  const deadline = Date.now() + timeoutMs;
  const cell = new Int32Array(new SharedArrayBuffer(4));
  while (!condition() && Date.now() < deadline) Atomics.wait(cell, 0, 0, 10);
}

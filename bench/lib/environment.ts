import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { REPOSITORY_ROOT } from './node-child.ts';

/** Where the numbers were taken: needed to compare two result files, and to distrust a busy machine. */
export interface Environment {
  node: string;
  cpus: number;
  cpuModel: string;
  os: string;
  commit: string;
}

export function describeEnvironment(): Environment {
  return {
    node: process.version,
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    commit: gitCommit(),
  };
}

export function formatEnvironment(environment: Environment): string {
  return (
    `node ${environment.node}, ${environment.cpus} CPUs (${environment.cpuModel}), ${environment.os}, ` +
    `commit ${environment.commit}`
  );
}

/**
 * The 1-minute load average. Above the CPU count, other work competed with the benchmark for the
 * CPUs, and every number (the servers', the clients') is skewed by it.
 */
export function loadAverage(): number {
  return Number((os.loadavg()[0] ?? 0).toFixed(2));
}

export function formatLoad(load: { start: number; end: number }, cpus: number): string {
  const busy = Math.max(load.start, load.end) > cpus;
  return (
    `load average ${load.start} at the start, ${load.end} at the end on ${cpus} CPUs` +
    (busy ? ': other work competed for the CPUs, distrust small differences' : '')
  );
}

function gitCommit(): string {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPOSITORY_ROOT })
      .toString()
      .trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: REPOSITORY_ROOT }).toString().trim();
    return dirty ? `${commit} (with uncommitted changes)` : commit;
  } catch {
    return 'unknown';
  }
}

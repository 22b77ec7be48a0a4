import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * CPU time another process has used so far (user + system, every thread it ever had, exited ones
 * included), in ms, from Linux's /proc/<pid>/stat; undefined where that is not available. Read before
 * and after a timed command of a long-lived child (a peer process), it gives the child's CPU cost of
 * that command whatever its runtime: a JVM's compiler and GC threads count, as Node's do.
 * Resolution: one clock tick (10 ms on Linux), so use it over runs of seconds.
 */
export function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    return cpuTicksFromStat(readFileSync(`/proc/${pid}/stat`, 'utf8')) * (1000 / clockTicksPerSecond());
  } catch {
    return undefined;
  }
}

/**
 * utime + stime (fields 14 and 15) of a /proc/<pid>/stat line. The command name (field 2) is in
 * parentheses and may itself contain spaces and parentheses, so fields are counted after the last ")".
 */
export function cpuTicksFromStat(stat: string): number {
  const afterName = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // afterName[0] is field 3 (state): field n is afterName[n - 3]
  const user = Number(afterName[11]);
  const system = Number(afterName[12]);
  if (!Number.isFinite(user) || !Number.isFinite(system))
    throw new Error(`not a /proc/<pid>/stat line: ${stat}`);
  return user + system;
}

let ticksPerSecond: number | undefined;

function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

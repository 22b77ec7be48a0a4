import { readdirSync, readFileSync } from 'node:fs';

/**
 * How long this process's threads have been runnable but waiting for a CPU, in ms, from Linux's
 * /proc/self/task/<tid>/schedstat (its second field); undefined where that is not available.
 *
 * On a machine busier than its CPU count, a client's wall-clock numbers measure the scheduler as much
 * as the client. This says by how much: a run that waited 2 s for a CPU in a 3 s run measured the
 * machine. ClientBench.java reads the same counters.
 */
export function cpuWaitMs(): number | undefined {
  try {
    let waitedNs = 0;
    for (const thread of readdirSync('/proc/self/task')) {
      const fields = readFileSync(`/proc/self/task/${thread}/schedstat`, 'utf8').split(' ');
      waitedNs += Number(fields[1] ?? 0);
    }
    return waitedNs / 1e6;
  } catch {
    return undefined;
  }
}

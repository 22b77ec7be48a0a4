import { FourLetterClient, FourLetterWordError, type ServerStats } from '../fourletter/index.ts';
import { formatTable } from './table.ts';

/**
 * One server as `status` shows it. `mode` is the server's own answer, or why there is none:
 * not-serving (up, no quorum), unresponsive (accepted the connection, never answered: paused or
 * overloaded), down (nothing listening), or the failure reason.
 */
export interface ServerStatus {
  readonly address: string;
  readonly mode: string;
  readonly stats?: Extract<ServerStats, { serving: true }>;
}

export async function fetchServerStatus(address: string, timeoutMs: number): Promise<ServerStatus> {
  try {
    const stats = await FourLetterClient.forAddress(address, { timeoutMs }).srvr();
    return stats.serving ? { address, mode: stats.mode, stats } : { address, mode: 'not-serving' };
  } catch (error) {
    if (!(error instanceof FourLetterWordError)) throw error;
    return { address, mode: describeFailure(error) };
  }
}

function describeFailure(error: FourLetterWordError): string {
  switch (error.reason) {
    case 'refused':
    case 'connection':
      return 'down';
    case 'timeout':
      return 'unresponsive';
    default:
      return error.reason;
  }
}

export function formatStatusTable(statuses: readonly ServerStatus[]): string {
  const rows = statuses.map(({ address, mode, stats }) =>
    stats
      ? [
          address,
          mode,
          `0x${stats.zxid.toString(16)}`,
          String(stats.connections),
          String(stats.outstanding),
          `${stats.latency.minMs}/${stats.latency.avgMs}/${stats.latency.maxMs}`,
          String(stats.nodeCount),
        ]
      : [address, mode, '-', '-', '-', '-', '-'],
  );
  return formatTable(
    ['server', 'mode', 'zxid', 'connections', 'outstanding', 'latency ms min/avg/max', 'znodes'],
    rows,
  );
}

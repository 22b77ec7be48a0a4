import { isZooKeeperError, type ZooKeeperClient } from '../../src/client/index.ts';

/**
 * The shared resource of the safety tests: a znode holding `{ token, writes }`. A holder writes only
 * through `guardedWrite`, which
 * - refuses ("fenced") when a newer holder's token is already recorded — the fencing check a real
 *   resource would make;
 * - writes with the version it read, so a write that interleaves with another holder's read-write
 *   fails ("conflict") instead of silently overwriting it.
 * The zxid of every accepted write places it in ZooKeeper's total order, where the tests check that
 * the writes of different holds never interleave.
 */
export type GuardedOutcome = { outcome: 'ok'; zxid: bigint } | { outcome: 'fenced' | 'conflict' };

export async function guardedWrite(
  client: ZooKeeperClient,
  resourcePath: string,
  token: bigint,
  holder: string,
  signal: AbortSignal,
): Promise<GuardedOutcome> {
  const { data, stat } = await client.getData(resourcePath, { signal });
  const state =
    data.length > 0
      ? (JSON.parse(data.toString()) as { token: string; writes: number })
      : { token: '0', writes: 0 };
  if (BigInt(state.token) > token) return { outcome: 'fenced' };
  try {
    const written = await client.setData(
      resourcePath,
      JSON.stringify({ token: token.toString(), writes: state.writes + 1, holder }),
      { version: stat.version, signal },
    );
    return { outcome: 'ok', zxid: written.mzxid };
  } catch (error) {
    if (isZooKeeperError(error, 'BADVERSION')) return { outcome: 'conflict' };
    throw error;
  }
}

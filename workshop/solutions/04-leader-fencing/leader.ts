/** Exercise 4, reference solution: the election node's czxid as the token, fenced compare-and-set writes. */
import { isZooKeeperError, type ZooKeeperClient } from '@zk-cookbook/core/client';
import { waitForLeadership } from '../../exercises/04-leader-fencing/election.ts';

export interface Leadership {
  readonly fencingToken: bigint;
  resign(): Promise<void>;
}

export async function campaign(client: ZooKeeperClient, electionDirectory: string): Promise<Leadership> {
  const node = await waitForLeadership(client, electionDirectory);
  // The zxid of the transaction that created our node. The leader orders all transactions, so any
  // candidate that leads after us created its node later and holds a larger token.
  return { fencingToken: node.stat.czxid, resign: () => client.delete(node.path) };
}

export async function fencedWrite(
  client: ZooKeeperClient,
  resourcePath: string,
  fencingToken: bigint,
  value: string,
): Promise<boolean> {
  const { data, stat } = await client.getData(resourcePath);
  const stored = BigInt((JSON.parse(data.toString('utf8')) as { token: string }).token);
  // A newer leader has written: we were deposed, whatever we believe.
  if (stored > fencingToken) return false;
  try {
    // Tied to the version we read: a newer leader's write landing between our read and this write
    // makes ours fail instead of being overwritten.
    await client.setData(resourcePath, JSON.stringify({ token: fencingToken.toString(), value }), {
      version: stat.version,
    });
    return true;
  } catch (error) {
    if (isZooKeeperError(error, 'BADVERSION')) return false;
    throw error;
  }
}

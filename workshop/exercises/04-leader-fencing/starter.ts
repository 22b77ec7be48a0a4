/**
 * Exercise 4: leader election with fencing. Read README.md beside this file first.
 *
 * Check it with: npm run workshop -- check 4
 */
import type { ZooKeeperClient } from '@zk-cookbook/core/client';
import { waitForLeadership } from './election.ts';

export interface Leadership {
  /** the czxid of this leader's election node: larger for every later leader */
  readonly fencingToken: bigint;
  resign(): Promise<void>;
}

/** Resolves once this client leads among the candidates under `electionDirectory`. */
export async function campaign(client: ZooKeeperClient, electionDirectory: string): Promise<Leadership> {
  const node = await waitForLeadership(client, electionDirectory);
  // TODO 1: the fencing token. It must grow with every new leader, whatever the clocks say.
  //         node.stat holds the Stat of this leader's election node: which field fits?
  return { fencingToken: 0n, resign: () => client.delete(node.path) };
}

/**
 * Writes `value` into the resource node, whose data is JSON `{"token": "<decimal>", "value": "…"}`,
 * unless a newer token has written it. Returns true if written, false if refused.
 */
export async function fencedWrite(
  client: ZooKeeperClient,
  resourcePath: string,
  fencingToken: bigint,
  value: string,
): Promise<boolean> {
  // TODO 2: read the resource (getData) and refuse (return false) if its token is newer than yours.
  // TODO 3: write only if nobody wrote in between: setData with the version of the Stat you read;
  //         BADVERSION means someone did, so answer false.
  await client.setData(resourcePath, JSON.stringify({ token: fencingToken.toString(), value }));
  return true;
}

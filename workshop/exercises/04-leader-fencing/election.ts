/**
 * Given, not part of the exercise: exercise 3's queue as an election. Every candidate creates an
 * ephemeral sequential node; the lowest leads; each other candidate watches the one just before it.
 */
import { nodeName, type Stat, type ZooKeeperClient } from '@zk-cookbook/core/client';

export interface ElectionNode {
  /** the candidate's own node, e.g. /election/candidate-0000000003 */
  readonly path: string;
  /** the node's Stat as create2 returned it */
  readonly stat: Stat;
}

/** Resolves once `client`'s node is the lowest under `electionDirectory`: it leads. */
export async function waitForLeadership(
  client: ZooKeeperClient,
  electionDirectory: string,
): Promise<ElectionNode> {
  const own = await client.create2(`${electionDirectory}/candidate-`, '', { mode: 'ephemeralSequential' });
  const ownName = nodeName(own.path);
  for (;;) {
    const queue = (await client.getChildren(electionDirectory)).children.sort();
    const position = queue.indexOf(ownName);
    if (position === 0) return own;
    let wake!: () => void;
    const gone = new Promise<void>((resolve) => (wake = resolve));
    const predecessor = `${electionDirectory}/${queue[position - 1]}`;
    if (await client.exists(predecessor, { watch: () => wake() })) await gone;
  }
}

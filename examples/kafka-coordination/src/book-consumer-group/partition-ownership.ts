import { ensurePath, isZooKeeperError, type ZooKeeperClient } from '@zk-cookbook/core/client';
import type { ConsumerGroupLayout } from './consumer-group-layout.ts';

export interface ClaimOutcome {
  /** partition → czxid of the owner node this session now holds */
  readonly claimed: Map<number, bigint>;
  /** partition → the thread id still written in its owner node (a previous owner not yet released) */
  readonly heldByOthers: Map<number, string>;
}

/**
 * Claims partitions by creating their ephemeral owner nodes with this thread's id. ZooKeeper lets one
 * create win, so at most one live session owns a partition — the whole guarantee of the design. A
 * node that already exists is ours only if our session created it (a create retried after a lost
 * reply); otherwise its owner has not released it yet, and the caller backs off and tries again.
 */
export async function claimPartitions(
  client: ZooKeeperClient,
  layout: ConsumerGroupLayout,
  topic: string,
  partitions: readonly number[],
  ownerThreadId: string,
): Promise<ClaimOutcome> {
  const outcome: ClaimOutcome = { claimed: new Map(), heldByOthers: new Map() };
  if (partitions.length > 0) await ensurePath(client, layout.ownersOf(topic));
  for (const partition of partitions) {
    const path = layout.owner(topic, partition);
    try {
      await client.create(path, ownerThreadId, { mode: 'ephemeral' });
    } catch (error) {
      if (!isZooKeeperError(error, 'NODEEXISTS')) throw error;
    }
    try {
      const { data, stat } = await client.getData(path);
      if (stat.ephemeralOwner === client.sessionId) outcome.claimed.set(partition, stat.czxid);
      else outcome.heldByOthers.set(partition, data.toString('utf8'));
    } catch (error) {
      // Released between our create and the read: free now, but not ours; the retry takes it.
      if (!isZooKeeperError(error, 'NONODE')) throw error;
      outcome.heldByOthers.set(partition, '(released meanwhile)');
    }
  }
  return outcome;
}

/** Deletes the owner nodes of `partitions` that this session holds; others' are left alone. */
export async function releasePartitions(
  client: ZooKeeperClient,
  layout: ConsumerGroupLayout,
  topic: string,
  partitions: Iterable<number>,
): Promise<void> {
  for (const partition of partitions) {
    const path = layout.owner(topic, partition);
    const stat = await client.exists(path);
    if (stat?.ephemeralOwner !== client.sessionId) continue;
    try {
      await client.delete(path, { version: stat.version });
    } catch (error) {
      if (!isZooKeeperError(error, 'NONODE')) throw error;
    }
  }
}

/**
 * Deletes every owner node of `topic` that this session holds — not only those the caller remembers:
 * a claim whose reply was lost, or one made just as the session changed, is released too, instead of
 * blocking the partition for as long as the session lives.
 */
export async function releaseAllOwnedBySession(
  client: ZooKeeperClient,
  layout: ConsumerGroupLayout,
  topic: string,
): Promise<void> {
  let children: string[];
  try {
    ({ children } = await client.getChildren(layout.ownersOf(topic)));
  } catch (error) {
    if (isZooKeeperError(error, 'NONODE')) return;
    throw error;
  }
  await releasePartitions(client, layout, topic, children.map(Number));
}

export interface PartitionOwner {
  readonly threadId: string;
  /** the session whose ephemeral the owner node is */
  readonly session: bigint;
}

/** Who owns each partition of `topic` now, as the owner nodes say. */
export async function readPartitionOwners(
  client: ZooKeeperClient,
  layout: ConsumerGroupLayout,
  topic: string,
): Promise<Map<number, PartitionOwner>> {
  const owners = new Map<number, PartitionOwner>();
  let children: string[];
  try {
    ({ children } = await client.getChildren(layout.ownersOf(topic)));
  } catch (error) {
    if (isZooKeeperError(error, 'NONODE')) return owners;
    throw error;
  }
  for (const child of children) {
    try {
      const { data, stat } = await client.getData(layout.owner(topic, Number(child)));
      owners.set(Number(child), { threadId: data.toString('utf8'), session: stat.ephemeralOwner });
    } catch (error) {
      if (!isZooKeeperError(error, 'NONODE')) throw error;
    }
  }
  return owners;
}

import type { Watcher, ZooKeeperClient } from '@zk-cookbook/core/client';
import type { ConsumerGroupLayout } from './consumer-group-layout.ts';
import { readSubscribedThreads } from './member-registration.ts';
import { claimPartitions, releasePartitions } from './partition-ownership.ts';
import { rangeAssignment } from './range-assignment.ts';
import { readTopicPartitions } from './topic-partitions.ts';

export type ShareClaim =
  | { readonly claimed: true; readonly partitions: number[]; readonly members: number }
  /** a partition of the share is still owned by someone else; nothing is held */
  | { readonly claimed: false; readonly heldByOthers: Map<number, string> };

/**
 * The middle of the book's rebalance, run by every member for itself: read who is subscribed and
 * which partitions the topic has (each read leaves a watch that calls `onChange`), compute this
 * thread's range share, and create its owner nodes — all of them, or none: after a collision what
 * this attempt did claim is given back (as Kafka 0.8 did), so that a member waiting for a partition
 * never sits on partitions another member is waiting for.
 */
export async function claimRangeShare(
  client: ZooKeeperClient,
  layout: ConsumerGroupLayout,
  topic: string,
  ownerThreadId: string,
  onChange: Watcher,
): Promise<ShareClaim> {
  const threads = await readSubscribedThreads(client, layout, topic, onChange);
  const partitions = await readTopicPartitions(client, topic, onChange);
  const share = rangeAssignment(partitions, threads).get(ownerThreadId) ?? [];
  const { claimed, heldByOthers } = await claimPartitions(client, layout, topic, share, ownerThreadId);
  if (heldByOthers.size === 0) return { claimed: true, partitions: share, members: threads.length };
  await releasePartitions(client, layout, topic, claimed.keys());
  return { claimed: false, heldByOthers };
}

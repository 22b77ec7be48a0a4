import { threadId } from './consumer-group-layout.ts';

/** One consumer thread of a member, as the range assignment orders them. */
export interface ConsumerThread {
  readonly consumerId: string;
  readonly thread: number;
}

/**
 * Kafka 0.8's range assignment, per topic: threads sorted by consumer id then thread number,
 * partitions sorted by number; each thread takes a contiguous range of ⌊P/T⌋ partitions, and the
 * first P mod T threads one more. Every member computes this from what it read in ZooKeeper, with no
 * coordinator: members that read the same ids and partitions agree; members that read at different
 * moments may not, and find out when their claims collide (see claimPartitions).
 */
export function rangeAssignment(
  partitions: readonly number[],
  threads: readonly ConsumerThread[],
): Map<string, number[]> {
  const sortedPartitions = [...partitions].sort((a, b) => a - b);
  const sortedThreads = [...threads].sort((a, b) =>
    a.consumerId < b.consumerId ? -1 : a.consumerId > b.consumerId ? 1 : a.thread - b.thread,
  );
  const assignment = new Map<string, number[]>();
  if (sortedThreads.length === 0) return assignment;
  const perThread = Math.floor(sortedPartitions.length / sortedThreads.length);
  const withExtra = sortedPartitions.length % sortedThreads.length;
  sortedThreads.forEach((thread, position) => {
    const start = perThread * position + Math.min(position, withExtra);
    const count = perThread + (position < withExtra ? 1 : 0);
    assignment.set(threadId(thread.consumerId, thread.thread), sortedPartitions.slice(start, start + count));
  });
  return assignment;
}

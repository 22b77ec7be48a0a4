import { isZooKeeperError, type Watcher, type ZooKeeperClient } from '@zk-cookbook/core/client';
import { TopicAssignment } from '../inspector/kafka-znodes.ts';

/**
 * The partitions of `topic`, from the replica assignment the controller keeps in
 * `/brokers/topics/<topic>`, with a watch that fires when partitions are added (or the topic is
 * created or deleted): a change of partitions is a reason to rebalance, as a change of members is.
 */
export async function readTopicPartitions(
  client: ZooKeeperClient,
  topic: string,
  watch: Watcher,
): Promise<number[]> {
  const path = `/brokers/topics/${topic}`;
  try {
    const { data } = await client.getData(path, { watch });
    const assignment = TopicAssignment.parse(JSON.parse(data.toString('utf8')));
    return Object.keys(assignment.partitions)
      .map(Number)
      .sort((a, b) => a - b);
  } catch (error) {
    if (!isZooKeeperError(error, 'NONODE')) throw error;
  }
  // No such topic yet: nothing to consume; an exists watch tells us when it is created.
  if (await client.exists(path, { watch })) return readTopicPartitions(client, topic, watch);
  return [];
}

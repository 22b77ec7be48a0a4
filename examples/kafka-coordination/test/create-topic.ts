import { eventually } from '@zk-cookbook/core/testing';
import type { Admin } from 'kafkajs';

/**
 * Creates a topic on a cluster that has just started. A broker may answer CreateTopics before the
 * controller's first metadata update reached it (NOT_CONTROLLER, or a timeout while the controller
 * is still loading), so the request is repeated until it lands; a repeat that finds the topic
 * created by an earlier attempt whose answer was lost counts as done.
 */
export async function createTopicWhenReady(
  admin: Admin,
  topic: string,
  { partitions, replicationFactor }: { partitions: number; replicationFactor: number },
): Promise<void> {
  await eventually(
    async () => {
      try {
        await admin.createTopics({
          topics: [{ topic, numPartitions: partitions, replicationFactor }],
          waitForLeaders: true,
          timeout: 10_000,
        });
      } catch (error) {
        if ((error as { type?: string }).type === 'TOPIC_ALREADY_EXISTS') return;
        const nested = (error as { errors?: { type?: string }[] }).errors ?? [];
        if (nested.length > 0 && nested.every((each) => each.type === 'TOPIC_ALREADY_EXISTS')) return;
        throw error;
      }
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  );
  // Leaders known to kafkajs's metadata: the partitions can be produced to.
  await eventually(
    async () => {
      const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
      if (metadata?.partitions.length !== partitions || metadata.partitions.some((each) => each.leader < 0))
        throw new Error(`topic ${topic} has no leader for every partition yet`);
    },
    { timeoutMs: 30_000, intervalMs: 200 },
  );
}

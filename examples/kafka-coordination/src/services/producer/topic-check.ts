import type { ZooKeeperClient } from '@zk-cookbook/core/client';
import type { Admin } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Whether the topic exists, asked of ZooKeeper: `/brokers/topics/<topic>` is the assignment the
 * controller acts on. Asking here rather than sending blind matters because an idempotent producer
 * retries an unknown topic for as long as its retries last, which a client waiting for an HTTP answer
 * should not.
 */
export async function topicExists(client: ZooKeeperClient, topic: string): Promise<boolean> {
  return (await client.exists(`/brokers/topics/${topic}`)) !== null;
}

/**
 * Creates the generator's topic unless ZooKeeper already lists it, replicated on up to three brokers.
 * A cluster that has just started may refuse (no controller yet, or one still loading), so the
 * request is repeated until it lands or `signal` aborts; a repeat that finds the topic counts as done.
 */
export async function ensureTopic(
  client: ZooKeeperClient,
  admin: Admin,
  { topic, partitions, brokers }: { topic: string; partitions: number; brokers: () => number },
  signal: AbortSignal,
): Promise<void> {
  for (;;) {
    signal.throwIfAborted();
    if (await topicExists(client, topic)) return;
    try {
      await admin.createTopics({
        topics: [
          { topic, numPartitions: partitions, replicationFactor: Math.max(1, Math.min(3, brokers())) },
        ],
        waitForLeaders: true,
        timeout: 10_000,
      });
      return;
    } catch (error) {
      if (await topicExists(client, topic).catch(() => false)) return;
      if (signal.aborted) throw error;
    }
    await sleep(1_000, undefined, { signal });
  }
}

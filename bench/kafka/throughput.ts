import type { Kafka } from 'kafkajs';
import { waitUntil, type Probe } from '../../shared/src/ensemble/index.ts';

export interface ThroughputWorkload {
  readonly messages: number;
  /** sent untimed first, the same way: connections, metadata and the JIT warm up on both sides */
  readonly warmupMessages: number;
  /** messages per producer.send: kafkajs splits each send by partition leader, one request per broker */
  readonly batchSize: number;
  readonly messageBytes: number;
}

export interface Throughput {
  readonly messages: number;
  readonly ms: number;
  readonly messagesPerSecond: number;
}

/**
 * Sends the workload one batch after another and times it. acks -1 (all): each send waits until every
 * in-sync replica has the batch; acks 1: the leader alone. The gap between the two is what
 * replication costs a producer that waits for each batch.
 */
export async function measureProduce(
  client: Kafka,
  topic: string,
  acks: -1 | 1,
  workload: ThroughputWorkload,
): Promise<Throughput> {
  const producer = client.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    const value = Buffer.alloc(workload.messageBytes, 'x');
    const batch = Array.from({ length: workload.batchSize }, () => ({ value }));
    const sendAll = async (count: number): Promise<void> => {
      for (let sent = 0; sent < count; sent += workload.batchSize) {
        await producer.send({
          topic,
          acks,
          messages: batch.slice(0, Math.min(workload.batchSize, count - sent)),
        });
      }
    };
    await sendAll(workload.warmupMessages);
    const started = performance.now();
    await sendAll(workload.messages);
    const ms = performance.now() - started;
    return { messages: workload.messages, ms, messagesPerSecond: (workload.messages / ms) * 1000 };
  } finally {
    await producer.disconnect();
  }
}

/**
 * Reads `messages` messages of the topic from the beginning with a fresh consumer group, timed from
 * the first batch fetched to the last (the group join before it is not throughput).
 */
export async function measureConsume(client: Kafka, topic: string, messages: number): Promise<Throughput> {
  const consumer = client.consumer({ groupId: `bench-consume-${Date.now()}` });
  let received = 0;
  let firstAt: number | undefined;
  let firstBatch = 0;
  let lastAt = 0;
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachBatchAutoResolve: true,
      eachBatch: async ({ batch }) => {
        if (firstAt === undefined) {
          firstAt = performance.now();
          firstBatch = batch.messages.length;
        }
        received += batch.messages.length;
        lastAt = performance.now();
      },
    });
    await waitUntil(
      `${messages} messages consumed from ${topic}`,
      async (): Promise<Probe<true>> =>
        received >= messages ? { done: true, value: true } : { done: false, observed: `${received}` },
      { timeoutMs: 120_000, intervalMs: 20 },
    );
  } finally {
    await consumer.disconnect();
  }
  // The first batch arrived at firstAt: the rate counts only what came after it.
  const ms = lastAt - firstAt!;
  return { messages: received, ms, messagesPerSecond: ((received - firstBatch) / ms) * 1000 };
}

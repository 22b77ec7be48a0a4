import { eventually } from '@zk-cookbook/core/testing';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { expect } from 'vitest';

export interface StreamShape {
  /** Numbers 0..count-1, sent in batches of batchSize consecutive numbers. */
  readonly count: number;
  readonly batchSize: number;
  /** Batch b goes to partition b % partitions. */
  readonly partitions: number;
}

/** One producer.send: when it began, when it was acknowledged (performance.now() ms). */
export interface TimedSend {
  readonly startedAt: number;
  readonly endedAt: number;
}

/**
 * A bounded stream of numbers sent in batches, one send at a time, each send timed. The numbers make
 * loss, duplication and reordering visible to the reader; the timings show what a fault cost the
 * producer. Sends are acks=all: a send that resolves is durable on the partition's in-sync replicas.
 *
 * Each send goes to one partition. kafkajs 2.2 keeps, within one send, the brokers that have already
 * answered; when a partition's leader dies and the partition moves to a broker that answered for
 * another partition of the same send, the retry skips it: the send resolves without those messages,
 * and the idempotent producer's sequence for the partition is rolled back while the old leader may
 * have replicated them, so the next send fails with OUT_OF_ORDER_SEQUENCE_NUMBER (seen here with
 * three partitions per send; kafkajs PR #1798 fixes the same retry map). One partition per send
 * means one broker per send, and the retry reaches the new leader.
 */
export class NumberedStream {
  readonly sends: TimedSend[] = [];
  /** Messages acknowledged so far: the tests inject their fault once part of the stream is through. */
  acknowledged = 0;

  constructor(
    private readonly producer: Producer,
    private readonly topic: string,
    private readonly shape: StreamShape,
  ) {}

  async run(): Promise<void> {
    const { count, batchSize } = this.shape;
    for (let first = 0; first < count; first += batchSize) {
      const partition = partitionOf(first, this.shape);
      const numbers = Array.from({ length: Math.min(batchSize, count - first) }, (_, index) => first + index);
      const messages = numbers.map((number) => ({ partition, value: String(number) }));
      const startedAt = performance.now();
      await this.producer.send({ topic: this.topic, acks: -1, messages });
      this.sends.push({ startedAt, endedAt: performance.now() });
      this.acknowledged += messages.length;
    }
  }

  /**
   * From `moment` (a fault) until the first send begun after it was acknowledged: how long the fault
   * kept the producer from writing. The send in flight at the moment may have been acknowledged just
   * before the fault took effect, so it does not count.
   */
  recoveredAfter(moment: number): number | undefined {
    const next = this.sends.find((send) => send.startedAt >= moment);
    return next && next.endedAt - moment;
  }

  /** The send that waited longest: during a failover, the one that waited it out. */
  longestSend(): TimedSend {
    return this.sends.reduce((longest, send) => (duration(send) > duration(longest) ? send : longest));
  }

  /** Sends acknowledged between two moments, e.g. while ZooKeeper had no leader. */
  acknowledgedBetween(from: number, to: number): number {
    return this.sends.filter((send) => send.endedAt > from && send.endedAt < to).length;
  }
}

export function duration(send: TimedSend): number {
  return send.endedAt - send.startedAt;
}

export function partitionOf(number: number, { batchSize, partitions }: StreamShape): number {
  return Math.floor(number / batchSize) % partitions;
}

/** What partition `partition` must hold, in order: the stream's numbers that were sent to it. */
export function expectedNumbers(partition: number, shape: StreamShape): number[] {
  return Array.from({ length: shape.count }, (_, number) => number).filter(
    (number) => partitionOf(number, shape) === partition,
  );
}

/**
 * Reads the topic from the beginning with a fresh consumer group until `count` messages arrived, and
 * returns the numbers per partition in the order they were consumed.
 */
export async function readNumbers(
  client: Kafka,
  topic: string,
  { count, partitions }: StreamShape,
): Promise<number[][]> {
  const consumer = client.consumer({ groupId: `${topic}-reader-${Date.now()}` });
  const received: number[][] = Array.from({ length: partitions }, () => []);
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        received[partition]!.push(Number(message.value?.toString()));
      },
    });
    await eventually(
      () =>
        expect(received.reduce((total, numbers) => total + numbers.length, 0)).toBeGreaterThanOrEqual(count),
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    return received;
  } finally {
    await consumer.disconnect();
  }
}

/**
 * Each partition's high watermark: how many records its log holds (no transactions, so no control
 * records). A producer retry that wrote a batch twice would show here even if a reader missed it.
 */
export async function recordsPerPartition(admin: Admin, topic: string): Promise<number[]> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.sort((a, b) => a.partition - b.partition).map((each) => Number(each.high));
}

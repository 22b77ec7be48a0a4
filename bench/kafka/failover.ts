import type { Kafka } from 'kafkajs';
import { waitUntil, type Probe } from '../../shared/src/ensemble/index.ts';
import type { LocalKafka } from '../../shared/src/kafka/index.ts';
import { percentile } from '../lib/stats.ts';
import { partitionLeadership } from './kafka-bench-cluster.ts';

export type BrokerExit = 'SIGKILL' | 'SIGTERM';

/**
 * How long the cluster is without a controller when the controller's broker goes: from the signal to
 * a new /controller znode held by another broker. After SIGKILL the old /controller stays until the
 * dead broker's ZooKeeper session expires; after SIGTERM the broker first moves its partitions away
 * (controlled shutdown), then closes its session, which deletes /controller at once. The broker is
 * restarted afterwards, so the cluster is whole for the next measurement.
 */
export async function controllerFailover(kafka: LocalKafka, exit: BrokerExit): Promise<number> {
  const before = await kafka.waitForController();
  const signalledAt = performance.now();
  const exited = exit === 'SIGKILL' ? kafka.kill(before.brokerId) : kafka.stop(before.brokerId);
  await waitUntil(
    `a controller other than broker ${before.brokerId}`,
    async (): Promise<Probe<true>> => {
      const now = await kafka.controller().catch(() => undefined);
      if (now && now.brokerId !== before.brokerId) return { done: true, value: true };
      return { done: false, observed: now ? `broker ${now.brokerId}` : 'no /controller' };
    },
    { timeoutMs: 60_000, intervalMs: 10 },
  );
  const failoverMs = performance.now() - signalledAt;
  await exited;
  await kafka.restart(before.brokerId);
  return failoverMs;
}

export interface PartitionFailover {
  readonly partition: number;
  readonly victim: number;
  /** Sends of one batch to the partition while nothing fails: median and p99 of their latency. */
  readonly steadyMedianMs: number;
  readonly steadyP99Ms: number;
  /** From the SIGKILL of the partition's leader to the first send begun after it being acknowledged. */
  readonly failoverMs: number;
  /** The longest single send of the run: the one that waited out the failover. */
  readonly longestSendMs: number;
}

export interface PartitionFailoverWorkload {
  readonly warmupSends: number;
  readonly steadySends: number;
  readonly batchSize: number;
}

/**
 * One partition, one idempotent acks=all producer sending one batch at a time, as an application
 * that waits for each write would: first its latency in steady state, then the same stream while the
 * partition's leader (never the controller, so that only the partition fails over) is SIGKILLed. Each
 * send names one partition: kafkajs 2.2 loses track of a partition that moves, mid-send, to a broker
 * that already answered for another partition of the same send.
 */
export async function partitionFailover(
  kafka: LocalKafka,
  client: Kafka,
  topic: string,
  partitions: number,
  workload: PartitionFailoverWorkload,
): Promise<PartitionFailover> {
  const controller = await kafka.waitForController();
  const leaders = await Promise.all(
    Array.from(
      { length: partitions },
      async (_, partition) => (await partitionLeadership(kafka, topic, partition)).leader,
    ),
  );
  const partition = leaders.findIndex((leader) => leader !== controller.brokerId);
  if (partition < 0) throw new Error(`every partition of ${topic} is led by the controller`);
  const victim = leaders[partition]!;

  const producer = client.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    // Retries outlast the dead leader's session (6 s) in small steps, so the time measured is the
    // cluster's failover and not the producer's backoff.
    retry: { initialRetryTime: 50, maxRetryTime: 500, retries: 100 },
  });
  await producer.connect();
  const messages = Array.from({ length: workload.batchSize }, (_, index) => ({
    partition,
    value: String(index),
  }));
  const timedSend = async (): Promise<{ startedAt: number; endedAt: number }> => {
    const startedAt = performance.now();
    await producer.send({ topic, acks: -1, messages });
    return { startedAt, endedAt: performance.now() };
  };
  try {
    for (let sent = 0; sent < workload.warmupSends; sent++) await timedSend();
    const steady: number[] = [];
    for (let sent = 0; sent < workload.steadySends; sent++) {
      const send = await timedSend();
      steady.push(send.endedAt - send.startedAt);
    }

    // The same stream; the leader dies a few sends in, and the stream ends a few sends after the
    // first one that began after the kill.
    const KILL_AFTER = 5;
    const AFTER_RECOVERY = 5;
    let killedAt = 0;
    let killing: Promise<void> | undefined;
    const sends: { startedAt: number; endedAt: number }[] = [];
    while (sends.filter((send) => killing && send.startedAt >= killedAt).length < AFTER_RECOVERY) {
      if (sends.length === KILL_AFTER) {
        killedAt = performance.now();
        killing = kafka.kill(victim);
      }
      sends.push(await timedSend());
    }
    await killing;
    const recovered = sends.find((send) => send.startedAt >= killedAt)!;
    return {
      partition,
      victim,
      steadyMedianMs: percentile(steady, 50),
      steadyP99Ms: percentile(steady, 99),
      failoverMs: recovered.endedAt - killedAt,
      longestSendMs: Math.max(...sends.map((send) => send.endedAt - send.startedAt)),
    };
  } finally {
    await producer.disconnect();
    await kafka.restart(victim);
  }
}

import { Kafka, logLevel, type Admin } from 'kafkajs';
import {
  deleteRecursive,
  ensurePath,
  formatServer,
  parseConnectString,
  ZooKeeperClient,
} from '../../shared/src/client/index.ts';
import { waitUntil, type Probe } from '../../shared/src/ensemble/index.ts';
import { LocalKafka } from '../../shared/src/kafka/index.ts';

/** The three brokers every kafka workload runs on, and the clients that talk to them. */
export interface KafkaBenchCluster {
  readonly kafka: LocalKafka;
  readonly client: Kafka;
  readonly admin: Admin;
  close(): Promise<void>;
}

/**
 * Starts three Kafka 3.9 brokers on the bench's ensemble, under a chroot of their own so that nothing
 * they write outlives the run or meets another suite's nodes. Settings are LocalKafka's (6 s ZooKeeper
 * session, small heaps) plus min.insync.replicas 2, as a durable cluster would run.
 */
export async function startKafkaBenchCluster(ensembleConnectString: string): Promise<KafkaBenchCluster> {
  const { servers, chroot: ensembleChroot } = parseConnectString(ensembleConnectString);
  const zooKeeperConnect = servers.map(formatServer).join(',');
  const chroot = `${ensembleChroot ?? ''}/zk-cookbook-bench/kafka-${Date.now()}`;
  const root = await ZooKeeperClient.connect(zooKeeperConnect, { logger: {} });
  try {
    await ensurePath(root, chroot, { parentMode: 'persistent' });
  } finally {
    await root.close();
  }
  const kafka = await LocalKafka.start({
    zooKeeperConnect,
    chroot,
    brokers: 3,
    brokerConfig: { 'min.insync.replicas': 2, 'auto.create.topics.enable': false },
  });
  const client = new Kafka({
    clientId: 'zk-cookbook-bench',
    brokers: kafka.bootstrapServers.split(','),
    logLevel: logLevel.NOTHING,
  });
  const admin = client.admin();
  await admin.connect();
  return {
    kafka,
    client,
    admin,
    async close() {
      await admin.disconnect();
      await kafka.close();
      const cleaner = await ZooKeeperClient.connect(zooKeeperConnect, { logger: {} });
      try {
        await deleteRecursive(cleaner, chroot);
      } finally {
        await cleaner.close();
      }
    },
  };
}

/**
 * Creates a topic with three replicas and waits until every partition has a leader. A fresh cluster
 * may refuse the first request (the controller is still loading), so it is repeated until it lands.
 */
export async function createBenchTopic(admin: Admin, topic: string, partitions: number): Promise<void> {
  await waitUntil(
    `topic ${topic} created with a leader for each of its ${partitions} partitions`,
    async (): Promise<Probe<true>> => {
      try {
        await admin.createTopics({
          topics: [{ topic, numPartitions: partitions, replicationFactor: 3 }],
          waitForLeaders: true,
          timeout: 10_000,
        });
      } catch (error) {
        const nested = (error as { errors?: { type?: string }[] }).errors ?? [];
        if (!nested.every((each) => each.type === 'TOPIC_ALREADY_EXISTS'))
          return { done: false, observed: (error as Error).message };
      }
      const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
      const led = metadata?.partitions.filter((partition) => partition.leader >= 0).length ?? 0;
      if (led === partitions) return { done: true, value: true };
      return { done: false, observed: `${led} of ${partitions} partitions have a leader` };
    },
    { timeoutMs: 90_000, intervalMs: 500 },
  );
}

/** The leader and ISR the controller last wrote for a partition. */
export async function partitionLeadership(
  kafka: LocalKafka,
  topic: string,
  partition: number,
): Promise<{ leader: number; isr: number[] }> {
  const { data } = await kafka.zooKeeper.getData(`/brokers/topics/${topic}/partitions/${partition}/state`);
  return JSON.parse(data.toString('utf8')) as { leader: number; isr: number[] };
}

/** Waits until every partition of the topic has all three brokers in its ISR: the cluster is whole. */
export async function waitForFullIsr(kafka: LocalKafka, topic: string, partitions: number): Promise<void> {
  await waitUntil(
    `every partition of ${topic} with three in-sync replicas`,
    async (): Promise<Probe<true>> => {
      const states = await Promise.all(
        Array.from({ length: partitions }, (_, partition) => partitionLeadership(kafka, topic, partition)),
      );
      const short = states.filter((state) => state.isr.length < 3).length;
      if (short === 0) return { done: true, value: true };
      return { done: false, observed: `${short} partition(s) under-replicated` };
    },
    { timeoutMs: 90_000, intervalMs: 250 },
  );
}

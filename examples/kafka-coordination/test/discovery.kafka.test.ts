import { ZooKeeperClient } from '@zk-cookbook/core/client';
import { LocalEnsemble } from '@zk-cookbook/core/ensemble';
import { LocalKafka } from '@zk-cookbook/core/kafka';
import { eventually } from '@zk-cookbook/core/testing';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTopicWhenReady } from './create-topic.ts';
import { BrokerDirectory, type DiscoveredBroker } from '../src/discovery/broker-directory.ts';

const TOPIC = 'discovered';
const COUNT = 200;

describe('kafkajs clients that find their brokers in /brokers/ids', () => {
  let ensemble: LocalEnsemble;
  let kafka: LocalKafka;
  let zooKeeper: ZooKeeperClient;
  let directory: BrokerDirectory;

  beforeAll(async () => {
    ensemble = await LocalEnsemble.start({ servers: 1, tickTimeMs: 200 });
    kafka = await LocalKafka.start({ zooKeeperConnect: ensemble.connectString, brokers: 3 });
    zooKeeper = await ZooKeeperClient.connect(kafka.zooKeeperConnect);
    directory = await BrokerDirectory.open(zooKeeper);
  });

  afterAll(async () => {
    directory?.close();
    await zooKeeper?.close();
    await kafka?.close();
    await ensemble?.close();
  });

  it('lists every registered broker with its listener, and follows one leaving and coming back', async () => {
    expect(directory.bootstrapServers().sort()).toEqual(kafka.bootstrapServers.split(',').sort());
    const changes: (readonly DiscoveredBroker[])[] = [];
    directory.on('change', (brokers) => changes.push(brokers));

    await kafka.kill(3);
    await eventually(() => expect(directory.current.map((broker) => broker.id)).toEqual([1, 2]), {
      timeoutMs: 30_000,
      intervalMs: 100,
    });
    await kafka.restart(3);
    await eventually(() => expect(directory.current.map((broker) => broker.id)).toEqual([1, 2, 3]), {
      timeoutMs: 10_000,
      intervalMs: 50,
    });
    // Learned from watch events, not by polling: one change for the departure, one for the return.
    expect(changes.map((brokers) => brokers.map((broker) => broker.id))).toEqual([
      [1, 2],
      [1, 2, 3],
    ]);
  });

  it('produces and consumes through the discovered brokers: every number once, in order', async () => {
    const client = new Kafka({
      clientId: 'discovery-test',
      brokers: directory.bootstrapServers,
      logLevel: logLevel.NOTHING,
    });
    const admin = client.admin();
    await admin.connect();
    await createTopicWhenReady(admin, TOPIC, { partitions: 1, replicationFactor: 3 });
    await admin.disconnect();

    const producer = client.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (let start = 0; start < COUNT; start += 50) {
      const messages = Array.from({ length: 50 }, (_, index) => ({ value: String(start + index) }));
      await producer.send({ topic: TOPIC, acks: -1, messages });
    }
    await producer.disconnect();

    const consumer = client.consumer({ groupId: 'discovery-test' });
    const received: number[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        received.push(Number(message.value?.toString()));
      },
    });
    try {
      await eventually(() => expect(received).toHaveLength(COUNT), { timeoutMs: 30_000, intervalMs: 100 });
      expect(received).toEqual(Array.from({ length: COUNT }, (_, index) => index));
    } finally {
      await consumer.disconnect();
    }
  });
});

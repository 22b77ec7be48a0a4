import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ZooKeeperClient } from '@zk-cookbook/core/client';
import { LocalEnsemble } from '@zk-cookbook/core/ensemble';
import { LocalKafka } from '@zk-cookbook/core/kafka';
import { eventually } from '@zk-cookbook/core/testing';
import { ConfigResourceTypes, Kafka, logLevel, type Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTopicWhenReady } from './create-topic.ts';
import { inspectKafkaCluster, type KafkaClusterView } from '../src/inspector/inspect-cluster.ts';

const TOPIC = 'inspected';
const inspectMain = fileURLToPath(new URL('../src/inspect-main.ts', import.meta.url));
const run = promisify(execFile);

// One ensemble and one three-broker cluster for the file; each test leaves all three registered.
describe('the inspector on a real Kafka 3.9 cluster', () => {
  let ensemble: LocalEnsemble;
  let kafka: LocalKafka;
  let zooKeeper: ZooKeeperClient;
  let admin: Admin;

  beforeAll(async () => {
    ensemble = await LocalEnsemble.start({ servers: 1, tickTimeMs: 200 });
    kafka = await LocalKafka.start({ zooKeeperConnect: ensemble.connectString, brokers: 3 });
    zooKeeper = await ZooKeeperClient.connect(kafka.zooKeeperConnect);
    admin = new Kafka({
      clientId: 'inspector-test',
      brokers: kafka.bootstrapServers.split(','),
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    await createTopicWhenReady(admin, TOPIC, { partitions: 3, replicationFactor: 3 });
  });

  afterAll(async () => {
    await admin?.disconnect();
    await zooKeeper?.close();
    await kafka?.close();
    await ensemble?.close();
  });

  const inspect = (): Promise<KafkaClusterView> => inspectKafkaCluster(zooKeeper);

  it('decodes brokers, controller, cluster id and partition state without a schema complaint', async () => {
    const view = await inspect();
    expect(view.issues).toEqual([]);
    expect(view.clusterId).toMatch(/^[\w-]{22}$/);
    expect(view.brokers.map((broker) => broker.id)).toEqual([1, 2, 3]);
    for (const broker of view.brokers) {
      expect(broker.registration.endpoints).toEqual([`PLAINTEXT://${kafka.broker(broker.id).address}`]);
      expect(broker.brokerEpoch).toBe((await kafka.registration(broker.id))?.czxid.toString());
    }
    expect(view.controller).toMatchObject((await kafka.controller())!);

    const topic = view.topics.find((each) => each.name === TOPIC);
    expect(topic?.topicId).toMatch(/^[\w-]{22}$/);
    expect(topic?.partitions.map((each) => each.partition)).toEqual([0, 1, 2]);
    for (const partition of topic!.partitions) {
      expect([...partition.replicas].sort()).toEqual([1, 2, 3]);
      expect([...partition.isr].sort()).toEqual([1, 2, 3]);
      expect(partition.isr).toContain(partition.leader);
      expect(partition.underReplicated).toBe(false);
    }
  });

  it('prints the same view from the command line, and exits 0 when every znode decodes', async () => {
    const controller = (await kafka.controller())!;
    const { stdout } = await run(process.execPath, [
      '--conditions=zk-cookbook-source',
      '--import',
      'tsx',
      inspectMain,
      '--connect',
      kafka.zooKeeperConnect,
    ]);
    expect(stdout).toContain(
      `controller: broker ${controller.brokerId}, epoch ${controller.epoch} (/controller_epoch zkVersion ${controller.epochZkVersion})`,
    );
    for (const partition of [0, 1, 2])
      expect(stdout).toMatch(new RegExp(`^  ${TOPIC}-${partition}  \\[`, 'm'));
    expect(stdout).toContain('schema issues: none');
  });

  it('shows a dead broker leave /brokers/ids, its partitions get new leaders from the ISR, and the ISR grow back when it returns', async () => {
    const before = await inspect();
    const controllerId = before.controller!.brokerId;
    // A broker other than the controller that leads a partition: its death is a partition failover only.
    const led = before.topics
      .find((each) => each.name === TOPIC)!
      .partitions.find((each) => each.leader !== controllerId)!;
    const victim = led.leader;
    await kafka.kill(victim);

    const failedOver = await eventually(
      async () => {
        const view = await inspect();
        const partition = view.topics.find((each) => each.name === TOPIC)!.partitions[led.partition]!;
        expect(view.brokers.map((broker) => broker.id)).not.toContain(victim);
        expect(partition.leader).not.toBe(victim);
        expect(partition.isr).not.toContain(victim);
        return partition;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(led.isr).toContain(failedOver.leader);
    expect(failedOver.leaderEpoch).toBeGreaterThan(led.leaderEpoch);
    expect(failedOver.underReplicated).toBe(true);
    // The state was rewritten by the same controller: same controller epoch, a newer zkVersion.
    expect(failedOver.controllerEpoch).toBe(before.controller!.epoch);
    expect(failedOver.stateZkVersion).toBeGreaterThan(led.stateZkVersion);

    await kafka.restart(victim);
    await eventually(
      async () => {
        const view = await inspect();
        const partition = view.topics.find((each) => each.name === TOPIC)!.partitions[led.partition]!;
        expect([...partition.isr].sort()).toEqual([1, 2, 3]);
        expect(view.brokers.map((broker) => broker.id)).toEqual([1, 2, 3]);
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
  });

  it('reports a new controller one epoch up when the controller broker is killed', async () => {
    const before = (await inspect()).controller!;
    await kafka.kill(before.brokerId);
    const after = await eventually(
      async () => {
        const controller = (await inspect()).controller;
        expect(controller?.brokerId).toBeDefined();
        expect(controller?.brokerId).not.toBe(before.brokerId);
        return controller!;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    expect(after.epoch).toBe(before.epoch + 1);
    expect(after.epochZkVersion).toBe(before.epochZkVersion + 1);
    await kafka.restart(before.brokerId);
    await eventually(
      async () => expect((await inspect()).brokers.map((broker) => broker.id)).toEqual([1, 2, 3]),
      {
        timeoutMs: 10_000,
      },
    );
  });

  it('shows a topic configuration change as a sequential notification naming the topic', async () => {
    const before = await inspect();
    // After the controller test, the shared admin may hold metadata fetched while no broker knew the
    // controller (id -1), which kafkajs keeps for minutes and cannot route an alterConfigs with. A
    // fresh admin per attempt reads fresh metadata; the change is idempotent, so a retry is harmless.
    await eventually(
      async () => {
        const fresh = new Kafka({
          clientId: 'inspector-test-config',
          brokers: kafka.bootstrapServers.split(','),
          logLevel: logLevel.NOTHING,
          retry: { retries: 0 },
        }).admin();
        await fresh.connect();
        try {
          await fresh.alterConfigs({
            validateOnly: false,
            resources: [
              {
                type: ConfigResourceTypes.TOPIC,
                name: TOPIC,
                configEntries: [{ name: 'retention.ms', value: '3600000' }],
              },
            ],
          });
        } finally {
          await fresh.disconnect();
        }
      },
      { timeoutMs: 20_000, intervalMs: 250 },
    );
    const view = await eventually(
      async () => {
        const now = await inspect();
        expect(now.configChanges.length).toBeGreaterThan(before.configChanges.length);
        return now;
      },
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    expect(view.configChanges.at(-1)?.entityPath).toBe(`topics/${TOPIC}`);
    const { data } = await zooKeeper.getData(`/config/topics/${TOPIC}`);
    expect(JSON.parse(data.toString('utf8'))).toMatchObject({ config: { 'retention.ms': '3600000' } });
    expect(view.issues).toEqual([]);
  });
});

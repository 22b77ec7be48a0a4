import { LocalEnsemble, sessionPasswordOf } from '@zk-cookbook/core/ensemble';
import { LocalKafka } from '@zk-cookbook/core/kafka';
import { eventually } from '@zk-cookbook/core/testing';
import { ConfigResourceTypes, Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTopicWhenReady } from './create-topic.ts';
import {
  duration,
  expectedNumbers,
  NumberedStream,
  readNumbers,
  recordsPerPartition,
  type StreamShape,
} from './numbered-stream.ts';
import { readPartitionState, readPartitionStates, sortedIsr } from './partition-state.ts';

const ALL_BROKERS = [1, 2, 3];
const STREAM: StreamShape = { count: 2_000, batchSize: 20, partitions: 3 };
// The fault lands once a quarter of the stream is through, so sends run before, during and after it.
const FAULT_AFTER = STREAM.count / 4;

// Retries must outlast a dead leader's ZooKeeper session (6 s) plus the controller's reaction; small
// steps, so that the failover the producer reports is the cluster's and not the backoff's.
const PRODUCER_RETRY = { initialRetryTime: 100, maxRetryTime: 1_000, retries: 40 };

// One 3-server ensemble (so its leader can be killed) and three brokers, started once for the file;
// each test creates its own topic and leaves every broker registered and every server serving.
describe('a Kafka 3.9 cluster under faults: a partition leader, a broker session, the ZooKeeper leader', () => {
  let ensemble: LocalEnsemble;
  let kafka: LocalKafka;
  let client: Kafka;
  let admin: Admin;

  beforeAll(async () => {
    ensemble = await LocalEnsemble.start({ servers: 3, tickTimeMs: 200 });
    kafka = await LocalKafka.start({
      zooKeeperConnect: ensemble.connectString,
      brokers: 3,
      // What a durable cluster sets: an acks=all write is on at least two brokers, so one broker's
      // death loses no acknowledged message and does not stop writes.
      brokerConfig: { 'min.insync.replicas': 2, 'auto.create.topics.enable': false },
    });
    client = new Kafka({
      clientId: 'real-broker-faults',
      brokers: kafka.bootstrapServers.split(','),
      logLevel: logLevel.NOTHING,
    });
    admin = client.admin();
    await admin.connect();
  });

  // A test that fails half-way must not hand the next one a broken cluster (a topic with three
  // replicas cannot even be created while a broker is down): bring back whatever is not running.
  afterEach(async () => {
    for (const member of ensemble.members) {
      if (member.state === 'paused') await member.resume();
      if (member.state === 'stopped') await ensemble.restart(member.id);
    }
    for (const broker of kafka.brokers) {
      if (broker.state === 'paused') await broker.resume();
      if (broker.state === 'stopped') await kafka.restart(broker.id);
    }
  });

  afterAll(async () => {
    await admin?.disconnect();
    await kafka?.close();
    await ensemble?.close();
  });

  async function createTopic(topic: string): Promise<void> {
    await createTopicWhenReady(admin, topic, { partitions: STREAM.partitions, replicationFactor: 3 });
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['min.insync.replicas'] }],
    });
    expect(resources[0]?.configEntries[0]?.configValue).toBe('2');
  }

  async function openProducer(): Promise<Producer> {
    const producer = client.producer({ idempotent: true, maxInFlightRequests: 1, retry: PRODUCER_RETRY });
    await producer.connect();
    return producer;
  }

  /** Every number once, in order, in its partition: in the log (record counts) and as consumed. */
  async function expectEveryNumberOnceInOrder(topic: string): Promise<void> {
    const perPartition = Array.from({ length: STREAM.partitions }, (_, partition) =>
      expectedNumbers(partition, STREAM),
    );
    expect(await recordsPerPartition(admin, topic)).toEqual(perPartition.map((numbers) => numbers.length));
    expect(await readNumbers(client, topic, STREAM)).toEqual(perPartition);
  }

  it('replaces a SIGKILLed partition leader from the ISR mid-stream; the ISR shrinks, regrows on restart, and the idempotent producer loses and repeats nothing', async () => {
    const topic = 'leader-killed';
    await createTopic(topic);
    const controller = await kafka.waitForController();
    // A partition led by another broker than the controller: its leader's death is a partition
    // failover only (the controller's own death is inspector.kafka.test.ts's case).
    const states = await readPartitionStates(kafka.zooKeeper, topic, STREAM.partitions);
    const partition = states.findIndex((state) => state.leader !== controller.brokerId);
    expect(partition, 'some partition is led by a broker other than the controller').toBeGreaterThanOrEqual(
      0,
    );
    const before = states[partition]!;
    const victim = before.leader;
    expect(sortedIsr(before)).toEqual(ALL_BROKERS);

    const producer = await openProducer();
    const stream = new NumberedStream(producer, topic, STREAM);
    let killedAt = 0;
    let stateMovedMs = 0;
    try {
      const [, failedOver] = await Promise.all([
        stream.run(),
        (async () => {
          await eventually(() => expect(stream.acknowledged).toBeGreaterThanOrEqual(FAULT_AFTER), {
            timeoutMs: 30_000,
          });
          killedAt = performance.now();
          await kafka.kill(victim);
          const state = await eventually(
            async () => {
              const now = await readPartitionState(kafka.zooKeeper, topic, partition);
              expect(now.leader).not.toBe(victim);
              expect(now.isr).not.toContain(victim);
              return now;
            },
            { timeoutMs: 30_000, intervalMs: 50 },
          );
          stateMovedMs = performance.now() - killedAt;
          return state;
        })(),
      ]);
      // The new leader came from the old ISR, one leader epoch up, written by the same controller.
      expect(before.isr).toContain(failedOver.leader);
      expect(sortedIsr(failedOver)).toEqual(ALL_BROKERS.filter((id) => id !== victim));
      expect(failedOver.leader_epoch).toBeGreaterThan(before.leader_epoch);
      expect(failedOver.controller_epoch).toBe(controller.epoch);
    } finally {
      await producer.disconnect();
    }
    // The producer stalled on the dead leader and resumed only after the failover.
    const longest = stream.longestSend();
    expect(longest.endedAt).toBeGreaterThan(killedAt);
    const recoveredMs = stream.recoveredAfter(killedAt);
    expect(recoveredMs).toBeDefined();
    console.log(
      `partition ${topic}-${partition}: leader ${victim} SIGKILLed → new leader ${
        (await readPartitionState(kafka.zooKeeper, topic, partition)).leader
      } in the state znode after ${Math.round(stateMovedMs)} ms; the producer's first send begun after ` +
        `the kill acknowledged after ${Math.round(recoveredMs!)} ms, longest send ${Math.round(duration(longest))} ms`,
    );

    await kafka.restart(victim);
    await eventually(
      async () =>
        expect(sortedIsr(await readPartitionState(kafka.zooKeeper, topic, partition))).toEqual(ALL_BROKERS),
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    await expectEveryNumberOnceInOrder(topic);
  });

  it('re-registers a broker whose ZooKeeper session is expired with a new broker epoch, and the controller takes its replicas offline and back without a restart', async () => {
    const topic = 'session-expired';
    await createTopic(topic);
    const controller = await kafka.waitForController();
    const victim = kafka.brokers.find((broker) => broker.id !== controller.brokerId)!;
    const pid = victim.pid;
    const registration = (await kafka.registration(victim.id))!;
    const statesBefore = await eventually(async () => {
      const states = await readPartitionStates(kafka.zooKeeper, topic, STREAM.partitions);
      for (const state of states) expect(sortedIsr(state)).toEqual(ALL_BROKERS);
      return states;
    });
    const controllerLogBefore = kafka.broker(controller.brokerId).logTail(Number.MAX_SAFE_INTEGER).length;

    // The broker's session, as another process would see it: the owner of its registration node.
    // Its password is not secret (see sessionPasswordOf), so a test can end the session for real.
    const sessionId = registration.ephemeralOwner;
    const expiredAt = performance.now();
    await ensemble.expireSession({ sessionId, sessionPassword: sessionPasswordOf(sessionId) });
    const reRegistered = await kafka.waitForRegistration(victim.id, {
      previousEpoch: registration.czxid,
      timeoutMs: 30_000,
    });
    const reRegisteredMs = performance.now() - expiredAt;

    // A new session and a new broker epoch (KIP-380), from the same process: nothing restarted.
    expect(reRegistered.czxid).toBeGreaterThan(registration.czxid);
    expect(reRegistered.ephemeralOwner).not.toBe(sessionId);
    expect(victim.pid).toBe(pid);
    expect(victim.state).toBe('running');
    // The controller did not move: only the controller watches /brokers/ids, and it stayed.
    expect(await kafka.controller()).toEqual(controller);

    // The controller took the broker's replicas offline (onBrokerFailure, for a dead or a bounced
    // broker alike): every partition's state rewritten one leader epoch up, and a partition it led
    // handed to another ISR member.
    const handled = await eventually(
      async () => {
        const states = await readPartitionStates(kafka.zooKeeper, topic, STREAM.partitions);
        states.forEach((state, partition) => {
          const earlier = statesBefore[partition]!;
          expect(state.leader_epoch).toBeGreaterThan(earlier.leader_epoch);
          expect(state.controller_epoch).toBe(controller.epoch);
          if (earlier.leader === victim.id) expect(state.leader).not.toBe(victim.id);
        });
        return states;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    // Its log says how it saw it: a death and a return (the controller read /brokers/ids before the
    // broker had re-registered: what every run here saw, the re-registration taking 0.4-0.8 s), or a
    // bounce (already back, with a greater czxid: KafkaController.processBrokerChange's epoch check).
    const controllerLog = kafka
      .broker(controller.brokerId)
      .logTail(Number.MAX_SAFE_INTEGER)
      .slice(controllerLogBefore);
    const listed = (kind: string) =>
      [...controllerLog.matchAll(new RegExp(`${kind} brokers: ([\\d,]*)`, 'g'))].some((match) =>
        match[1]!.split(',').includes(String(victim.id)),
      );
    const bounced = listed('bounced');
    expect(bounced || (listed('deleted') && listed('Newly added'))).toBe(true);

    // Once it has caught up, the leaders take it back into every ISR.
    await eventually(
      async () => {
        for (const state of await readPartitionStates(kafka.zooKeeper, topic, STREAM.partitions))
          expect(sortedIsr(state)).toEqual(ALL_BROKERS);
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    console.log(
      `broker ${victim.id}'s session expired → re-registered after ${Math.round(reRegisteredMs)} ms, broker epoch ` +
        `${registration.czxid} → ${reRegistered.czxid}; the controller saw ${bounced ? 'a bounce' : 'a death and a return'}; ` +
        `leader epochs ${statesBefore.map((state) => state.leader_epoch).join(',')} → ${handled
          .map((state) => state.leader_epoch)
          .join(',')}`,
    );
  });

  it('keeps producing and consuming when the ZooKeeper leader is killed under it; nothing is lost and no broker loses its session', async () => {
    const topic = 'zookeeper-leader-killed';
    await createTopic(topic);
    const controller = await kafka.waitForController();
    const epochsBefore = await Promise.all(
      ALL_BROKERS.map(async (id) => (await kafka.registration(id))!.czxid),
    );
    const zooKeeperLeader = await ensemble.waitForQuorum();

    const producer = await openProducer();
    const stream = new NumberedStream(producer, topic, STREAM);
    let killedAt = 0;
    let quorumAt = 0;
    try {
      const [, newLeader] = await Promise.all([
        stream.run(),
        (async () => {
          await eventually(() => expect(stream.acknowledged).toBeGreaterThanOrEqual(FAULT_AFTER), {
            timeoutMs: 30_000,
          });
          killedAt = performance.now();
          await ensemble.kill(zooKeeperLeader.id);
          const leader = await ensemble.waitForQuorum({ timeoutMs: 30_000 });
          quorumAt = performance.now();
          return leader;
        })(),
      ]);
      expect(newLeader.id).not.toBe(zooKeeperLeader.id);
      // Writes went on while ZooKeeper had no leader: the data path does not touch ZooKeeper.
      expect(stream.acknowledgedBetween(killedAt, quorumAt)).toBeGreaterThan(0);
      await expectEveryNumberOnceInOrder(topic);
      // The brokers' sessions moved to the surviving servers: same registrations, same controller.
      const epochsAfter = await eventually(() =>
        Promise.all(ALL_BROKERS.map(async (id) => (await kafka.registration(id))!.czxid)),
      );
      expect(epochsAfter).toEqual(epochsBefore);
      expect(await kafka.controller()).toEqual(controller);
    } finally {
      await producer.disconnect();
      await ensemble.restart(zooKeeperLeader.id);
    }
    console.log(
      `ZooKeeper leader (server ${zooKeeperLeader.id}) SIGKILLed → a new quorum after ${Math.round(quorumAt - killedAt)} ms; ` +
        `${stream.acknowledgedBetween(killedAt, quorumAt)} sends acknowledged meanwhile, longest send ${Math.round(
          duration(stream.longestSend()),
        )} ms`,
    );
  });
});

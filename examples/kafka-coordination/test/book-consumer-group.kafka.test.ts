import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ZooKeeperClient } from '@zk-cookbook/core/client';
import { LocalEnsemble } from '@zk-cookbook/core/ensemble';
import { LocalKafka } from '@zk-cookbook/core/kafka';
import { eventually } from '@zk-cookbook/core/testing';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTopicWhenReady } from './create-topic.ts';
import { BookConsumer } from '../src/book-consumer-group/book-consumer.ts';
import type { ConsumerServiceState } from '../src/book-consumer-group/consumer-service.ts';
import {
  consumerGroupLayout,
  ConsumerRegistration,
} from '../src/book-consumer-group/consumer-group-layout.ts';
import { readPartitionOwners } from '../src/book-consumer-group/partition-ownership.ts';
import { rangeAssignment } from '../src/book-consumer-group/range-assignment.ts';
import { BrokerDirectory } from '../src/discovery/broker-directory.ts';

const TOPIC = 'book-orders';
const PARTITIONS = 6;
const GROUP = 'book-group';
const layout = consumerGroupLayout(GROUP);
const SESSION_TIMEOUT_MS = 4_000;
// How long after a member leaves (cleanly, or with its session) the others must be consuming its
// partitions: the watch, one stop-commit-release-claim round per member, and a kafkajs join.
const TAKEOVER_BOUND_MS = 10_000;
const PATTERN_DIRECTORY = fileURLToPath(new URL('../', import.meta.url));

interface Delivery {
  readonly member: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly value: number;
}

interface Member {
  readonly name: string;
  readonly client: ZooKeeperClient;
  readonly consumer: BookConsumer;
}

/** When each member was processing each partition: [start, end) in performance.now() time. */
class ProcessingTimeline {
  private readonly open = new Map<string, { partitions: number[]; since: number }>();
  readonly intervals: { member: string; partition: number; start: number; end: number }[] = [];

  record(member: string, partitions: number[]): void {
    const now = performance.now();
    const previous = this.open.get(member);
    for (const partition of previous?.partitions ?? [])
      this.intervals.push({ member, partition, start: previous!.since, end: now });
    this.open.set(member, { partitions, since: now });
  }

  /** Pairs of members that processed one partition at overlapping times. */
  overlaps(): string[] {
    const now = performance.now();
    const all = [...this.intervals];
    for (const [member, { partitions, since }] of this.open)
      for (const partition of partitions) all.push({ member, partition, start: since, end: now });
    const found: string[] = [];
    for (const a of all)
      for (const b of all)
        if (a.member < b.member && a.partition === b.partition && a.start < b.end && b.start < a.end)
          found.push(`partition ${a.partition}: ${a.member} and ${b.member}`);
    return found;
  }
}

describe('the book consumer group: members, owners and offsets in ZooKeeper, messages through kafkajs', () => {
  let ensemble: LocalEnsemble;
  let kafka: LocalKafka;
  let zooKeeper: ZooKeeperClient;
  let directory: BrokerDirectory;
  let kafkaClient: Kafka;
  let producer: Producer;
  let produced = 0;
  const deliveries: Delivery[] = [];
  const timeline = new ProcessingTimeline();
  const members = new Map<string, Member>();
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    ensemble = await LocalEnsemble.start({ servers: 1, tickTimeMs: 200 });
    kafka = await LocalKafka.start({ zooKeeperConnect: ensemble.connectString, brokers: 3 });
    zooKeeper = await ZooKeeperClient.connect(kafka.zooKeeperConnect);
    directory = await BrokerDirectory.open(zooKeeper);
    kafkaClient = new Kafka({
      clientId: 'book-consumer-test',
      brokers: directory.bootstrapServers,
      logLevel: logLevel.NOTHING,
    });
    const admin = kafkaClient.admin();
    await admin.connect();
    await createTopicWhenReady(admin, TOPIC, { partitions: PARTITIONS, replicationFactor: 2 });
    await admin.disconnect();
    producer = kafkaClient.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
  });

  afterAll(async () => {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const member of members.values()) {
      await member.consumer.close().catch(() => {});
      await member.client.close();
    }
    await producer?.disconnect();
    directory?.close();
    await zooKeeper?.close();
    await kafka?.close();
    await ensemble?.close();
  });

  async function startMember(name: string): Promise<Member> {
    const client = await ZooKeeperClient.connect(kafka.zooKeeperConnect, {
      sessionTimeoutMs: SESSION_TIMEOUT_MS,
    });
    const consumer = new BookConsumer({
      client,
      kafka: kafkaClient,
      group: GROUP,
      topic: TOPIC,
      consumerId: `${GROUP}_${name}`,
      commitIntervalMs: 300,
      process: ({ partition, offset, value }) => {
        deliveries.push({ member: name, partition, offset, value: Number(value?.toString()) });
      },
    });
    consumer.on('consuming', (partitions) => timeline.record(name, partitions));
    const member = { name, client, consumer };
    members.set(name, member);
    await consumer.start();
    return member;
  }

  /** Numbers produced so far, each to partition (number mod 6), acknowledged by all replicas. */
  async function produce(count: number): Promise<void> {
    const messages = Array.from({ length: count }, (_, index) => produced + index);
    await producer.send({
      topic: TOPIC,
      acks: -1,
      messages: messages.map((value) => ({ partition: value % PARTITIONS, value: String(value) })),
    });
    produced += count;
  }

  /** Produces in the background until stopped: consumption has to go on through a rebalance. */
  function keepProducing(): () => Promise<void> {
    let running = true;
    const loop = (async () => {
      while (running) {
        await produce(PARTITIONS * 2);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    })();
    return async () => {
      running = false;
      await loop;
    };
  }

  const live = (): Member[] => [...members.values()];

  /** Every member consuming its range share, and the owner nodes saying exactly that. */
  async function expectBalanced(expectedMembers: readonly Member[]): Promise<void> {
    const sessions = new Map(expectedMembers.map((member) => [member.client.sessionId, member]));
    const owners = await readPartitionOwners(zooKeeper, layout, TOPIC);
    expect([...owners.keys()].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    const expected = rangeAssignment(
      [0, 1, 2, 3, 4, 5],
      expectedMembers.map((member) => ({ consumerId: member.consumer.consumerId, thread: 0 })),
    );
    for (const member of expectedMembers) {
      const state = member.consumer.state;
      expect(state.consuming).toBe(true);
      expect(state.owned.map((each) => each.partition)).toEqual(expected.get(member.consumer.threadId));
    }
    for (const [partition, owner] of owners) {
      const member = sessions.get(owner.session);
      expect(member, `partition ${partition} is owned by a live member's session`).toBeDefined();
      expect(owner.threadId).toBe(member!.consumer.threadId);
      expect(member!.consumer.state.owned.map((each) => each.partition)).toContain(partition);
    }
  }

  async function expectEveryNumberConsumed(timeoutMs = 30_000): Promise<void> {
    await eventually(() => expect(new Set(deliveries.map((each) => each.value)).size).toBe(produced), {
      timeoutMs,
      intervalMs: 100,
    });
  }

  function duplicates(): number {
    return deliveries.length - new Set(deliveries.map((each) => each.value)).size;
  }

  /** Where the member that owns `partition` now began reading it: the offset it found in ZooKeeper. */
  function claimedAtOf(partition: number): bigint {
    const owned = live()
      .flatMap((member) => member.consumer.state.owned)
      .find((each) => each.partition === partition);
    expect(owned?.claimedAt, `partition ${partition} was claimed with a committed offset`).toBeDefined();
    return BigInt(owned!.claimedAt!);
  }

  const abandoned = (): number => live().reduce((sum, member) => sum + member.consumer.state.abandoned, 0);

  it('three members share six partitions two each, in the znode layout of the book', async () => {
    await Promise.all(['member-a', 'member-b', 'member-c'].map((name) => startMember(name)));
    await eventually(() => expectBalanced(live()), { timeoutMs: 30_000, intervalMs: 100 });
    // Range assignment over the sorted consumer ids: contiguous runs of partitions, in id order.
    expect(
      Object.fromEntries(
        live().map((member) => [member.name, member.consumer.state.owned.map((each) => each.partition)]),
      ),
    ).toEqual({ 'member-a': [0, 1], 'member-b': [2, 3], 'member-c': [4, 5] });

    // ids: one ephemeral per member, of its session, with its subscription as Kafka 0.8 wrote it.
    const { children: ids } = await zooKeeper.getChildren(layout.ids);
    expect(ids.sort()).toEqual(
      live()
        .map((member) => member.consumer.consumerId)
        .sort(),
    );
    for (const member of live()) {
      const { data, stat } = await zooKeeper.getData(layout.member(member.consumer.consumerId));
      expect(stat.ephemeralOwner).toBe(member.client.sessionId);
      const registration = ConsumerRegistration.parse(JSON.parse(data.toString('utf8')));
      expect(registration).toMatchObject({ version: 1, subscription: { [TOPIC]: 1 }, pattern: 'static' });
      expect(registration.timestamp).toMatch(/^\d+$/);
    }

    // offsets: persistent, the next offset to consume, written after the messages were processed.
    await produce(PARTITIONS * 20);
    await expectEveryNumberConsumed();
    await eventually(
      async () => {
        for (let partition = 0; partition < PARTITIONS; partition++) {
          const { data, stat } = await zooKeeper.getData(layout.offset(TOPIC, partition));
          expect(data.toString('utf8')).toBe('20');
          expect(stat.ephemeralOwner).toBe(0n);
        }
      },
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    expect(duplicates()).toBe(0);
  });

  it('a member that leaves cleanly hands its partitions on at its committed offsets, nothing lost', async () => {
    const deliveredBefore = deliveries.length;
    const stopProducing = keepProducing();
    await eventually(() => expect(deliveries.length).toBeGreaterThan(deliveredBefore + 60), {
      timeoutMs: 10_000,
    });
    const leaving = members.get('member-c')!;
    const itsPartitions = leaving.consumer.state.owned.map((each) => each.partition);
    const leftAt = performance.now();
    await leaving.consumer.close();
    const deliveredBeforeLeave = deliveries.length;
    await leaving.client.close();
    members.delete('member-c');
    await eventually(() => expectBalanced(live()), { timeoutMs: TAKEOVER_BOUND_MS, intervalMs: 50 });
    const rebalanceMs = Math.round(performance.now() - leftAt);
    const claimedAt = new Map(itsPartitions.map((partition) => [partition, claimedAtOf(partition)]));
    await eventually(
      () =>
        expect(
          deliveries.slice(deliveredBeforeLeave).filter((d) => itsPartitions.includes(d.partition)).length,
        ).toBeGreaterThan(20),
      { timeoutMs: 10_000 },
    );
    await stopProducing();
    await expectEveryNumberConsumed();

    // It committed what it had processed before it let go; the next owner read that and began there.
    for (const partition of itsPartitions) {
      const byIt = deliveries.filter((each) => each.member === 'member-c' && each.partition === partition);
      const afterLeave = deliveries
        .slice(deliveredBeforeLeave)
        .filter((each) => each.partition === partition);
      expect(afterLeave[0]?.member).not.toBe('member-c');
      expect(claimedAt.get(partition)).toBe(byIt.at(-1)!.offset + 1n);
      expect(afterLeave[0]?.offset).toBe(claimedAt.get(partition));
    }
    // At-least-once: a duplicate is a processed message whose offset a lost session never committed.
    // A clean leave commits before it releases, so there are none here.
    expect(abandoned()).toBe(0);
    expect(duplicates()).toBe(0);
    // Each new reader was sought to the owned position: nothing below it was fetched again.
    expect(live().map((member) => member.consumer.state.refetched)).toEqual([0, 0]);
    expect(timeline.overlaps()).toEqual([]);
    console.info(`clean leave → partitions consumed by the others again after ${rebalanceMs} ms`);
  });

  it('a member whose session expires loses its owner nodes at once; the others take over, it rejoins', async () => {
    const deliveredBefore = deliveries.length;
    const stopProducing = keepProducing();
    await eventually(() => expect(deliveries.length).toBeGreaterThan(deliveredBefore + 60), {
      timeoutMs: 10_000,
    });
    const victim = members.get('member-b')!;
    const survivor = members.get('member-a')!;
    const oldSession = victim.client.sessionId;
    const itsPartitions = victim.consumer.state.owned.map((each) => each.partition);
    const duplicatesBefore = duplicates();

    const expiredAt = performance.now();
    await ensemble.expireSession(victim.client);
    // Its ephemerals went with the session: no owner node (and no ids node) of the old session is left.
    const owners = await readPartitionOwners(zooKeeper, layout, TOPIC);
    expect([...owners.values()].filter((owner) => owner.session === oldSession)).toEqual([]);

    // The survivor takes the victim's partitions (while the victim is between sessions)...
    await eventually(
      async () => {
        const now = await readPartitionOwners(zooKeeper, layout, TOPIC);
        for (const partition of itsPartitions) expect(now.get(partition)?.session).not.toBe(oldSession);
        expect(now.size).toBe(PARTITIONS);
      },
      { timeoutMs: TAKEOVER_BOUND_MS, intervalMs: 50 },
    );
    const takeoverMs = Math.round(performance.now() - expiredAt);
    // ...and the victim registers again on its new session, and the two share the six again.
    await eventually(
      () => {
        expect(victim.client.sessionId).not.toBe(oldSession);
        return expectBalanced([survivor, victim]);
      },
      { timeoutMs: TAKEOVER_BOUND_MS + SESSION_TIMEOUT_MS, intervalMs: 50 },
    );
    const rejoinedMs = Math.round(performance.now() - expiredAt);
    await stopProducing();
    await expectEveryNumberConsumed();

    // Redelivered: at most what the victim had processed and not yet committed when it lost its session.
    expect(duplicates() - duplicatesBefore).toBeLessThanOrEqual(abandoned());
    expect(timeline.overlaps()).toEqual([]);
    console.info(
      `session expiry → owner nodes of the old session gone at once; all partitions owned again after ` +
        `${takeoverMs} ms; rebalanced with the member back after ${rejoinedMs} ms; ` +
        `${duplicates() - duplicatesBefore} redelivered (abandoned uncommitted: ${abandoned()})`,
    );
  });
  /** consumer-main.ts as a real process of its own, so that it can be SIGKILLed. */
  async function startConsumerProcess(instanceId: string): Promise<{ child: ChildProcess; url: string }> {
    const child = spawn(
      process.execPath,
      ['--conditions=zk-cookbook-source', '--import', 'tsx', 'src/consumer-main.ts'],
      {
        cwd: PATTERN_DIRECTORY,
        env: {
          ...process.env,
          LOG_LEVEL: 'info',
          KAFKA_ZOOKEEPER_CONNECT: kafka.zooKeeperConnect,
          CONSUMER_GROUP: GROUP,
          CONSUMER_TOPIC: TOPIC,
          INSTANCE_ID: instanceId,
          SESSION_TIMEOUT_MS: String(SESSION_TIMEOUT_MS),
          COMMIT_INTERVAL_MS: '300',
          PORT: '0',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.push(child);
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const url = await eventually(
      () => {
        expect(child.exitCode, output).toBeNull();
        const match = /"url":"(http:\/\/127\.0\.0\.1:\d+)"[^\n]*consumer listening/.exec(output);
        expect(match, 'the consumer process has not said where it listens').not.toBeNull();
        return match![1]!;
      },
      { timeoutMs: 60_000, intervalMs: 100 },
    );
    return { child, url };
  }

  async function serviceState(url: string): Promise<ConsumerServiceState> {
    return (await (await fetch(`${url}/api/state`)).json()) as ConsumerServiceState;
  }

  it('a member process killed with SIGKILL keeps its partitions until its session times out, then the others take them over', async () => {
    const { child, url } = await startConsumerProcess('member-killed');
    const killedThread = `${GROUP}_member-killed-0`;
    const itsPartitions = await eventually(
      async () => {
        const state = await serviceState(url);
        expect(state.member?.consuming).toBe(true);
        const owners = await readPartitionOwners(zooKeeper, layout, TOPIC);
        const its = [...owners].filter(([, owner]) => owner.threadId === killedThread).map(([p]) => p);
        expect(its).toEqual([4, 5]);
        expect(owners.size).toBe(PARTITIONS);
        return its;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    // The service says so too: ready, and its metrics count the two partitions.
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    expect(await (await fetch(`${url}/metrics`)).text()).toMatch(/^book_consumer_owned_partitions 2$/m);
    // Where it started: what its predecessors committed when they handed these partitions over.
    const startedAt = new Map<number, bigint>();
    for (const partition of itsPartitions) {
      const { data } = await zooKeeper.getData(layout.offset(TOPIC, partition));
      startedAt.set(partition, BigInt(data.toString('utf8')));
    }
    const stopProducing = keepProducing();
    // It processes and commits: its offsets move on.
    await eventually(
      async () => {
        for (const partition of itsPartitions) {
          const { data } = await zooKeeper.getData(layout.offset(TOPIC, partition));
          expect(BigInt(data.toString('utf8'))).toBeGreaterThan(startedAt.get(partition)! + 5n);
        }
      },
      { timeoutMs: 15_000, intervalMs: 100 },
    );
    const deliveredBeforeKill = deliveries.length;
    const killedAt = performance.now();
    child.kill('SIGKILL');
    const committedAtKill = new Map<number, bigint>();
    for (const partition of itsPartitions) {
      const { data } = await zooKeeper.getData(layout.offset(TOPIC, partition));
      committedAtKill.set(partition, BigInt(data.toString('utf8')));
    }

    // Its owner nodes outlive it by the session timeout: nobody may take its partitions before.
    const owners = await readPartitionOwners(zooKeeper, layout, TOPIC);
    expect(itsPartitions.map((partition) => owners.get(partition)?.threadId)).toEqual([
      killedThread,
      killedThread,
    ]);
    await eventually(() => expectBalanced(live()), {
      timeoutMs: SESSION_TIMEOUT_MS + TAKEOVER_BOUND_MS,
      intervalMs: 50,
    });
    const takeoverMs = Math.round(performance.now() - killedAt);
    expect(takeoverMs).toBeGreaterThanOrEqual(SESSION_TIMEOUT_MS / 2);

    // Its last commits are where the survivors continue (at least what it had committed when it died;
    // a commit it sent just before may land after), and nothing is skipped: every offset of its
    // partitions was either processed here or committed by it (processed before it committed).
    const committedByIt = new Map(itsPartitions.map((partition) => [partition, claimedAtOf(partition)]));
    for (const partition of itsPartitions)
      expect(committedByIt.get(partition)).toBeGreaterThanOrEqual(committedAtKill.get(partition)!);
    await eventually(
      () =>
        expect(
          deliveries.slice(deliveredBeforeKill).filter((d) => itsPartitions.includes(d.partition)).length,
        ).toBeGreaterThan(20),
      { timeoutMs: 10_000 },
    );
    await stopProducing();
    await eventually(
      () => {
        for (let partition = 0; partition < PARTITIONS; partition++) {
          const offsets = new Set(deliveries.filter((d) => d.partition === partition).map((d) => d.offset));
          const processedByIt = (offset: bigint): boolean =>
            itsPartitions.includes(partition) &&
            offset >= startedAt.get(partition)! &&
            offset < committedByIt.get(partition)!;
          const missing: bigint[] = [];
          for (let offset = 0n; offset < BigInt(produced / PARTITIONS); offset++)
            if (!offsets.has(offset) && !processedByIt(offset)) missing.push(offset);
          expect(missing, `partition ${partition}`).toEqual([]);
        }
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    for (const partition of itsPartitions) {
      const afterKill = deliveries.slice(deliveredBeforeKill).filter((each) => each.partition === partition);
      expect(afterKill[0]?.offset).toBe(committedByIt.get(partition));
    }
    expect(timeline.overlaps()).toEqual([]);
    expect(live().map((member) => member.consumer.state.refetched)).toEqual([0, 0]);
    console.info(
      `SIGKILL → partitions consumed by the others again after ${takeoverMs} ms (session timeout ${SESSION_TIMEOUT_MS} ms)`,
    );
  });
});

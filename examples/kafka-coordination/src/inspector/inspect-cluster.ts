import { isZooKeeperError, type Stat, type ZooKeeperClient } from '@zk-cookbook/core/client';
import type { z } from 'zod';
import {
  BrokerRegistration,
  ClusterId,
  ConfigChangeNotification,
  ControllerEpoch,
  ControllerRegistration,
  PartitionState,
  TopicAssignment,
} from './kafka-znodes.ts';

/** A znode that did not decode: the inspector shows it instead of failing the whole view. */
export interface ZnodeIssue {
  readonly path: string;
  readonly problem: string;
}

export interface BrokerView {
  readonly id: number;
  readonly registration: BrokerRegistration;
  /** The registration's czxid, as a decimal string (JSON has no bigint): the broker epoch (KIP-380). */
  readonly brokerEpoch: string;
  /** The session that owns the ephemeral registration, in hex as zkCli prints it. */
  readonly sessionId: string;
}

export interface ControllerView {
  readonly brokerId: number;
  readonly epoch: number;
  /** `/controller_epoch`'s zkVersion: every write of this controller checks it. */
  readonly epochZkVersion: number;
  readonly registration: ControllerRegistration;
}

export interface PartitionView {
  readonly partition: number;
  /** From the topic's assignment; the first is the preferred leader. */
  readonly replicas: readonly number[];
  readonly leader: number;
  readonly leaderEpoch: number;
  readonly isr: readonly number[];
  /** The controller epoch of the controller that last wrote this state. */
  readonly controllerEpoch: number;
  /** The state node's zkVersion: the controller's compare-and-set version for leader/ISR updates. */
  readonly stateZkVersion: number;
  /** Fewer replicas in sync than assigned. */
  readonly underReplicated: boolean;
}

export interface TopicView {
  readonly name: string;
  readonly topicId: string | undefined;
  readonly partitions: readonly PartitionView[];
}

export interface ConfigChangeView {
  readonly sequence: number;
  readonly entityPath: string;
}

/** A Kafka cluster's control plane as its znodes show it, each decoded and checked. */
export interface KafkaClusterView {
  readonly clusterId: string | undefined;
  readonly brokers: readonly BrokerView[];
  /** Undefined in the gap between one controller's death and the next election. */
  readonly controller: ControllerView | undefined;
  readonly topics: readonly TopicView[];
  /** `/admin/delete_topics` children: deletions the controller has not finished. */
  readonly pendingTopicDeletions: readonly string[];
  /** `/admin/reassign_partitions` exists: a (pre-2.4 style) reassignment is in progress. */
  readonly reassignmentPending: boolean;
  readonly configChanges: readonly ConfigChangeView[];
  readonly issues: readonly ZnodeIssue[];
}

/**
 * Reads a Kafka cluster's znodes through `client`, whose connect string carries the cluster's chroot.
 * The reads are not one snapshot (ZooKeeper has none across nodes): a controller that moves during
 * the walk shows up in the next view, which is what a live page wants anyway.
 */
export async function inspectKafkaCluster(client: ZooKeeperClient): Promise<KafkaClusterView> {
  const reader = new ZnodeReader(client);
  const [clusterId, brokers, controller, topics, pendingTopicDeletions, reassignment, configChanges] =
    await Promise.all([
      reader.decoded('/cluster/id', ClusterId),
      readBrokers(reader),
      readController(reader),
      readTopics(reader),
      reader.children('/admin/delete_topics'),
      reader.stat('/admin/reassign_partitions'),
      readConfigChanges(reader),
    ]);
  return {
    clusterId: clusterId?.value.id,
    brokers,
    controller,
    topics,
    pendingTopicDeletions,
    reassignmentPending: reassignment !== undefined,
    configChanges,
    issues: reader.issues,
  };
}

async function readBrokers(reader: ZnodeReader): Promise<BrokerView[]> {
  const ids = await reader.children('/brokers/ids');
  const brokers = await Promise.all(
    ids.map(async (id) => {
      const node = await reader.decoded(`/brokers/ids/${id}`, BrokerRegistration);
      if (!node) return undefined;
      return {
        id: Number(id),
        registration: node.value,
        brokerEpoch: node.stat.czxid.toString(),
        sessionId: `0x${node.stat.ephemeralOwner.toString(16)}`,
      };
    }),
  );
  return brokers.filter((broker) => broker !== undefined).sort((a, b) => a.id - b.id);
}

async function readController(reader: ZnodeReader): Promise<ControllerView | undefined> {
  const [controller, epoch] = await Promise.all([
    reader.decoded('/controller', ControllerRegistration),
    reader.decoded('/controller_epoch', ControllerEpoch, 'text'),
  ]);
  if (!controller || !epoch) return undefined;
  return {
    brokerId: controller.value.brokerid,
    epoch: epoch.value,
    epochZkVersion: epoch.stat.version,
    registration: controller.value,
  };
}

async function readTopics(reader: ZnodeReader): Promise<TopicView[]> {
  const names = await reader.children('/brokers/topics');
  const topics = await Promise.all(
    names.map(async (name): Promise<TopicView | undefined> => {
      const assignment = await reader.decoded(`/brokers/topics/${name}`, TopicAssignment);
      if (!assignment) return undefined;
      const partitions = await Promise.all(
        Object.entries(assignment.value.partitions).map(async ([partition, replicas]) => {
          const path = `/brokers/topics/${name}/partitions/${partition}/state`;
          const state = await reader.decoded(path, PartitionState);
          if (!state) return undefined;
          return {
            partition: Number(partition),
            replicas,
            leader: state.value.leader,
            leaderEpoch: state.value.leader_epoch,
            isr: state.value.isr,
            controllerEpoch: state.value.controller_epoch,
            stateZkVersion: state.stat.version,
            underReplicated: state.value.isr.length < replicas.length,
          };
        }),
      );
      return {
        name,
        topicId: assignment.value.topic_id,
        partitions: partitions.filter((each) => each !== undefined).sort((a, b) => a.partition - b.partition),
      };
    }),
  );
  return topics.filter((topic) => topic !== undefined).sort((a, b) => a.name.localeCompare(b.name));
}

async function readConfigChanges(reader: ZnodeReader): Promise<ConfigChangeView[]> {
  const names = await reader.children('/config/changes');
  const changes = await Promise.all(
    names.map(async (name) => {
      const node = await reader.decoded(`/config/changes/${name}`, ConfigChangeNotification);
      const sequence = /(\d{10})$/.exec(name)?.[1];
      return node && sequence
        ? { sequence: Number(sequence), entityPath: node.value.entity_path }
        : undefined;
    }),
  );
  return changes.filter((change) => change !== undefined).sort((a, b) => a.sequence - b.sequence);
}

/** Reads that treat a missing znode as absent (it may vanish mid-walk) and collect decode problems. */
class ZnodeReader {
  readonly issues: ZnodeIssue[] = [];

  constructor(private readonly client: ZooKeeperClient) {}

  async children(path: string): Promise<string[]> {
    try {
      return (await this.client.getChildren(path)).children.sort();
    } catch (error) {
      if (isZooKeeperError(error, 'NONODE')) return [];
      throw error;
    }
  }

  async stat(path: string): Promise<Stat | undefined> {
    return (await this.client.exists(path)) ?? undefined;
  }

  /** The node's data decoded as JSON (or taken as text) and checked by `schema`; undefined if absent or bad. */
  async decoded<Schema extends z.ZodType>(
    path: string,
    schema: Schema,
    encoding: 'json' | 'text' = 'json',
  ): Promise<{ value: z.output<Schema>; stat: Stat } | undefined> {
    let content;
    try {
      content = await this.client.getData(path);
    } catch (error) {
      if (isZooKeeperError(error, 'NONODE')) return undefined;
      throw error;
    }
    const text = content.data.toString('utf8');
    let raw: unknown = text;
    if (encoding === 'json') {
      try {
        raw = JSON.parse(text);
      } catch {
        this.issues.push({ path, problem: `not JSON: ${JSON.stringify(text.slice(0, 80))}` });
        return undefined;
      }
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      const problem = parsed.error.issues
        .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
        .join('; ');
      this.issues.push({ path, problem });
      return undefined;
    }
    return { value: parsed.data, stat: content.stat };
  }
}

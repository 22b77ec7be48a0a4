import {
  AssignerProtocol,
  type Consumer,
  type Kafka,
  type KafkaMessage,
  type PartitionAssigner,
} from 'kafkajs';

export interface ReadMessage {
  readonly partition: number;
  readonly offset: bigint;
  readonly message: KafkaMessage;
}

export interface PartitionReaderOptions {
  readonly kafka: Kafka;
  readonly topic: string;
  /** The kafkajs group id: this member's alone (see below), never shared with another member. */
  readonly kafkaGroupId: string;
  /** Written into the join request, so the assignment can tell this member from a stray one. */
  readonly ownerThreadId: string;
  /** Where to start a partition on (re)join: the next offset to process, or undefined for startFrom. */
  readonly positionOf: (partition: number) => bigint | undefined;
  /** Where a partition with no position starts: the earliest or the latest offset. */
  readonly startFrom: 'earliest' | 'latest';
  readonly handle: (read: ReadMessage) => Promise<void>;
  /** kafkajs gave up (a crash it will not restart from): the partitions are no longer being read. */
  readonly onGaveUp: (error: Error) => void;
}

const ASSIGNER_NAME = 'ZooKeeperOwnedPartitions';

/**
 * Reads exactly the partitions ZooKeeper gave this member, with kafkajs — which has no manual
 * partition assignment (no `assign()` as the Java consumer has). The way round it: each member is a
 * kafkajs consumer group of one (its own group id) whose partition assigner, run by that one member
 * as its own group leader, returns the partitions this member owns in ZooKeeper. A new ownership
 * means stopping the consumer (it leaves its one-member group) and running it again, which joins
 * with the new assignment. Brokers' group coordinators are used only as this private plumbing: who
 * reads what is decided in ZooKeeper, and offsets live there too (autoCommit off, nothing is ever
 * committed to Kafka). On every join each partition is sought to the position the owner gives, so
 * a restart inside kafkajs (after a crash it retries) also resumes from the right place.
 *
 * (The other way, one kafkajs group that is given every partition and pauses those this member does
 * not own, keeps a single join but fetches metadata for, and must police, partitions that are not
 * its own.)
 */
export class PartitionReader {
  private consumer: Consumer | undefined;
  private partitions: readonly number[] = [];
  /**
   * The run() under way: it resolves once kafkajs has joined. A stop() must wait for it — kafkajs's
   * stop() during a join returns at once and forgets the runner, which then starts fetching anyway,
   * out of reach of any later stop().
   */
  private starting: Promise<void> = Promise.resolve();
  /** Bumped by every read() and stop(): a read() that a stop() overtook does not start. */
  private generation = 0;

  constructor(private readonly options: PartitionReaderOptions) {}

  /** The partitions being read now. */
  get reading(): readonly number[] {
    return this.partitions;
  }

  /** Stops reading what it read, then reads `partitions` (none: just stops). */
  async read(partitions: readonly number[]): Promise<void> {
    await this.stop();
    if (partitions.length === 0) return;
    const generation = ++this.generation;
    const consumer = await this.connectedConsumer();
    await consumer.subscribe({
      topic: this.options.topic,
      fromBeginning: this.options.startFrom === 'earliest',
    });
    if (generation !== this.generation) return;
    this.partitions = [...partitions].sort((a, b) => a - b);
    this.starting = consumer.run({
      autoCommit: false,
      eachMessage: ({ partition, message }) =>
        this.options.handle({ partition, offset: BigInt(message.offset), message }),
    });
    await this.starting;
  }

  /** Stops fetching; resolves once the message being handled (if any) is done. */
  async stop(): Promise<void> {
    this.generation++;
    this.partitions = [];
    await this.starting.catch(() => {
      // A failed start is kafkajs's to retry or report (CRASH); stopping only needs it settled.
    });
    await this.consumer?.stop();
  }

  async close(): Promise<void> {
    await this.stop();
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.disconnect();
  }

  private async connectedConsumer(): Promise<Consumer> {
    if (this.consumer) return this.consumer;
    const consumer = this.options.kafka.consumer({
      groupId: this.options.kafkaGroupId,
      partitionAssigners: [this.ownedPartitionsAssigner],
      // A short fetch wait: stop() waits for the fetch in flight, and a rebalance waits for stop().
      maxWaitTimeInMs: 250,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
    });
    consumer.on(consumer.events.GROUP_JOIN, () => this.seekToPositions(consumer));
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) this.options.onGaveUp(payload.error);
    });
    await consumer.connect();
    this.consumer = consumer;
    return consumer;
  }

  // Called synchronously from kafkajs's join, before its first fetch: the seeks apply to that fetch.
  private seekToPositions(consumer: Consumer): void {
    for (const partition of this.partitions) {
      const position = this.options.positionOf(partition);
      if (position !== undefined)
        consumer.seek({ topic: this.options.topic, partition, offset: String(position) });
    }
  }

  private readonly ownedPartitionsAssigner: PartitionAssigner = () => ({
    name: ASSIGNER_NAME,
    version: 1,
    assign: async ({ members }) => {
      // The group is this member's alone; should anything else ever join it, it gets nothing.
      const self = members.find(
        (member) =>
          AssignerProtocol.MemberMetadata.decode(member.memberMetadata)?.userData.toString('utf8') ===
          this.options.ownerThreadId,
      );
      return members.map((member) => ({
        memberId: member.memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: 1,
          assignment: member === self ? { [this.options.topic]: [...this.partitions] } : {},
          userData: Buffer.alloc(0),
        }),
      }));
    },
    protocol: ({ topics }) => ({
      name: ASSIGNER_NAME,
      metadata: AssignerProtocol.MemberMetadata.encode({
        version: 1,
        topics,
        userData: Buffer.from(this.options.ownerThreadId),
      }),
    }),
  });
}

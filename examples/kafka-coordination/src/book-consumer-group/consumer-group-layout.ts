import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { joinPath } from '@zk-cookbook/core/client';
import { z } from 'zod';

/**
 * The znodes of the book's consumer group (Kafka 0.8's ZookeeperConsumerConnector, removed in
 * Kafka 2.0), under the Kafka cluster's chroot:
 *
 *   /consumers/<group>
 *     ids/<consumerId>                 [E] {"version":1,"subscription":{"<topic>":1},"pattern":"static","timestamp":"…"}
 *     owners/<topic>/<partition>       [E] "<consumerId>-<thread>"  — who consumes the partition now
 *     offsets/<topic>/<partition>          "<next offset to consume>" (decimal)
 *
 * Membership and ownership are ephemeral, so they end with the session that made them; offsets are
 * persistent, so the next owner of a partition continues where the last one committed.
 */
export interface ConsumerGroupLayout {
  readonly group: string;
  readonly root: string;
  readonly ids: string;
  readonly owners: string;
  readonly offsets: string;
  member(consumerId: string): string;
  ownersOf(topic: string): string;
  owner(topic: string, partition: number): string;
  offsetsOf(topic: string): string;
  offset(topic: string, partition: number): string;
}

export function consumerGroupLayout(group: string): ConsumerGroupLayout {
  const root = joinPath('/consumers', group);
  const ids = joinPath(root, 'ids');
  const owners = joinPath(root, 'owners');
  const offsets = joinPath(root, 'offsets');
  return {
    group,
    root,
    ids,
    owners,
    offsets,
    member: (consumerId) => joinPath(ids, consumerId),
    ownersOf: (topic) => joinPath(owners, topic),
    owner: (topic, partition) => joinPath(joinPath(owners, topic), String(partition)),
    offsetsOf: (topic) => joinPath(offsets, topic),
    offset: (topic, partition) => joinPath(joinPath(offsets, topic), String(partition)),
  };
}

/** Group, topic and consumer ids name znodes: no "/", nothing a path would misread. */
export const znodeName = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/,
    'a name is 1-200 letters, digits, ".", "_" or "-", starting with a letter or digit',
  );

/**
 * What a member writes into its ids node, as Kafka 0.8 did: how many streams (threads) it runs per
 * topic. `pattern` "static" is a fixed topic list; "white_list"/"black_list" were regex subscriptions.
 */
export const ConsumerRegistration = z.looseObject({
  version: z.literal(1),
  subscription: z.record(z.string(), z.number().int().min(0)),
  pattern: z.enum(['static', 'white_list', 'black_list']),
  timestamp: z.string(),
});
export type ConsumerRegistration = z.infer<typeof ConsumerRegistration>;

export function registrationFor(topic: string, streams = 1): ConsumerRegistration {
  return { version: 1, subscription: { [topic]: streams }, pattern: 'static', timestamp: String(Date.now()) };
}

/**
 * A consumer id as Kafka 0.8 made one: `<group>_<host>-<start ms>-<8 hex>`. Unique per process
 * start, so a restarted consumer is a new member (its old id node may linger until its old session
 * expires, and must not be mistaken for the new one).
 */
export function newConsumerId(group: string, host = hostname()): string {
  const safeHost = host.replace(/[^A-Za-z0-9.-]/g, '-');
  return `${group}_${safeHost}-${Date.now()}-${randomUUID().slice(0, 8)}`;
}

/** A consumer thread id, the unit of assignment and what an owner node holds: `<consumerId>-<n>`. */
export function threadId(consumerId: string, thread: number): string {
  return `${consumerId}-${thread}`;
}

import { z } from 'zod';

/**
 * The JSON Kafka 3.9 writes into its znodes (kafka.zk.ZkData), as schemas: decoding a real
 * cluster's tree through them is how the inspector notices a field it does not expect. Objects are
 * loose (extra fields pass) because a newer registration version adds fields, and an inspector
 * that rejected them would hide the cluster it is meant to show.
 */

const brokerId = z.number().int().nonnegative();
/** Kafka writes timestamps as decimal strings of milliseconds, not numbers. */
const millisecondsText = z.string().regex(/^\d+$/, 'a decimal millisecond timestamp');

/** `/brokers/ids/<id>`, ephemeral; version 5 since IBP 2.7. The znode's czxid is the broker epoch. */
export const BrokerRegistration = z.looseObject({
  version: z.number().int().min(1),
  host: z.string().nullable(),
  port: z.number().int(),
  jmx_port: z.number().int(),
  timestamp: millisecondsText,
  endpoints: z.array(z.string().regex(/^[A-Z_]+:\/\/.*:\d+$/, 'LISTENER://host:port')),
  listener_security_protocol_map: z.record(z.string(), z.string()).optional(),
  rack: z.string().optional(),
  features: z.record(z.string(), z.unknown()).optional(),
});
export type BrokerRegistration = z.infer<typeof BrokerRegistration>;

/** `/controller`, ephemeral: who won the election; version 2 adds the KRaft migration's epoch. */
export const ControllerRegistration = z.looseObject({
  version: z.number().int().min(1),
  brokerid: brokerId,
  timestamp: millisecondsText,
  kraftControllerEpoch: z.number().int().optional(),
});
export type ControllerRegistration = z.infer<typeof ControllerRegistration>;

/** `/controller_epoch`, persistent: a bare decimal; its zkVersion is the fencing token. */
export const ControllerEpoch = z
  .string()
  .regex(/^\d+$/, 'a decimal epoch')
  .transform((text) => Number(text));

/** `/brokers/topics/<topic>`: the replica assignment, partition → brokers (preferred leader first). */
export const TopicAssignment = z.looseObject({
  version: z.number().int().min(1),
  partitions: z.record(z.string().regex(/^\d+$/), z.array(brokerId).min(1)),
  adding_replicas: z.record(z.string(), z.array(brokerId)).optional(),
  removing_replicas: z.record(z.string(), z.array(brokerId)).optional(),
  topic_id: z.string().optional(),
});
export type TopicAssignment = z.infer<typeof TopicAssignment>;

/**
 * `/brokers/topics/<topic>/partitions/<p>/state`: leader, leader epoch and ISR, written by the
 * controller (stamped with its controller epoch) under a zkVersion check. Leader -1: none.
 */
export const PartitionState = z.looseObject({
  version: z.number().int().min(1),
  controller_epoch: z.number().int().nonnegative(),
  leader: z.number().int().min(-1),
  leader_epoch: z.number().int().nonnegative(),
  isr: z.array(brokerId),
  leader_recovery_state: z.number().int().optional(),
});
export type PartitionState = z.infer<typeof PartitionState>;

/** `/cluster/id`: created by the first broker; `version` is a string here, unlike everywhere else. */
export const ClusterId = z.looseObject({
  version: z.string(),
  id: z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'a 22-character url-safe base64 UUID'),
});
export type ClusterId = z.infer<typeof ClusterId>;

/** `/config/changes/config_change_<seq>`: which entity's `/config/...` node changed. */
export const ConfigChangeNotification = z.looseObject({
  version: z.number().int(),
  entity_path: z.string().min(1),
});
export type ConfigChangeNotification = z.infer<typeof ConfigChangeNotification>;

/** `/config/<entityType>/<name>`: dynamic configuration overrides for a topic, a broker, a client... */
export const EntityConfig = z.looseObject({
  version: z.number().int(),
  config: z.record(z.string(), z.string()),
});
export type EntityConfig = z.infer<typeof EntityConfig>;

// Kafka coordination on ZooKeeper: an inspector for a real Kafka 3.9 cluster's znodes, and Kafka's
// controller election with epoch fencing rebuilt in TypeScript.
export {
  inspectKafkaCluster,
  type BrokerView,
  type ConfigChangeView,
  type ControllerView,
  type KafkaClusterView,
  type PartitionView,
  type TopicView,
  type ZnodeIssue,
} from './inspector/inspect-cluster.ts';
export * as KafkaZnodes from './inspector/kafka-znodes.ts';
export {
  electController,
  writeAsController,
  ControllerMovedError,
  CONTROLLER_PATH,
  CONTROLLER_EPOCH_PATH,
  type ControllerTerm,
} from './controller-election/epoch-controller-election.ts';
export { formatClusterView } from './inspector/format-cluster.ts';
export {
  BrokerDirectory,
  discoverBrokers,
  type DiscoveredBroker,
  type BrokerDirectoryEvents,
} from './discovery/broker-directory.ts';
export {
  startInspector,
  type InspectorOptions,
  type RunningInspector,
} from './services/inspector/inspector-service.ts';
export {
  ClusterWatch,
  type ClusterSnapshot,
  type ClusterLogEntry,
} from './services/inspector/cluster-watch.ts';
export {
  diffClusterViews,
  type ClusterChange,
  type ClusterChangeKind,
} from './services/inspector/cluster-changes.ts';
export {
  startProducer,
  type ProducerOptions,
  type RunningProducer,
} from './services/producer/producer-service.ts';
export type { ProducerState } from './services/producer/producer-api.ts';
export type { SentRecord } from './services/producer/message-sender.ts';
export {
  BookConsumer,
  type BookConsumerOptions,
  type BookConsumerState,
  type BookConsumerEvents,
  type ConsumedMessage,
  type OwnedPartitionState,
} from './book-consumer-group/book-consumer.ts';
export {
  consumerGroupLayout,
  newConsumerId,
  ConsumerRegistration,
  type ConsumerGroupLayout,
} from './book-consumer-group/consumer-group-layout.ts';
export { rangeAssignment, type ConsumerThread } from './book-consumer-group/range-assignment.ts';
export { readPartitionOwners, type PartitionOwner } from './book-consumer-group/partition-ownership.ts';
export {
  startConsumerService,
  type ConsumerServiceOptions,
  type ConsumerServiceState,
  type RunningConsumerService,
} from './book-consumer-group/consumer-service.ts';

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

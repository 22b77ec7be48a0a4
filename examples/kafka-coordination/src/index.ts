// Kafka coordination on ZooKeeper: an inspector for a real Kafka 3.9 cluster's znodes.
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

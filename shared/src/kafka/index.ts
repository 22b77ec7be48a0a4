// Local Kafka 3.9 clusters in ZooKeeper mode, with fault injection, for tests, demos and the CLI.
export { LocalKafka, type ControllerState, type WaitTimeout } from './local-kafka.ts';
export { type LocalKafkaOptions } from './kafka-options.ts';
export { KafkaBroker, type BrokerFiles } from './kafka-broker.ts';
export {
  brokerProperties,
  renderProperties,
  type BrokerAddress,
  type PropertyValue,
} from './broker-config.ts';
export {
  locateKafka,
  DEFAULT_KAFKA_RELEASE,
  type KafkaInstallation,
  type LocateKafkaOptions,
} from './locate-kafka.ts';
export { KafkaLauncherError, KafkaNotFoundError, BrokerStartError } from './errors.ts';

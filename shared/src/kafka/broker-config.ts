export type PropertyValue = string | number | boolean;

export interface BrokerAddress {
  readonly id: number;
  readonly host: string;
  readonly port: number;
}

export interface BrokerSettings {
  /** `host:port,...` of the ensemble plus the chroot, e.g. `127.0.0.1:41234/kafka`. */
  readonly zooKeeperConnect: string;
  /** How many brokers the cluster has: the internal topics cannot have more replicas. */
  readonly brokerCount: number;
  readonly zooKeeperSessionTimeoutMs: number;
  /** How long a follower may fall behind before the leader drops it from the ISR. */
  readonly replicaLagTimeMaxMs: number;
  /** Extra server.properties entries; they override the defaults below. */
  readonly extra: Readonly<Record<string, PropertyValue>>;
}

/**
 * server.properties for one broker of a small throwaway cluster in ZooKeeper mode. Kafka's defaults
 * are sized for a production machine (50 partitions per internal topic, a 128 MB cleaner buffer, a
 * 30 s ISR lag); these are sized for three brokers sharing two cores with a ZooKeeper ensemble, and
 * tuned so that failures show within seconds.
 */
export function brokerProperties(
  broker: BrokerAddress,
  logDirectory: string,
  settings: BrokerSettings,
): Record<string, PropertyValue> {
  const internalReplicas = Math.min(3, settings.brokerCount);
  return {
    // ZooKeeper mode is what a broker runs when process.roles is absent; the migration bridge to
    // KRaft stays off, so /controller is held by a broker, never by a KRaft quorum.
    'broker.id': broker.id,
    'zookeeper.connect': settings.zooKeeperConnect,
    'zookeeper.metadata.migration.enable': false,
    'zookeeper.session.timeout.ms': settings.zooKeeperSessionTimeoutMs,
    'zookeeper.connection.timeout.ms': settings.zooKeeperSessionTimeoutMs * 2,
    listeners: `PLAINTEXT://${broker.host}:${broker.port}`,
    'advertised.listeners': `PLAINTEXT://${broker.host}:${broker.port}`,
    'log.dirs': logDirectory,
    'replica.lag.time.max.ms': settings.replicaLagTimeMaxMs,
    // Internal topics: replicated as far as the cluster allows, and few partitions, because creating
    // 50 of each is most of a fresh cluster's first consumer-group join.
    'offsets.topic.replication.factor': internalReplicas,
    'offsets.topic.num.partitions': 4,
    'transaction.state.log.replication.factor': internalReplicas,
    'transaction.state.log.min.isr': Math.min(2, internalReplicas),
    'transaction.state.log.num.partitions': 4,
    'group.initial.rebalance.delay.ms': 0,
    // A clean shutdown moves leadership away first (controlled shutdown); retry it quickly.
    'controlled.shutdown.retry.backoff.ms': 500,
    // Small threads pools and buffers: Kafka validates the cleaner buffer at >1 MB per thread.
    'num.network.threads': 2,
    'num.io.threads': 2,
    'background.threads': 2,
    'num.recovery.threads.per.data.dir': 1,
    'num.replica.fetchers': 1,
    'log.cleaner.threads': 1,
    'log.cleaner.dedupe.buffer.size': 2 * 1024 * 1024,
    'log.index.size.max.bytes': 1024 * 1024,
    ...settings.extra,
  };
}

/** Java properties text: one `key=value` a line (our values need no escaping but backslashes). */
export function renderProperties(properties: Readonly<Record<string, PropertyValue>>): string {
  return Object.entries(properties)
    .map(([key, value]) => `${key}=${String(value).replaceAll('\\', '\\\\')}`)
    .join('\n')
    .concat('\n');
}

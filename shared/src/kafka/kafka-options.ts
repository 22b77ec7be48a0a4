import { tmpdir } from 'node:os';
import type { PropertyValue } from './broker-config.ts';

export interface LocalKafkaOptions {
  /** The ensemble: `host:port,...` without a chroot. */
  readonly zooKeeperConnect: string;
  /** Where under the ensemble the cluster keeps its znodes. Default `/kafka`. */
  readonly chroot?: string;
  /** How many brokers, ids 1..n. Default 1. */
  readonly brokers?: number;
  readonly host?: string;
  /** -Xmx of each broker. Default 256 (a three-broker cluster fits beside the ensemble on 2 cores). */
  readonly heapMegabytes?: number;
  /**
   * The brokers' ZooKeeper session timeout. Default 6000 ms: a killed broker leaves /brokers/ids
   * (and /controller) that long after its death, so shorter makes failover tests faster, but a broker
   * starved of CPU for that long on a loaded machine loses its session.
   */
  readonly zooKeeperSessionTimeoutMs?: number;
  /** How long a follower may lag before it leaves the ISR. Default 5000 ms (Kafka's is 30 s). */
  readonly replicaLagTimeMaxMs?: number;
  /** Extra server.properties entries for every broker. */
  readonly brokerConfig?: Readonly<Record<string, PropertyValue>>;
  /** How long start() and restart() wait for brokers to register. Default 90 s. */
  readonly startTimeoutMs?: number;
  /** An unpacked Apache Kafka release; default $KAFKA_HOME, then the fetched 3.9 release. */
  readonly kafkaHome?: string;
  readonly kafkaRelease?: string;
  readonly javaPath?: string;
  /** Keep the broker directories after close(). Default: true when ZK_KEEP_DATA=1. */
  readonly keepData?: boolean;
  /** Where the cluster's temporary directory is created. Default os.tmpdir(). */
  readonly baseDirectory?: string;
}

export interface ResolvedKafkaOptions {
  readonly zooKeeperConnect: string;
  readonly chroot: string;
  readonly brokers: number;
  readonly host: string;
  readonly heapMegabytes: number;
  readonly zooKeeperSessionTimeoutMs: number;
  readonly replicaLagTimeMaxMs: number;
  readonly brokerConfig: Readonly<Record<string, PropertyValue>>;
  readonly startTimeoutMs: number;
  readonly keepData: boolean;
  readonly baseDirectory: string;
}

export function resolveKafkaOptions(options: LocalKafkaOptions): ResolvedKafkaOptions {
  const brokers = options.brokers ?? 1;
  if (!Number.isInteger(brokers) || brokers < 1) throw new RangeError(`brokers must be ≥ 1, got ${brokers}`);
  const chroot = options.chroot ?? '/kafka';
  if (!/^(\/[\w.-]+)+$/.test(chroot))
    throw new RangeError(`chroot must be an absolute znode path, got "${chroot}"`);
  if (options.zooKeeperConnect.includes('/'))
    throw new RangeError('zooKeeperConnect names the servers only; give the chroot as `chroot`');
  return {
    zooKeeperConnect: options.zooKeeperConnect,
    chroot,
    brokers,
    host: options.host ?? '127.0.0.1',
    heapMegabytes: options.heapMegabytes ?? 256,
    zooKeeperSessionTimeoutMs: options.zooKeeperSessionTimeoutMs ?? 6_000,
    replicaLagTimeMaxMs: options.replicaLagTimeMaxMs ?? 5_000,
    brokerConfig: options.brokerConfig ?? {},
    startTimeoutMs: options.startTimeoutMs ?? 90_000,
    keepData: options.keepData ?? process.env.ZK_KEEP_DATA === '1',
    baseDirectory: options.baseDirectory ?? tmpdir(),
  };
}

import { EventEmitter } from 'node:events';
import { isConnectionLossClass, isZooKeeperError, type ZooKeeperClient } from '@zk-cookbook/core/client';
import { BrokerRegistration } from '../inspector/kafka-znodes.ts';

export interface DiscoveredBroker {
  readonly id: number;
  /** `host:port` of its PLAINTEXT listener, what a Kafka client bootstraps from. */
  readonly address: string;
}

export interface BrokerDirectoryEvents {
  change: [brokers: readonly DiscoveredBroker[]];
  error: [error: unknown];
}

/** The live brokers as `/brokers/ids` lists them, each with its PLAINTEXT listener. */
export async function discoverBrokers(
  client: ZooKeeperClient,
  watch?: () => void,
): Promise<DiscoveredBroker[]> {
  const { children } = await client.getChildren('/brokers/ids', watch ? { watch } : {});
  const brokers = await Promise.all(children.map((id) => readBroker(client, Number(id))));
  return brokers.filter((broker) => broker !== undefined).sort((a, b) => a.id - b.id);
}

async function readBroker(client: ZooKeeperClient, id: number): Promise<DiscoveredBroker | undefined> {
  try {
    const { data } = await client.getData(`/brokers/ids/${id}`);
    const registration = BrokerRegistration.parse(JSON.parse(data.toString('utf8')));
    const plaintext = registration.endpoints.find((endpoint) => endpoint.startsWith('PLAINTEXT://'));
    return plaintext ? { id, address: plaintext.slice('PLAINTEXT://'.length) } : undefined;
  } catch (error) {
    // Gone between the listing and the read: a broker that just died is no bootstrap candidate.
    if (isZooKeeperError(error, 'NONODE')) return undefined;
    throw error;
  }
}

/**
 * The book's producer-side discovery: instead of a static bootstrap list, a Kafka client asks
 * ZooKeeper which brokers are registered, and follows `/brokers/ids` with a child watch. Hand
 * `bootstrapServers` to kafkajs as its `brokers` function: kafkajs calls it whenever it needs to
 * (re)connect, so a client started while a broker is down, or after the cluster moved, still finds it.
 * (Kafka clients since 0.9 bootstrap from brokers alone; ZooKeeper is the book's way, shown here.)
 */
export class BrokerDirectory extends EventEmitter<BrokerDirectoryEvents> {
  private brokers: readonly DiscoveredBroker[] = [];
  private closed = false;

  private constructor(private readonly client: ZooKeeperClient) {
    super();
  }

  static async open(client: ZooKeeperClient): Promise<BrokerDirectory> {
    const directory = new BrokerDirectory(client);
    await directory.refresh();
    // A new session (after an expiry) has no watches: read again and re-arm.
    client.on('connected', () => void directory.refreshReportingErrors());
    return directory;
  }

  get current(): readonly DiscoveredBroker[] {
    return this.brokers;
  }

  /** For kafkajs's `brokers` option. Rejects when no broker is registered, so kafkajs retries. */
  readonly bootstrapServers = (): string[] => {
    if (this.brokers.length === 0) throw new Error('no broker is registered in /brokers/ids');
    return this.brokers.map((broker) => broker.address);
  };

  close(): void {
    this.closed = true;
  }

  private async refresh(): Promise<void> {
    if (this.closed) return;
    const brokers = await discoverBrokers(this.client, () => void this.refreshReportingErrors());
    const changed =
      brokers.map((b) => `${b.id}@${b.address}`).join() !==
      this.brokers.map((b) => `${b.id}@${b.address}`).join();
    this.brokers = brokers;
    if (changed) this.emit('change', brokers);
  }

  private async refreshReportingErrors(): Promise<void> {
    try {
      await this.refresh();
    } catch (error) {
      // Connection loss: the 'connected' handler reads again once the session is back.
      if (!isConnectionLossClass(error)) this.emit('error', error);
    }
  }
}

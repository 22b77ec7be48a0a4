import { allocateFreePorts, LocalEnsemble } from '../../ensemble/index.ts';
import { LocalKafka } from '../../kafka/index.ts';
import { DEFAULT_EXAMPLES_DIRECTORY, loadPattern, type PatternManifest } from './pattern-manifest.ts';
import { formatPatternTable, manifestPages } from './pattern-table.ts';
import { ServiceProcess } from './service-process.ts';

export interface RunPatternOptions {
  readonly pattern: string;
  readonly examplesDirectory?: string;
  /** An ensemble to use; without one, a local 3-server ensemble is started and stopped with the run. */
  readonly zkConnect?: string;
  /** Voting members of the local ensemble. Default 3. */
  readonly servers?: number;
  /** How long each service instance gets to answer GET /readyz with 200. Default 60 s. */
  readonly readyTimeoutMs?: number;
  /** Progress messages and the services' output lines. Default: stdout. */
  readonly output?: (line: string) => void;
}

export interface StoppedService {
  readonly instanceId: string;
  /** exited with code 0 after SIGTERM, as the contract in examples/README.md asks */
  readonly graceful: boolean;
}

export interface RunningPattern {
  readonly manifest: PatternManifest;
  readonly connectString: string;
  /** the local ensemble this run started, if it started one */
  readonly ensemble: LocalEnsemble | undefined;
  /** the local Kafka cluster this run started, when the manifest asks for one (`"kafka"`) */
  readonly kafka: LocalKafka | undefined;
  readonly services: readonly ServiceProcess[];
  /** service name → its instances' base URLs, in start order */
  readonly urls: Readonly<Record<string, readonly string[]>>;
  /** the table `zk-cookbook run` prints: every instance, its URL, and the pages to open */
  describe(): string;
  /**
   * Stops the services (SIGTERM, in reverse start order), then the Kafka cluster, then the ensemble if
   * this run started it.
   */
  close(): Promise<StoppedService[]>;
}

/**
 * Starts a pattern the way its README says to: an ensemble, the Kafka brokers if the manifest asks for
 * them (their `zookeeper.connect` and bootstrap list go to every service as KAFKA_ZOOKEEPER_CONNECT
 * and KAFKA_BOOTSTRAP_SERVERS), then each service of its manifest in order,
 * every instance on its own free loopback port, each waited for until it is ready. A later service
 * learns the earlier ones' URLs from SERVICE_URLS. If anything fails to start, everything already
 * started is stopped before the error is thrown.
 */
export async function runPattern(options: RunPatternOptions): Promise<RunningPattern> {
  const output = options.output ?? ((line: string) => process.stdout.write(`${line}\n`));
  const manifest = loadPattern(options.pattern, options.examplesDirectory ?? DEFAULT_EXAMPLES_DIRECTORY);
  let ensemble: LocalEnsemble | undefined;
  let kafka: LocalKafka | undefined;
  const services: ServiceProcess[] = [];
  const urls: Record<string, string[]> = {};

  const stopAll = async (): Promise<StoppedService[]> => {
    const stopped: StoppedService[] = [];
    for (const service of [...services].reverse()) {
      const { graceful } = await service.stop();
      stopped.push({ instanceId: service.instanceId, graceful });
    }
    // After the services, which may still be talking to the brokers as they shut down.
    await kafka?.close();
    await ensemble?.close();
    return stopped;
  };

  try {
    let connectString = options.zkConnect;
    if (connectString === undefined) {
      const servers = options.servers ?? 3;
      output(`Starting a local ensemble of ${servers} server(s)...`);
      ensemble = await LocalEnsemble.start({ servers });
      connectString = ensemble.connectString;
    }
    output(`ZooKeeper: ${connectString}`);
    const kafkaEnv: Record<string, string> = {};
    if (manifest.kafka) {
      output(`Starting ${manifest.kafka.brokers} Kafka broker(s) under ${manifest.kafka.chroot}...`);
      kafka = await LocalKafka.start({
        zooKeeperConnect: connectString,
        chroot: manifest.kafka.chroot,
        brokers: manifest.kafka.brokers,
      });
      kafkaEnv.KAFKA_ZOOKEEPER_CONNECT = kafka.zooKeeperConnect;
      kafkaEnv.KAFKA_BOOTSTRAP_SERVERS = kafka.bootstrapServers;
      output(`Kafka: ${kafka.bootstrapServers} (zookeeper.connect ${kafka.zooKeeperConnect})`);
    }

    for (const spec of manifest.services) {
      const ports = await allocateFreePorts(spec.instances);
      const started = ports.map(
        (port, index) =>
          new ServiceProcess({
            instanceId: `${spec.name}-${index + 1}`,
            entry: spec.entry,
            cwd: manifest.directory,
            port,
            env: {
              ...spec.env,
              ...kafkaEnv,
              ZK_CONNECT: connectString,
              SERVICE_NAME: spec.name,
              INSTANCE_ID: `${spec.name}-${index + 1}`,
              SERVICE_URLS: JSON.stringify(urls),
            },
            output,
          }),
      );
      services.push(...started);
      output(`Starting ${spec.instances} × ${spec.name}...`);
      await Promise.all(started.map((service) => service.waitUntilReady(options.readyTimeoutMs ?? 60_000)));
      urls[spec.name] = started.map((service) => service.url);
    }

    return {
      manifest,
      connectString,
      ensemble,
      kafka,
      services,
      urls,
      describe: () => describeRun(manifest, connectString, kafka, services, urls),
      close: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

function describeRun(
  manifest: PatternManifest,
  connectString: string,
  kafka: LocalKafka | undefined,
  services: readonly ServiceProcess[],
  urls: Readonly<Record<string, readonly string[]>>,
): string {
  const kafkaLine = kafka
    ? `Kafka ${kafka.kafka.version}: bootstrap ${kafka.bootstrapServers}   zookeeper.connect ${kafka.zooKeeperConnect}\n`
    : '';
  return formatPatternTable({
    heading: `${manifest.title} (examples/${manifest.name}) is running.`,
    detailHeader: 'pid',
    instances: services.map((service) => ({
      instanceId: service.instanceId,
      url: service.url,
      detail: String(service.pid ?? ''),
    })),
    pages: manifestPages(manifest, urls),
    connectString,
    closing: `${kafkaLine}Press Ctrl-C to stop everything.`,
  });
}

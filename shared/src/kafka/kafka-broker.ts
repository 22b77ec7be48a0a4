import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChildJvm, JvmSpawnError, type MemberState, type ProcessExit } from '../ensemble/index.ts';
import {
  brokerProperties,
  renderProperties,
  type BrokerAddress,
  type BrokerSettings,
} from './broker-config.ts';
import { BrokerStartError } from './errors.ts';

export interface BrokerFiles {
  /** Holds server.properties, the log and the data directory. */
  readonly directory: string;
  readonly propertiesFile: string;
  /** The broker's `log.dirs`: its partitions' segments (Kafka's "log", not the text log). */
  readonly dataDirectory: string;
  readonly logFile: string;
}

export function brokerFiles(clusterDirectory: string, id: number): BrokerFiles {
  const directory = join(clusterDirectory, `broker-${id}`);
  return {
    directory,
    propertiesFile: join(directory, 'server.properties'),
    dataDirectory: join(directory, 'data'),
    logFile: join(directory, 'broker.log'),
  };
}

/** One Kafka broker of a LocalKafka: its address, its files and its JVM. */
export class KafkaBroker implements BrokerAddress {
  readonly id: number;
  readonly host: string;
  readonly port: number;
  private readonly jvm: ChildJvm;

  constructor(
    address: BrokerAddress,
    readonly files: BrokerFiles,
    command: { readonly java: string; readonly args: readonly string[] },
  ) {
    this.id = address.id;
    this.host = address.host;
    this.port = address.port;
    this.jvm = new ChildJvm(`broker ${this.id}`, {
      ...command,
      directory: files.directory,
      logFile: files.logFile,
    });
  }

  /** Writes server.properties (and the directories) for this address. */
  static writeFiles(address: BrokerAddress, files: BrokerFiles, settings: BrokerSettings): void {
    mkdirSync(files.dataDirectory, { recursive: true });
    const properties = brokerProperties(address, files.dataDirectory, settings);
    writeFileSync(files.propertiesFile, renderProperties(properties));
  }

  /** `host:port`, the form a bootstrap list names. */
  get address(): string {
    return `${this.host}:${this.port}`;
  }

  get pid(): number | undefined {
    return this.jvm.pid;
  }

  get state(): MemberState {
    return this.jvm.state;
  }

  /** Spawns the JVM; LocalKafka waits for the registration in /brokers/ids. */
  async start(): Promise<void> {
    try {
      await this.jvm.start();
    } catch (error) {
      if (!(error instanceof JvmSpawnError)) throw error;
      throw new BrokerStartError(this.id, error.detail, this.files.logFile, '');
    }
  }

  /** SIGTERM: a controlled shutdown (leadership moved away first); SIGKILL after the timeout. */
  stop(options: { timeoutMs?: number } = {}): Promise<ProcessExit | undefined> {
    return this.jvm.stop({ timeoutMs: 30_000, ...options });
  }

  /** SIGKILL: its ZooKeeper session lingers until it times out, as when a machine dies. */
  kill(): Promise<ProcessExit | undefined> {
    return this.jvm.kill();
  }

  /** SIGSTOP: no heartbeats to ZooKeeper, no fetches, no answers to clients. */
  pause(): Promise<void> {
    return this.jvm.pause();
  }

  resume(): Promise<void> {
    return this.jvm.resume();
  }

  /**
   * Whether the JVM finished KafkaServer.startup since it was last started. Registration in
   * /brokers/ids comes midway through it; before the end a SIGTERM can end the JVM without closing
   * its session, and a lost session makes it exit ("fatal exception during startup").
   */
  hasFinishedStarting(): boolean {
    return this.jvm.logSinceLastStart().includes(`[KafkaServer id=${this.id}] started`);
  }

  logTail(lines = 40): string {
    return this.jvm.logTail(lines);
  }

  /** A BrokerStartError describing an unexpected exit, with the log tail; undefined if none happened. */
  exitError(): BrokerStartError | undefined {
    const how = this.jvm.describeUnexpectedExit();
    if (!how) return undefined;
    const portInUse = /BindException|Address already in use/.test(this.jvm.logSinceLastStart());
    return new BrokerStartError(
      this.id,
      `the JVM exited with ${how}`,
      this.files.logFile,
      this.logTail(),
      portInUse,
    );
  }
}

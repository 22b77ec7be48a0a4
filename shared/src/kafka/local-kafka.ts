import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isConnectionLossClass, ZooKeeperClient, type Stat } from '../client/index.ts';
import {
  allocateFreePorts,
  guardDirectory,
  locateJava,
  MemberStateError,
  releaseDirectory,
  waitUntil,
  type Probe,
  type ProcessExit,
} from '../ensemble/index.ts';
import type { BrokerAddress, BrokerSettings } from './broker-config.ts';
import { BrokerStartError, KafkaLauncherError } from './errors.ts';
import { brokerJvmArguments } from './jvm-command.ts';
import { brokerFiles, KafkaBroker } from './kafka-broker.ts';
import { resolveKafkaOptions, type LocalKafkaOptions, type ResolvedKafkaOptions } from './kafka-options.ts';
import { locateKafka, type KafkaInstallation } from './locate-kafka.ts';

// A port taken between choosing it and the broker binding it is rare; three ports each are plenty.
const START_ATTEMPTS = 3;
const DEFAULT_WAIT_MS = 60_000;

export interface WaitTimeout {
  timeoutMs?: number;
}

/** Who holds `/controller`, and the fencing token that came with it. */
export interface ControllerState {
  readonly brokerId: number;
  /** The number in `/controller_epoch`: bumped by one at every election. */
  readonly epoch: number;
  /** `/controller_epoch`'s zkVersion: what the controller's writes check (KafkaZkClient). */
  readonly epochZkVersion: number;
}

/**
 * A Kafka 3.9 cluster in ZooKeeper mode: brokers as child JVMs on free loopback ports, registered in
 * an ensemble under a chroot, each in its own directory under one temporary directory, with fault
 * injection on any broker. Every JVM dies with this process, however it ends (as LocalEnsemble's).
 *
 *   const kafka = await LocalKafka.start({ zooKeeperConnect: ensemble.connectString, brokers: 3 });
 *   kafka.bootstrapServers;                    // "127.0.0.1:40111,127.0.0.1:40112,127.0.0.1:40113"
 *   const { brokerId } = await kafka.waitForController();
 *   await kafka.kill(brokerId);                // SIGKILL; its session lingers until it times out
 *   await kafka.waitForController({ other: brokerId });
 *   await kafka.restart(brokerId);             // same id, port and data; waits for re-registration
 *   await kafka.close();
 */
export class LocalKafka {
  private closed = false;

  private constructor(
    /** The temporary directory that holds every broker's directory. */
    readonly directory: string,
    private readonly brokerList: KafkaBroker[],
    readonly kafka: KafkaInstallation,
    /** A session of our own on the ensemble, rooted at the chroot: how we watch the cluster. */
    readonly zooKeeper: ZooKeeperClient,
    private readonly options: ResolvedKafkaOptions,
    private readonly java: string,
  ) {}

  static async start(options: LocalKafkaOptions): Promise<LocalKafka> {
    const resolved = resolveKafkaOptions(options);
    // Find java and Kafka before creating anything, so a machine without them fails cleanly.
    const java = options.javaPath ?? locateJava();
    const kafka = locateKafka({ kafkaHome: options.kafkaHome, release: options.kafkaRelease });

    const zooKeeper = await ZooKeeperClient.connect(`${resolved.zooKeeperConnect}${resolved.chroot}`, {
      sessionTimeoutMs: 10_000,
    });
    const directory = mkdtempSync(join(resolved.baseDirectory, 'zk-cookbook-kafka-'));
    if (!resolved.keepData) guardDirectory(directory);
    const ports = await allocateFreePorts(resolved.brokers, resolved.host);
    const brokers = ports.map((port, index) =>
      createBroker({ id: index + 1, host: resolved.host, port }, directory, kafka, resolved, java),
    );
    const cluster = new LocalKafka(directory, brokers, kafka, zooKeeper, resolved, java);
    try {
      await Promise.all(brokers.map((broker) => cluster.startFirstTime(broker)));
      await cluster.waitForController({ timeoutMs: resolved.startTimeoutMs });
      return cluster;
    } catch (error) {
      await cluster.close();
      throw error;
    }
  }

  get brokers(): readonly KafkaBroker[] {
    return this.brokerList;
  }

  /** Every broker's listener, the list a Kafka client bootstraps from. */
  get bootstrapServers(): string {
    return this.brokerList.map((broker) => broker.address).join(',');
  }

  /** What the brokers were given as `zookeeper.connect`: the ensemble plus the chroot. */
  get zooKeeperConnect(): string {
    return `${this.options.zooKeeperConnect}${this.options.chroot}`;
  }

  get chroot(): string {
    return this.options.chroot;
  }

  broker(id: number): KafkaBroker {
    const broker = this.brokerList.find((each) => each.id === id);
    if (!broker) {
      const ids = this.brokerList.map((each) => each.id).join(', ');
      throw new KafkaLauncherError(`no broker ${id} in this cluster (ids ${ids})`);
    }
    return broker;
  }

  /** The ids under `/brokers/ids`: the brokers holding a live registration, as ZooKeeper sees it. */
  async registeredBrokerIds(): Promise<number[]> {
    const { children } = await this.zooKeeper.getChildren('/brokers/ids');
    return children.map(Number).sort((a, b) => a - b);
  }

  /** The Stat of `/brokers/ids/<id>` (its czxid is the broker epoch), or null when not registered. */
  registration(id: number): Promise<Stat | null> {
    return this.zooKeeper.exists(`/brokers/ids/${id}`);
  }

  /** Who is controller now, or undefined in the gap between one controller and the next. */
  async controller(): Promise<ControllerState | undefined> {
    const controller = await this.zooKeeper.exists('/controller');
    if (!controller) return undefined;
    try {
      const [{ data }, epoch] = await Promise.all([
        this.zooKeeper.getData('/controller'),
        this.zooKeeper.getData('/controller_epoch'),
      ]);
      const { brokerid } = JSON.parse(data.toString('utf8')) as { brokerid: number };
      return {
        brokerId: brokerid,
        epoch: Number(epoch.data.toString('utf8')),
        epochZkVersion: epoch.stat.version,
      };
    } catch (error) {
      // The controller vanished between exists and getData: an election is under way.
      if ((error as { code?: string }).code === 'NONODE') return undefined;
      throw error;
    }
  }

  /** Waits until a broker holds `/controller` (one other than `other`, when given). */
  async waitForController({
    other,
    timeoutMs = DEFAULT_WAIT_MS,
  }: WaitTimeout & { other?: number } = {}): Promise<ControllerState> {
    return waitUntil(
      other === undefined ? 'a controller' : `a controller other than broker ${other}`,
      async (): Promise<Probe<ControllerState>> => {
        this.throwOnUnexpectedExit();
        const controller = await this.probe(() => this.controller());
        if (controller && controller.brokerId !== other) return { done: true, value: controller };
        return { done: false, observed: controller ? `broker ${controller.brokerId}` : 'no /controller' };
      },
      { timeoutMs, intervalMs: 100 },
    );
  }

  /** Waits until `/brokers/ids/<id>` exists (with another broker epoch than `previousEpoch`). */
  async waitForRegistration(
    id: number,
    { previousEpoch, timeoutMs = DEFAULT_WAIT_MS }: WaitTimeout & { previousEpoch?: bigint } = {},
  ): Promise<Stat> {
    const broker = this.broker(id);
    return waitUntil(
      `broker ${id} to register in /brokers/ids`,
      async (): Promise<Probe<Stat>> => {
        const crashed = broker.exitError();
        if (crashed) throw crashed;
        const stat = await this.probe(() => this.registration(id));
        if (stat && stat.czxid !== previousEpoch) return { done: true, value: stat };
        return { done: false, observed: stat ? `still broker epoch ${stat.czxid}` : 'not registered' };
      },
      { timeoutMs, intervalMs: 100 },
    );
  }

  /** Waits until `/brokers/ids/<id>` is gone: after a kill, once the broker's session has expired. */
  async waitForDeregistration(id: number, { timeoutMs = DEFAULT_WAIT_MS }: WaitTimeout = {}): Promise<void> {
    await waitUntil(
      `broker ${id} to leave /brokers/ids`,
      async (): Promise<Probe<undefined>> => {
        const stat = await this.probe(() => this.registration(id));
        return stat
          ? { done: false, observed: `registered, epoch ${stat.czxid}` }
          : { done: true, value: undefined };
      },
      { timeoutMs, intervalMs: 100 },
    );
  }

  /** SIGKILL one broker: to the others and to ZooKeeper, a machine that vanished. */
  async kill(id: number): Promise<void> {
    await this.broker(id).kill();
  }

  /** SIGSTOP one broker: its sockets stay open, its ZooKeeper session times out, nothing answers. */
  async pause(id: number): Promise<void> {
    await this.broker(id).pause();
  }

  async resume(id: number): Promise<void> {
    await this.broker(id).resume();
  }

  /** SIGTERM one broker: a controlled shutdown, which moves its partition leadership away first. */
  async stop(id: number): Promise<ProcessExit | undefined> {
    return this.broker(id).stop();
  }

  /**
   * Starts a stopped (or killed) broker again with its id, port and data, and waits until it
   * registers and finishes starting. After a kill the old registration stays until its session
   * expires, and a broker that finds its id taken refuses to start, so this first waits for the old
   * one to go.
   */
  async restart(id: number, { timeoutMs = this.options.startTimeoutMs }: WaitTimeout = {}): Promise<Stat> {
    this.assertOpen();
    const broker = this.broker(id);
    if (broker.state !== 'stopped') await broker.stop();
    await this.waitForDeregistration(id, { timeoutMs });
    await broker.start();
    return this.waitUntilStarted(id, timeoutMs);
  }

  /** Waits until a (re)started broker has finished starting: registered, and every component up. */
  async waitForStartup(id: number, { timeoutMs = DEFAULT_WAIT_MS }: WaitTimeout = {}): Promise<void> {
    const broker = this.broker(id);
    await waitUntil(
      `broker ${id} to finish starting`,
      async (): Promise<Probe<undefined>> => {
        const crashed = broker.exitError();
        if (crashed) throw crashed;
        return broker.hasFinishedStarting()
          ? { done: true, value: undefined }
          : { done: false, observed: 'no "started" line in its log yet' };
      },
      { timeoutMs, intervalMs: 100 },
    );
  }

  /** Kills every broker, closes our session and removes the directory (kept when ZK_KEEP_DATA=1). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // SIGKILL rather than a clean stop: the data is about to be deleted and tests wait on close().
    await Promise.all(this.brokerList.map((broker) => broker.kill()));
    await this.zooKeeper.close();
    if (this.options.keepData) return;
    rmSync(this.directory, { recursive: true, force: true });
    releaseDirectory(this.directory);
  }

  // A port lost to another process between allocating and binding is the one start failure worth
  // retrying, with a fresh port: nothing knows the broker's address before its first registration.
  private async startFirstTime(first: KafkaBroker): Promise<void> {
    let broker = first;
    for (let attempt = 1; ; attempt++) {
      await broker.start();
      try {
        await this.waitUntilStarted(broker.id, this.options.startTimeoutMs);
        return;
      } catch (error) {
        const retry = error instanceof BrokerStartError && error.portInUse && attempt < START_ATTEMPTS;
        if (!retry) throw error;
        const [port] = await allocateFreePorts(1, this.options.host);
        const address = { id: broker.id, host: broker.host, port: port! };
        broker = createBroker(address, this.directory, this.kafka, this.options, this.java);
        this.brokerList[this.brokerList.findIndex((each) => each.id === broker.id)] = broker;
      }
    }
  }

  // Registered first, then the rest of KafkaServer.startup; each wait gets the whole timeout.
  private async waitUntilStarted(id: number, timeoutMs: number): Promise<Stat> {
    const stat = await this.waitForRegistration(id, { timeoutMs });
    await this.waitForStartup(id, { timeoutMs });
    return stat;
  }

  // Our session may be reconnecting (a test killed a ZooKeeper server): that is "not yet", not a failure.
  private async probe<T>(read: () => Promise<T>): Promise<T | undefined> {
    try {
      return await read();
    } catch (error) {
      if (isConnectionLossClass(error)) return undefined;
      throw error;
    }
  }

  private throwOnUnexpectedExit(): void {
    for (const broker of this.brokerList) {
      const crashed = broker.exitError();
      if (crashed) throw crashed;
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new MemberStateError('this Kafka cluster is closed');
  }
}

function createBroker(
  address: BrokerAddress,
  directory: string,
  kafka: KafkaInstallation,
  options: ResolvedKafkaOptions,
  java: string,
): KafkaBroker {
  const files = brokerFiles(directory, address.id);
  const settings: BrokerSettings = {
    zooKeeperConnect: `${options.zooKeeperConnect}${options.chroot}`,
    brokerCount: options.brokers,
    zooKeeperSessionTimeoutMs: options.zooKeeperSessionTimeoutMs,
    replicaLagTimeMaxMs: options.replicaLagTimeMaxMs,
    extra: options.brokerConfig,
  };
  KafkaBroker.writeFiles(address, files, settings);
  const args = brokerJvmArguments(kafka, files.propertiesFile, options.heapMegabytes);
  return new KafkaBroker(address, files, { java, args });
}

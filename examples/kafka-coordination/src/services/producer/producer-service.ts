import { setTimeout as sleep } from 'node:timers/promises';
import { ZooKeeperClient } from '@zk-cookbook/core/client';
import {
  createApp,
  createMetricsRegistry,
  defaultLogger,
  healthRouter,
  hostCheck,
  listen,
  metricsRouter,
  sameOriginReads,
  zooKeeperSessionCheck,
  type RunningServer,
} from '@zk-cookbook/core/http';
import { Kafka, Partitioners, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { BrokerDirectory } from '../../discovery/broker-directory.ts';
import { kafkajsLogCreator } from './kafkajs-logger.ts';
import { MessageGenerator } from './message-generator.ts';
import { MessageSender } from './message-sender.ts';
import { producerRouter, type ProducerState } from './producer-api.ts';
import { registerProducerMetrics } from './producer-metrics.ts';
import { ensureTopic } from './topic-check.ts';

export interface ProducerOptions {
  /** Kafka's `zookeeper.connect`: the ensemble plus the cluster's chroot, e.g. 127.0.0.1:2181/kafka */
  kafkaZooKeeperConnect: string;
  /** the Kafka client id, and the `producer` header of generated messages */
  instanceId: string;
  /** the largest value POST /messages takes, in UTF-8 bytes. Default 100 000. */
  maxValueBytes?: number;
  /** a steady stream of numbered messages; none when absent or everyMs is 0 */
  generator?: { topic: string; everyMs: number; partitions: number };
  host?: string;
  port?: number;
  allowedHosts?: readonly string[];
  logger?: Logger;
}

export interface RunningProducer {
  readonly url: string;
  state(): ProducerState;
  close(): Promise<void>;
}

// Bounded retries: an idempotent producer otherwise retries for ever, and an HTTP caller waits. Ten
// retries backing off to 2 s span a leader failover (the dead broker's 6 s session timeout, then new
// metadata) with room to spare.
const SEND_RETRY = { retries: 10, initialRetryTime: 100, maxRetryTime: 2_000 };

/**
 * The producer service: finds the brokers in ZooKeeper (BrokerDirectory), connects an idempotent
 * kafkajs producer through them, and sends what POST /messages gives it, plus an optional steady
 * stream of numbered messages. Connecting happens in the background and is retried, so the service
 * starts (and answers /readyz 503) before the brokers are up, as in compose.
 */
export async function startProducer(options: ProducerOptions): Promise<RunningProducer> {
  const logger = (options.logger ?? defaultLogger()).child({
    service: 'producer',
    instance: options.instanceId,
  });
  const host = options.host ?? '127.0.0.1';
  const maxValueBytes = options.maxValueBytes ?? 100_000;
  const client = new ZooKeeperClient(options.kafkaZooKeeperConnect, {
    sessionTimeoutMs: 15_000,
    logger: logger.child({ component: 'zookeeper' }),
  });
  client.start();

  const stopping = new AbortController();
  let directory: BrokerDirectory | undefined;
  let producer: Producer | undefined;
  let sender: MessageSender | undefined;
  let generator: MessageGenerator | undefined;
  let connectProblem = 'finding brokers in /brokers/ids';

  const registry = createMetricsRegistry();
  const metrics = registerProducerMetrics(registry, () => directory?.current.length ?? 0);
  const state = (): ProducerState => ({
    instanceId: options.instanceId,
    connected: sender !== undefined,
    brokers: directory?.current ?? [],
    generator: generator?.state(),
    ...(sender?.counts() ?? { sent: 0, errors: 0, lastError: undefined, recent: [] }),
  });

  const app = createApp({
    logger,
    guards: [
      hostCheck({ boundHost: host, ...(options.allowedHosts && { allowedHosts: options.allowedHosts }) }),
      // No cookies, no session: refusing what a browser marks as cross-site is the CSRF defence.
      sameOriginReads(),
    ],
    // JSON escaping can make a value up to six times longer on the wire than in UTF-8.
    bodyLimit: maxValueBytes * 6 + 4_096,
    quietPaths: ['/healthz', '/readyz', '/metrics', '/api/state'],
    routes: [
      healthRouter({
        zookeeper: zooKeeperSessionCheck(client),
        kafka: () =>
          sender
            ? {
                ready: true,
                detail: `connected through ${directory?.current.length ?? 0} discovered broker(s)`,
              }
            : { ready: false, detail: connectProblem },
      }),
      metricsRouter(registry),
      producerRouter({ client, state, sender: () => sender, maxValueBytes }),
    ],
  });

  let server: RunningServer;
  try {
    server = await listen(app, { host, ...(options.port !== undefined && { port: options.port }) });
  } catch (error) {
    await client.close();
    throw error;
  }
  logger.info({ url: server.url, zookeeper: options.kafkaZooKeeperConnect }, 'producer listening');

  const connectAndGenerate = async (): Promise<void> => {
    directory = await untilDone('finding brokers in /brokers/ids', () => BrokerDirectory.open(client));
    directory.on('change', (brokers) => logger.info({ brokers }, 'brokers in /brokers/ids changed'));
    directory.on('error', (error) => logger.warn({ err: error }, 'reading /brokers/ids failed'));
    const kafka = new Kafka({
      clientId: options.instanceId,
      // A function, not a list: kafkajs asks it at every (re)connect, so it follows /brokers/ids.
      brokers: directory.bootstrapServers,
      logCreator: kafkajsLogCreator(logger),
      retry: SEND_RETRY,
    });
    const created = kafka.producer({
      // Named, so kafkajs does not warn about its v2 default: murmur2 by key, as the Java client.
      createPartitioner: Partitioners.DefaultPartitioner,
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      retry: SEND_RETRY,
    });
    producer = created;
    await untilDone('connecting the producer', () => created.connect());
    sender = new MessageSender(created, metrics);
    logger.info({ brokers: directory.current }, 'producer connected');

    const settings = options.generator;
    if (!settings || settings.everyMs <= 0) return;
    const admin = kafka.admin();
    await untilDone('connecting the admin client', () => admin.connect());
    try {
      const brokers = () => directory?.current.length ?? 1;
      await ensureTopic(client, admin, { ...settings, brokers }, stopping.signal);
    } finally {
      await admin.disconnect();
    }
    generator = new MessageGenerator(sender, { ...settings, instanceId: options.instanceId, logger });
    logger.info({ topic: settings.topic, everyMs: settings.everyMs }, 'generating numbered messages');
    await generator.run(stopping.signal);
  };

  /** Repeats `attempt` once a second until it succeeds or the service stops; the failure is readiness detail. */
  const untilDone = async <T>(what: string, attempt: () => Promise<T>): Promise<T> => {
    for (;;) {
      stopping.signal.throwIfAborted();
      try {
        return await attempt();
      } catch (error) {
        if (stopping.signal.aborted) throw error;
        connectProblem = `${what}: ${(error as Error).message}`;
        logger.debug({ err: error }, connectProblem);
      }
      await sleep(1_000, undefined, { signal: stopping.signal });
    }
  };

  const running = connectAndGenerate().catch((error: unknown) => {
    if (!stopping.signal.aborted) logger.error({ err: error }, 'the producer stopped working');
  });

  let closing: Promise<void> | undefined;
  return {
    url: server.url,
    state,
    close() {
      closing ??= (async () => {
        stopping.abort();
        await server.close({ graceMs: 2_000 });
        await running;
        await producer
          ?.disconnect()
          .catch((error: unknown) => logger.debug({ err: error }, 'disconnect failed'));
        directory?.close();
        await client.close();
      })();
      return closing;
    },
  };
}

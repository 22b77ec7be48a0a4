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
import { Router } from 'express';
import { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { BrokerDirectory } from '../discovery/broker-directory.ts';
import { BookConsumer, type BookConsumerState } from './book-consumer.ts';
import { newConsumerId } from './consumer-group-layout.ts';
import { registerConsumerMetrics } from './consumer-metrics.ts';
import { kafkajsLogCreator } from '../services/producer/kafkajs-logger.ts';

export interface ConsumerServiceOptions {
  /** Kafka's `zookeeper.connect`: the ensemble plus the cluster's chroot, e.g. 127.0.0.1:2181/kafka */
  kafkaZooKeeperConnect: string;
  group: string;
  topic: string;
  /** the member's consumer id is `<group>_<instanceId>`; default a fresh Kafka 0.8-style id */
  instanceId?: string;
  /** default 10 s: how long a dead member's partitions stay owned */
  sessionTimeoutMs?: number;
  commitIntervalMs?: number;
  startFrom?: 'earliest' | 'latest';
  /** simulated work per message; default none */
  processDelayMs?: number;
  host?: string;
  port?: number;
  allowedHosts?: readonly string[];
  logger?: Logger;
}

/** GET /api/state: the member's view of itself. */
export interface ConsumerServiceState {
  readonly joined: boolean;
  readonly problem: string | undefined;
  readonly member: BookConsumerState | undefined;
  /** messages processed per partition since start */
  readonly consumedByPartition: Record<string, number>;
}

export interface RunningConsumerService {
  readonly url: string;
  readonly client: ZooKeeperClient;
  /** resolves once the member has joined and finished its first rebalance */
  readonly joined: Promise<void>;
  state(): ConsumerServiceState;
  /** a clean leave: commit, release the owner nodes, leave the group, close the session */
  close(): Promise<void>;
}

/**
 * A member of the book's consumer group as a service: it listens first (so /readyz can say why it is
 * not ready), then finds the brokers in /brokers/ids, joins the group and consumes. Processing here
 * is counting (plus an optional delay); the point is what the group does around it.
 */
export async function startConsumerService(options: ConsumerServiceOptions): Promise<RunningConsumerService> {
  const consumerId = options.instanceId
    ? `${options.group}_${options.instanceId}`
    : newConsumerId(options.group);
  const logger = (options.logger ?? defaultLogger()).child({ service: 'consumer', consumerId });
  const host = options.host ?? '127.0.0.1';
  const client = new ZooKeeperClient(options.kafkaZooKeeperConnect, {
    sessionTimeoutMs: options.sessionTimeoutMs ?? 10_000,
    logger: logger.child({ component: 'zookeeper' }),
  });
  client.on('suspended', () =>
    logger.warn('disconnected from ZooKeeper: stopped consuming until it is back'),
  );
  client.on('lost', () => logger.warn('ZooKeeper session expired: ownership dropped, rejoining'));
  client.start();

  const stopping = new AbortController();
  let directory: BrokerDirectory | undefined;
  let consumer: BookConsumer | undefined;
  let joined = false;
  let problem: string | undefined = 'connecting to ZooKeeper';
  const consumedByPartition: Record<string, number> = {};

  const registry = createMetricsRegistry();
  const metrics = registerConsumerMetrics(registry, () => consumer?.state);
  const state = (): ConsumerServiceState => ({
    joined,
    problem,
    member: consumer?.state,
    consumedByPartition: { ...consumedByPartition },
  });

  const api = Router();
  api.get('/api/state', (_request, response) => {
    response.json(state());
  });
  const app = createApp({
    logger,
    guards: [
      hostCheck({ boundHost: host, ...(options.allowedHosts && { allowedHosts: options.allowedHosts }) }),
      sameOriginReads(),
    ],
    quietPaths: ['/healthz', '/readyz', '/metrics', '/api/state'],
    routes: [
      healthRouter({
        zookeeper: zooKeeperSessionCheck(client),
        group: () =>
          consumer?.state.consuming
            ? {
                ready: true,
                detail: `consuming partitions ${consumer.state.owned.map((p) => p.partition).join(',')}`,
              }
            : { ready: joined, detail: joined ? 'a member with no partitions now' : (problem ?? 'joining') },
      }),
      metricsRouter(registry),
      api,
    ],
  });

  let server: RunningServer;
  try {
    server = await listen(app, { host, ...(options.port !== undefined && { port: options.port }) });
  } catch (error) {
    await client.close();
    throw error;
  }
  logger.info({ url: server.url, group: options.group, topic: options.topic }, 'consumer listening');

  const join = async (): Promise<void> => {
    await client.waitForConnected({ signal: stopping.signal, timeoutMs: 24 * 3600_000 });
    problem = 'finding brokers in /brokers/ids';
    directory = await BrokerDirectory.open(client);
    directory.on('error', (error) => logger.warn({ err: error }, 'reading /brokers/ids failed'));
    const kafka = new Kafka({
      clientId: consumerId,
      brokers: directory.bootstrapServers,
      logCreator: kafkajsLogCreator(logger),
    });
    const member = new BookConsumer({
      client,
      kafka,
      group: options.group,
      topic: options.topic,
      consumerId,
      logger,
      ...(options.commitIntervalMs !== undefined && { commitIntervalMs: options.commitIntervalMs }),
      ...(options.startFrom && { startFrom: options.startFrom }),
      process: async ({ partition }) => {
        if (options.processDelayMs) await sleep(options.processDelayMs);
        consumedByPartition[partition] = (consumedByPartition[partition] ?? 0) + 1;
        metrics.consumed.inc({ partition: String(partition) });
      },
    });
    member.on('rebalanced', (partitions, durationMs) =>
      logger.info({ partitions, durationMs }, 'rebalanced'),
    );
    member.on('failure', (error) => logger.warn({ err: error }, 'consumer group trouble'));
    consumer = member;
    problem = 'joining the group';
    await member.start();
    joined = true;
    problem = undefined;
  };
  const joining = join().catch((error: unknown) => {
    if (stopping.signal.aborted) return;
    problem = (error as Error).message;
    logger.error({ err: error }, 'could not join the consumer group');
  });

  let closing: Promise<void> | undefined;
  return {
    url: server.url,
    client,
    joined: joining,
    state,
    close() {
      closing ??= (async () => {
        stopping.abort();
        await joining;
        await consumer?.close();
        directory?.close();
        await server.close({ graceMs: 2_000 });
        await client.close();
      })();
      return closing;
    },
  };
}

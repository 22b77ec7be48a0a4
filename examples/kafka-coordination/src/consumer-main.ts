// A member of the book's consumer group as a process: partitions owned in ZooKeeper, offsets kept in
// ZooKeeper, messages read with kafkajs through brokers found in /brokers/ids.
//   KAFKA_ZOOKEEPER_CONNECT=127.0.0.1:2181/kafka CONSUMER_GROUP=book-consumers CONSUMER_TOPIC=numbers \
//   INSTANCE_ID=consumer-1 PORT=8151 node --conditions=zk-cookbook-source --import tsx src/consumer-main.ts
import { runService } from '@zk-cookbook/core/http';
import { consumerEnvironment } from './book-consumer-group/consumer-environment.ts';
import { startConsumerService } from './book-consumer-group/consumer-service.ts';

await runService(
  (logger) => {
    const env = consumerEnvironment();
    return startConsumerService({
      kafkaZooKeeperConnect: env.kafkaZooKeeperConnect,
      group: env.CONSUMER_GROUP,
      topic: env.CONSUMER_TOPIC,
      ...(env.INSTANCE_ID && { instanceId: env.INSTANCE_ID }),
      sessionTimeoutMs: env.SESSION_TIMEOUT_MS,
      commitIntervalMs: env.COMMIT_INTERVAL_MS,
      startFrom: env.START_FROM,
      processDelayMs: env.PROCESS_DELAY_MS,
      host: env.HOST,
      port: env.PORT,
      allowedHosts: env.ALLOWED_HOSTS,
      logger,
    });
  },
  { shutdownSteps: 'committing offsets, releasing the partitions, leaving the group, closing the session' },
);

// The producer as a process: POST /messages into Kafka through brokers found in ZooKeeper, and an
// optional steady stream of numbered messages (GENERATE_EVERY_MS, GENERATE_TOPIC).
//   KAFKA_ZOOKEEPER_CONNECT=127.0.0.1:2181/kafka PORT=8141 GENERATE_EVERY_MS=500 \
//     node --conditions=zk-cookbook-source --import tsx src/producer-main.ts
import { hostname } from 'node:os';
import { runService } from '@zk-cookbook/core/http';
import { startProducer } from './services/producer/producer-service.ts';
import { producerEnvironment } from './services/service-environment.ts';

await runService(
  (logger) => {
    const env = producerEnvironment();
    return startProducer({
      kafkaZooKeeperConnect: env.kafkaZooKeeperConnect,
      instanceId: env.INSTANCE_ID ?? `producer-${hostname()}`,
      maxValueBytes: env.MAX_VALUE_BYTES,
      generator: {
        topic: env.GENERATE_TOPIC,
        everyMs: env.GENERATE_EVERY_MS,
        partitions: env.GENERATE_PARTITIONS,
      },
      host: env.HOST,
      port: env.PORT,
      allowedHosts: env.ALLOWED_HOSTS,
      logger,
    });
  },
  { shutdownSteps: 'stopping the generator, disconnecting from Kafka, closing the session' },
);

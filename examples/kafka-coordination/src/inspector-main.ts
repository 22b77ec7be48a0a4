// The inspector as a process: a live page and JSON API of a Kafka cluster's znodes.
//   KAFKA_ZOOKEEPER_CONNECT=127.0.0.1:2181/kafka PORT=8140 \
//     node --conditions=zk-cookbook-source --import tsx src/inspector-main.ts
import { runService } from '@zk-cookbook/core/http';
import { startInspector } from './services/inspector/inspector-service.ts';
import { inspectorEnvironment } from './services/service-environment.ts';

await runService(
  (logger) => {
    const env = inspectorEnvironment();
    return startInspector({
      kafkaZooKeeperConnect: env.kafkaZooKeeperConnect,
      host: env.HOST,
      port: env.PORT,
      allowedHosts: env.ALLOWED_HOSTS,
      logger,
    });
  },
  { shutdownSteps: 'closing the event streams and the session' },
);

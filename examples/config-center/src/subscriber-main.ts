// A subscriber as a process: `zk-cookbook run config-center` starts three, compose three; by hand:
//   ZK_CONNECT=127.0.0.1:2181 INSTANCE_ID=subscriber-1 PORT=8081 \
//     node --conditions=zk-cookbook-source --import tsx src/subscriber-main.ts
import { runService } from '@zk-cookbook/core/http';
import { subscriberEnvironment } from './service-environment.ts';
import { startSubscriber } from './subscriber/subscriber-service.ts';

await runService(
  (logger) => {
    const env = subscriberEnvironment();
    return startSubscriber({
      connectString: env.ZK_CONNECT,
      instanceId: env.INSTANCE_ID ?? `${env.SERVICE_NAME ?? 'subscriber'}-${process.pid}`,
      ...(env.CONFIG_ROOT && { root: env.CONFIG_ROOT }),
      ...(env.ADVERTISED_URL && { advertisedUrl: env.ADVERTISED_URL }),
      host: env.HOST,
      port: env.PORT,
      allowedHosts: env.ALLOWED_HOSTS,
      logger,
    });
  },
  { shutdownSteps: 'finishing requests, deregistering, closing the session' },
);

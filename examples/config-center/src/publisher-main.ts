// The publisher as a process: `zk-cookbook run config-center`, compose, or by hand:
//   ZK_CONNECT=127.0.0.1:2181 ADMIN_SECRET=... PORT=8080 \
//     node --conditions=zk-cookbook-source --import tsx src/publisher-main.ts
import { runService } from '@zk-cookbook/core/http';
import { startPublisher } from './publisher/publisher-service.ts';
import { publisherEnvironment } from './service-environment.ts';

await runService(
  (logger) => {
    const env = publisherEnvironment();
    return startPublisher({
      connectString: env.ZK_CONNECT,
      adminSecret: env.ADMIN_SECRET,
      ...(env.ADMIN_USER && { adminUser: env.ADMIN_USER }),
      ...(env.CONFIG_ROOT && { root: env.CONFIG_ROOT }),
      host: env.HOST,
      port: env.PORT,
      allowedHosts: env.ALLOWED_HOSTS,
      logger: logger.child({ instanceId: env.INSTANCE_ID ?? 'publisher' }),
    });
  },
  { shutdownSteps: 'finishing requests, deregistering, closing the session' },
);

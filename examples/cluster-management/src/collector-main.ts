// A collector as a process: `zk-cookbook run cluster-management`, compose, or by hand:
//   ZK_CONNECT=127.0.0.1:2181 INSTANCE_ID=collector-1 PORT=8092 \
//     node --conditions=zk-cookbook-source --import tsx src/collector-main.ts
import { runService } from '@zk-cookbook/core/http';
import { hostname } from 'node:os';
import { startCollector } from './collector/collector-service.ts';
import { collectorEnvironment } from './service-environment.ts';

await runService(
  (logger) => {
    const env = collectorEnvironment();
    return startCollector({
      connectString: env.ZK_CONNECT,
      id: env.INSTANCE_ID ?? `collector-${hostname()}`,
      ...(env.CLUSTER_ROOT && { root: env.CLUSTER_ROOT }),
      ...(env.ADVERTISED_URL && { advertisedUrl: env.ADVERTISED_URL }),
      ...(env.SESSION_TIMEOUT_MS && { sessionTimeoutMs: env.SESSION_TIMEOUT_MS }),
      host: env.HOST,
      port: env.PORT,
      allowedHosts: env.ALLOWED_HOSTS,
      logger,
    });
  },
  { shutdownSteps: 'leaving the group, closing the session' },
);

// A coordinator as a process (the management API, the live page, and a candidate for leading):
//   ZK_CONNECT=127.0.0.1:2181 INSTANCE_ID=coordinator-1 PORT=8091 \
//     node --conditions=zk-cookbook-source --import tsx src/coordinator-main.ts
import { runService } from '@zk-cookbook/core/http';
import { hostname } from 'node:os';
import { startCoordinator } from './coordinator/coordinator-service.ts';
import { coordinatorEnvironment } from './service-environment.ts';

await runService(
  (logger) => {
    const env = coordinatorEnvironment();
    return startCoordinator({
      connectString: env.ZK_CONNECT,
      id: env.INSTANCE_ID ?? `coordinator-${hostname()}`,
      strategy: env.ASSIGNMENT_STRATEGY,
      seedSources: env.SEED_SOURCES,
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

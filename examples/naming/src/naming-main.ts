// The naming service as a process: `zk-cookbook run naming`, compose, or by hand:
//   ZK_CONNECT=127.0.0.1:2181 ID_TYPES=job=sequential,invoice=range:1000 PORT=8080 \
//     node --conditions=zk-cookbook-source --import tsx src/naming-main.ts
import { runService } from '@zk-cookbook/core/http';
import { startNamingService } from './naming-service.ts';
import { namingEnvironment } from './service-environment.ts';

await runService(
  (logger) => {
    const env = namingEnvironment();
    return startNamingService({
      connectString: env.ZK_CONNECT,
      instanceId: env.INSTANCE_ID ?? env.SERVICE_NAME ?? 'naming',
      idTypes: env.ID_TYPES,
      ...(env.NAMING_ROOT && { root: env.NAMING_ROOT }),
      ...(env.SESSION_TIMEOUT_MS && { sessionTimeoutMs: env.SESSION_TIMEOUT_MS }),
      host: env.HOST,
      port: env.PORT,
      allowedHosts: env.ALLOWED_HOSTS,
      logger,
    });
  },
  { shutdownSteps: 'finishing requests, unbinding, closing the session' },
);

// The gateway as a process: `zk-cookbook run load-balancing`, compose, or by hand:
//   ZK_CONNECT=127.0.0.1:2181 STRATEGY=consistent-hash PORT=8120 \
//     node --conditions=zk-cookbook-source --import tsx src/gateway-main.ts
import { startGateway } from './gateway/gateway-service.ts';
import { gatewayEnvironment } from './service-environment.ts';
import { runAsProcess } from './service-process.ts';

await runAsProcess((logger) => {
  const env = gatewayEnvironment();
  return startGateway({
    connectString: env.ZK_CONNECT,
    strategy: { strategy: env.STRATEGY, preferZone: env.PREFER_ZONE },
    maxAttempts: env.MAX_ATTEMPTS,
    attemptTimeoutMs: env.ATTEMPT_TIMEOUT_MS,
    breaker: { failureThreshold: env.BREAKER_FAILURES, openMs: env.BREAKER_OPEN_MS },
    host: env.HOST,
    port: env.PORT,
    allowedHosts: env.ALLOWED_HOSTS,
    sessionTimeoutMs: env.SESSION_TIMEOUT_MS,
    ...(env.LB_ROOT && { root: env.LB_ROOT }),
    ...(env.DISCOVERY_SERVICE && { serviceName: env.DISCOVERY_SERVICE }),
    logger: logger.child({ instanceId: env.INSTANCE_ID ?? 'gateway' }),
  });
});

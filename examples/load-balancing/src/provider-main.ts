// A provider as a process: `zk-cookbook run load-balancing` starts three, compose too; by hand:
//   ZK_CONNECT=127.0.0.1:2181 INSTANCE_ID=provider-1 WEIGHT=2 ZONE=eu-1 PORT=8121 \
//     node --conditions=zk-cookbook-source --import tsx src/provider-main.ts
import { startProvider } from './provider/provider-service.ts';
import { providerEnvironment } from './service-environment.ts';
import { runAsProcess } from './service-process.ts';

await runAsProcess((logger) => {
  const env = providerEnvironment();
  return startProvider({
    connectString: env.ZK_CONNECT,
    instanceId: env.INSTANCE_ID ?? `${env.SERVICE_NAME ?? 'provider'}-${process.pid}`,
    weight: env.WEIGHT,
    zone: env.ZONE,
    host: env.HOST,
    port: env.PORT,
    allowedHosts: env.ALLOWED_HOSTS,
    sessionTimeoutMs: env.SESSION_TIMEOUT_MS,
    ...(env.ADVERTISED_ADDRESS && { advertisedAddress: env.ADVERTISED_ADDRESS }),
    ...(env.LB_ROOT && { root: env.LB_ROOT }),
    ...(env.DISCOVERY_SERVICE && { serviceName: env.DISCOVERY_SERVICE }),
    logger,
  });
});

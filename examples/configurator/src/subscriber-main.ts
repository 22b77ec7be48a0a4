// The demo subscriber as a process (see server-main.ts for the environment it is started with).
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultLogger, untilShutdownSignal } from '@zk-cookbook/core/http';
import { environment } from './environment.ts';
import { startSubscriberService } from './subscriber/subscriber-service.ts';

const env = environment();
const instanceId = process.env.INSTANCE_ID ?? `subscriber-${process.pid}`;
const namespace = process.env.CONFIG_NAMESPACE ?? 'demo';
const logger = defaultLogger().child({
  service: process.env.SERVICE_NAME ?? 'subscriber',
  instance: instanceId,
});
const service = await startSubscriberService({
  connectString: env.zkConnect,
  host: env.host,
  port: env.port,
  allowedHosts: env.allowedHosts,
  namespace,
  instanceId,
  logger,
  fallbackFile:
    process.env.CONFIG_FALLBACK_FILE ??
    join(tmpdir(), 'zk-cookbook-configurator', `${namespace}-${instanceId}.json`),
  ...(process.env.CONFIGURATOR_ROOT && { root: process.env.CONFIGURATOR_ROOT }),
  ...(env.positive('ZK_SESSION_TIMEOUT_MS') !== undefined && {
    sessionTimeoutMs: env.positive('ZK_SESSION_TIMEOUT_MS'),
  }),
});
const signal = await untilShutdownSignal();
logger.info({ signal }, 'shutting down');
await service.close();

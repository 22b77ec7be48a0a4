// The Configurator service as a process: `zk-cookbook run configurator` and compose start it with
// ZK_CONNECT, HOST and PORT (and the editors) in the environment; SIGTERM or Ctrl-C stops it cleanly.
import { defaultLogger, untilShutdownSignal } from '@zk-cookbook/core/http';
import { parseEditors } from './service/editors.ts';
import { startConfigurator } from './service/configurator-service.ts';
import { environment } from './environment.ts';

const logger = defaultLogger().child({
  service: process.env.SERVICE_NAME ?? 'configurator',
  instance: process.env.INSTANCE_ID,
});
const env = environment();
const editors = parseEditors({
  passwords: process.env.CONFIGURATOR_EDITORS,
  digests: process.env.CONFIGURATOR_EDITOR_DIGESTS,
});
if (editors.length === 0) logger.warn('no editors configured (CONFIGURATOR_EDITORS): nobody can publish');
const service = await startConfigurator({
  connectString: env.zkConnect,
  host: env.host,
  port: env.port,
  allowedHosts: env.allowedHosts,
  editors,
  logger,
  seedDemo: process.env.CONFIGURATOR_SEED_DEMO === '1',
  ...(process.env.CONFIGURATOR_ROOT && { root: process.env.CONFIGURATOR_ROOT }),
  ...(env.positive('CONFIGURATOR_MAX_VALUE_BYTES') !== undefined && {
    maxValueBytes: env.positive('CONFIGURATOR_MAX_VALUE_BYTES'),
  }),
  ...(env.positive('CONFIGURATOR_KEEP_VERSIONS') !== undefined && {
    keepVersions: env.positive('CONFIGURATOR_KEEP_VERSIONS'),
  }),
});
const signal = await untilShutdownSignal();
logger.info({ signal }, 'shutting down');
await service.close();

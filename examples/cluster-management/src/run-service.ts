import { defaultLogger, untilShutdownSignal } from '@zk-cookbook/core/http';
import type { Logger } from 'pino';
import { ClusterManagementError } from './errors.ts';

/**
 * The life of a service process: start it, wait for SIGTERM or SIGINT, shut it down gracefully and
 * exit 0 — or exit 1 with a clear message if it cannot start.
 */
export async function runService(
  start: (logger: Logger) => Promise<{ close(): Promise<void> }>,
): Promise<void> {
  const logger = defaultLogger();
  let service: { close(): Promise<void> };
  try {
    service = await start(logger);
  } catch (error) {
    if (error instanceof ClusterManagementError) logger.fatal({ code: error.code }, error.message);
    else logger.fatal({ err: error }, 'could not start');
    process.exit(1);
  }
  const signal = await untilShutdownSignal();
  logger.info({ signal }, 'shutting down: leaving the group, closing the session');
  await service.close();
  logger.info('stopped');
  // Whatever timers a library still holds, the service is done.
  process.exit(0);
}

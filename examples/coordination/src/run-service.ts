import { defaultLogger, untilShutdownSignal } from '@zk-cookbook/core/http';
import type { Logger } from 'pino';
import { CoordinationError } from './errors.ts';

/**
 * A service process from start to exit: exit 1 with the reason if it cannot start; otherwise run
 * until SIGTERM or SIGINT, shut down gracefully and exit 0 (a second signal kills it outright).
 */
export async function runService(
  start: (logger: Logger) => Promise<{ close(): Promise<void> }>,
): Promise<void> {
  const logger = defaultLogger();
  const service = await start(logger).catch((error: unknown) => {
    if (error instanceof CoordinationError) logger.fatal({ code: error.code }, error.message);
    else logger.fatal({ err: error }, 'could not start');
    process.exit(1);
  });
  const signal = await untilShutdownSignal();
  logger.info({ signal }, 'shutting down: stepping down, leaving the group, closing the session');
  await service.close();
  logger.info('stopped');
  // Whatever timers a library still holds, the service is done.
  process.exit(0);
}

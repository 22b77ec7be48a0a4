import { defaultLogger, untilShutdownSignal } from '@zk-cookbook/core/http';
import type { Logger } from 'pino';
import { LoadBalancingError } from './errors.ts';

/**
 * A service as a process: start it; on SIGTERM or SIGINT shut it down gracefully and exit 0; if it
 * cannot start, exit 1 saying why. (A second signal during shutdown ends the process at once: by
 * then Node's default handler is back.)
 */
export async function runAsProcess(
  start: (logger: Logger) => Promise<{ close(): Promise<void> }>,
): Promise<void> {
  const logger = defaultLogger();
  const service = await start(logger).catch((error: unknown) => {
    const detail = error instanceof LoadBalancingError ? { code: error.code } : { err: error };
    logger.fatal(detail, error instanceof Error ? error.message : 'could not start');
    process.exit(1);
  });
  const signal = await untilShutdownSignal();
  logger.info({ signal }, 'shutting down');
  await service.close();
  logger.info('stopped');
  // Whatever a library still holds open, the service is done.
  process.exit(0);
}

import { defaultLogger, untilShutdownSignal } from '@zk-cookbook/core/http';
import type { Logger } from 'pino';
import { SettingsError } from './settings-error.ts';

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
    if (error instanceof SettingsError) logger.fatal({ problems: error.problems }, error.message);
    else logger.fatal({ err: error }, 'could not start');
    process.exit(1);
  }
  const signal = await untilShutdownSignal();
  logger.info({ signal }, 'shutting down');
  await service.close();
  logger.info('stopped');
  // kafkajs keeps retry timers of its own after disconnect; the service is done, so is the process.
  process.exit(0);
}

import type { Logger } from 'pino';
import { defaultLogger } from './create-app.ts';
import { untilShutdownSignal } from './shutdown-signal.ts';

export interface RunServiceOptions {
  /** What shutting down does, for the log line, e.g. "leaving the group, closing the session". */
  readonly shutdownSteps?: string;
  readonly logger?: Logger;
}

/**
 * The life of a service process: start it, wait for SIGTERM or SIGINT, shut it down gracefully and
 * exit 0 — or exit 1 with the reason if it cannot start. An error that carries a string `code` (a
 * pattern's own, a recipe's, ZooKeeper's) is an expected refusal, logged as its code and message; any
 * other is logged with its stack. A second signal during shutdown meets Node's default handler and
 * ends the process at once.
 */
export async function runService(
  start: (logger: Logger) => Promise<{ close(): Promise<void> }>,
  options: RunServiceOptions = {},
): Promise<void> {
  const logger = options.logger ?? defaultLogger();
  let service: { close(): Promise<void> };
  try {
    service = await start(logger);
  } catch (error) {
    const code = codeOf(error);
    if (code === undefined) logger.fatal({ err: error }, 'could not start');
    else logger.fatal({ code }, (error as Error).message);
    process.exit(1);
  }
  const signal = await untilShutdownSignal();
  logger.info(
    { signal },
    `shutting down: ${options.shutdownSteps ?? 'finishing requests, closing the session'}`,
  );
  await service.close();
  logger.info('stopped');
  // Whatever timers a library still holds, the service is done.
  process.exit(0);
}

function codeOf(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const { code } = error as { code?: unknown };
  return typeof code === 'string' ? code : undefined;
}

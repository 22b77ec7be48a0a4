import express, { type Express, type RequestHandler } from 'express';
import { pino, type Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { errorHandler, notFoundHandler } from './error-handler.ts';

export interface AppOptions {
  /**
   * Checks every request passes before its body is read or a route sees it, in order: typically
   * hostCheck() and csrfProtection().guard. A refusal is an HttpError, answered as JSON.
   */
  guards?: readonly RequestHandler[];
  /** Routers and middleware, mounted in order between the shared front and back ends. */
  routes: readonly RequestHandler[];
  logger?: Logger;
  /** Largest JSON body accepted; larger ones get 413. Default 1 MiB, ZooKeeper's own limit for a node. */
  bodyLimit?: string | number;
  /** Paths whose successful requests are not logged (health checks, scrapes, dashboard polling). */
  quietPaths?: readonly string[];
}

const DEFAULT_QUIET_PATHS = ['/healthz', '/readyz', '/metrics'];

/**
 * The express app every service starts from: request logging, the guards, JSON bodies, the
 * service's routes, then JSON 404s and the error middleware. Whatever a client sends, the answer is JSON; a malformed
 * or oversize body is a 4xx, never a crash.
 */
export function createApp({
  guards = [],
  routes,
  logger = defaultLogger(),
  bodyLimit = '1mb',
  quietPaths = DEFAULT_QUIET_PATHS,
}: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(
    pinoHttp({
      logger,
      autoLogging: { ignore: (request) => quietPaths.includes((request.url ?? '/').split('?')[0] ?? '/') },
      customLogLevel: (_request, response, error) =>
        error || response.statusCode >= 500 ? 'error' : response.statusCode >= 400 ? 'warn' : 'info',
    }),
  );
  app.use((_request, response, next) => {
    response.set('X-Content-Type-Options', 'nosniff');
    next();
  });
  for (const guard of guards) app.use(guard);
  app.use(express.json({ limit: bodyLimit }));
  for (const route of routes) app.use(route);
  app.use(notFoundHandler());
  app.use(errorHandler());
  return app;
}

/** pino at LOG_LEVEL (default info), JSON lines on stdout. */
export function defaultLogger(): Logger {
  return pino({ level: process.env.LOG_LEVEL ?? 'info' });
}

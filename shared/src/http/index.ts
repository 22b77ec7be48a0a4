// What every HTTP service of the cookbook shares: app, errors, validation, health, metrics, SSE, lifecycle.
export { createApp, defaultLogger, type AppOptions } from './create-app.ts';
export { HttpError, type ErrorBody } from './http-error.ts';
export { errorHandler, notFoundHandler, toHttpError } from './error-handler.ts';
export { httpStatusOf, zooKeeperHttpError } from './zookeeper-status.ts';
export {
  parseRequest,
  invalidRequest,
  znodePath,
  type ParsedRequest,
  type RequestSchemas,
  type ValidationIssue,
} from './validation.ts';
export { healthRouter, zooKeeperSessionCheck, type ReadinessCheck, type ReadinessResult } from './health.ts';
export { createMetricsRegistry, metricsRouter } from './metrics.ts';
export { openEventStream, type EventStream, type EventStreamOptions } from './event-stream.ts';
export { listen, type ListenOptions, type RunningServer } from './listen.ts';
export { untilShutdownSignal } from './shutdown-signal.ts';

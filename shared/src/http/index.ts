// What every HTTP service of the cookbook shares: app, guards (Host, CSRF), errors, validation, health,
// metrics, SSE, lifecycle.
export { createApp, defaultLogger, type AppOptions } from './create-app.ts';
export { HttpError, type ErrorBody } from './http-error.ts';
export { errorHandler, notFoundHandler, toHttpError } from './error-handler.ts';
export { httpStatusOf, zooKeeperHttpError } from './zookeeper-status.ts';
export { recipeHttpError } from './recipe-status.ts';
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
export {
  openEventStream,
  LAGGED_EVENT,
  type EventStream,
  type EventStreamOptions,
  type EventStreamStats,
} from './event-stream.ts';
export { EventStreams, type EventStreamSlot, type EventStreamsOptions } from './event-streams.ts';
export { hostCheck, isLoopbackHost, type HostCheckOptions } from './host-check.ts';
export { csrfProtection, sameOriginReads, CSRF_HEADER, type CsrfProtection } from './csrf-protection.ts';
export { listen, type ListenOptions, type RunningServer } from './listen.ts';
export { untilShutdownSignal } from './shutdown-signal.ts';
export { runService, type RunServiceOptions } from './run-service.ts';

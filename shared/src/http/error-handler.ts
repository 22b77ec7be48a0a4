import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZooKeeperError } from '../client/index.ts';
import { RecipeError } from '../recipes/core/errors.ts';
import { HttpError } from './http-error.ts';
import { recipeHttpError } from './recipe-status.ts';
import { zooKeeperHttpError } from './zookeeper-status.ts';

/**
 * The single place where failures become HTTP answers. Handlers throw (express 5 forwards rejected
 * promises here); nothing below the edge formats responses.
 */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof ZooKeeperError) return zooKeeperHttpError(error);
  if (error instanceof RecipeError) return recipeHttpError(error);
  const bodyError = fromBodyParser(error);
  if (bodyError) return bodyError;
  return new HttpError(500, 'INTERNAL', 'internal error');
}

// body-parser and the router mark client mistakes with a 4xx `status` and a `type`.
function fromBodyParser(error: unknown): HttpError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, type, limit } = error as { status?: unknown; type?: unknown; limit?: unknown };
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  switch (type) {
    case 'entity.parse.failed':
      return new HttpError(400, 'MALFORMED_JSON', 'the request body is not a JSON object or array');
    case 'entity.too.large':
      return new HttpError(413, 'PAYLOAD_TOO_LARGE', `the request body exceeds ${String(limit)} bytes`, {
        limitBytes: limit,
      });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', (error as Error).message);
    default:
      return new HttpError(status, 'BAD_REQUEST', (error as Error).message || 'bad request');
  }
}

export function errorHandler(): ErrorRequestHandler {
  return (error, request, response, next) => {
    const httpError = toHttpError(error);
    if (httpError.status >= 500) request.log?.error({ err: error }, 'request failed');
    else request.log?.debug({ err: error }, 'request rejected');
    // A stream (SSE) that already started cannot turn into a JSON error; express closes it.
    if (response.headersSent) {
      next(error);
      return;
    }
    response.status(httpError.status).set(httpError.headers).json(httpError.body);
  };
}

/** Unknown routes answer JSON like every other error, not express's HTML page. */
export function notFoundHandler(): RequestHandler {
  return (request, _response, next) => {
    next(new HttpError(404, 'NOT_FOUND', `no route for ${request.method} ${request.path}`));
  };
}

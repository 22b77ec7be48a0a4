import { isRecipeError } from '@zk-cookbook/core/recipes';
import { HttpError } from '@zk-cookbook/core/http';
import { NamingError, type NamingErrorCode } from './errors.ts';

const statusByCode: Record<NamingErrorCode, number> = {
  BAD_SETTINGS: 500,
  UNKNOWN_ID_TYPE: 404,
  ID_TYPE_CONFLICT: 409,
  CORRUPT_DATA: 500,
  BINDING_CONFLICT: 409,
  NO_BINDING: 404,
  CLOSED: 503,
};

/**
 * The pattern's and the recipes' failures as HTTP answers (ZooKeeper's own errors are mapped by the
 * shared error handler). A recipe that ran out of time or was closed means "try again in a
 * moment" — 503 with Retry-After, like a lost connection; anything else a recipe says is a fault
 * of this service (500), e.g. a sequence counter past 2^31 - 1.
 */
export function namingHttpError(error: unknown): unknown {
  if (error instanceof NamingError) {
    const status = statusByCode[error.code];
    return new HttpError(
      status,
      error.code,
      error.message,
      error.details.path === undefined ? {} : { path: error.details.path },
      status === 503 ? { 'Retry-After': '1' } : {},
    );
  }
  if (isRecipeError(error, 'TIMEOUT', 'ABORTED', 'CLOSED')) {
    return new HttpError(503, error.code, error.message, {}, { 'Retry-After': '1' });
  }
  if (isRecipeError(error)) return new HttpError(500, error.code, error.message);
  return error;
}

/** Runs a handler's work, turning the pattern's and the recipes' errors into HTTP errors. */
export async function answering<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw namingHttpError(error);
  }
}

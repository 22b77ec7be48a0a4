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
 * The pattern's own failures as HTTP answers. ZooKeeper's and the recipes' errors are mapped by the
 * shared error handler: a recipe that ran out of time or was closed means "try again in a moment"
 * (503 with Retry-After, like a lost connection); anything else a recipe says is a fault of this
 * service (500), e.g. a sequence counter past 2^31 - 1.
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
  return error;
}

/** Runs a handler's work, turning the pattern's errors into HTTP errors. */
export async function answering<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw namingHttpError(error);
  }
}

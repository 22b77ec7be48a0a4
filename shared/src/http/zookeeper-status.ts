import type { ZooKeeperError, ZooKeeperErrorCode } from '../client/index.ts';
import { HttpError } from './http-error.ts';

/**
 * Which HTTP status a ZooKeeper failure becomes. The split that matters to a caller:
 * - 4xx: the request itself is wrong for the current tree (missing node, version conflict, no
 *   permission, bad argument) — retrying the same request will fail the same way;
 * - 503: the service lost its link to ZooKeeper (connection loss, timeout, expired session) — the
 *   same request may well succeed in a moment, so the answer carries Retry-After;
 * - 500: ZooKeeper or this service misbehaved.
 * A Record rather than a switch, so that a code added to the client fails to compile until mapped.
 */
const statusByCode: Record<ZooKeeperErrorCode, number> = {
  NONODE: 404,
  NOWATCHER: 404,
  NODEEXISTS: 409,
  BADVERSION: 409,
  NOTEMPTY: 409,
  NOCHILDRENFOREPHEMERALS: 409,
  RECONFIGINPROGRESS: 409,
  QUOTAEXCEEDED: 409,
  NOAUTH: 403,
  RECONFIGDISABLED: 403,
  BADARGUMENTS: 400,
  INVALIDACL: 400,
  EPHEMERALONLOCALSESSION: 400,
  UNIMPLEMENTED: 501,
  CONNECTIONLOSS: 503,
  OPERATIONTIMEOUT: 503,
  REQUESTTIMEOUT: 503,
  SESSIONEXPIRED: 503,
  SESSIONMOVED: 503,
  UNKNOWNSESSION: 503,
  THROTTLEDOP: 503,
  NOTREADONLY: 503,
  NEWCONFIGNOQUORUM: 503,
  // The service's own credentials were refused: nothing the HTTP caller can fix.
  AUTHFAILED: 503,
  SESSIONCLOSEDREQUIRESASLAUTH: 503,
  CLOSED: 503,
  ABORTED: 503,
  SYSTEMERROR: 500,
  RUNTIMEINCONSISTENCY: 500,
  DATAINCONSISTENCY: 500,
  MARSHALLINGERROR: 500,
  APIERROR: 500,
  INVALIDCALLBACK: 500,
};

const RETRY_AFTER_SECONDS = '1';

export function httpStatusOf(code: ZooKeeperErrorCode): number {
  return statusByCode[code] ?? 500;
}

/** The ZooKeeper code becomes the error code; the path and operation go into the details. */
export function zooKeeperHttpError(error: ZooKeeperError): HttpError {
  const status = httpStatusOf(error.code);
  return new HttpError(
    status,
    error.code,
    error.message,
    {
      ...(error.path === undefined ? {} : { path: error.path }),
      ...(error.operation === undefined ? {} : { operation: error.operation }),
    },
    status === 503 ? { 'Retry-After': RETRY_AFTER_SECONDS } : {},
  );
}

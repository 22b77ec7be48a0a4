import { ErrorCodes, errorCodeName, type ServerErrorCode } from '../jute/protocol.ts';

/**
 * Every failure the client reports is a ZooKeeperError carrying the ZooKeeper code name, the
 * operation and the path, so callers branch on `error.code` and logs say what failed where.
 *
 * Codes are the server's KeeperException codes plus a few the client raises itself:
 * CLOSED (the client was closed), ABORTED (the caller's AbortSignal fired).
 */
export type ZooKeeperErrorCode = ServerErrorCode | 'CLOSED' | 'ABORTED';

const descriptions: Partial<Record<ZooKeeperErrorCode, string>> = {
  SYSTEMERROR: 'system error',
  RUNTIMEINCONSISTENCY: 'a runtime inconsistency was found (an earlier operation of the multi failed)',
  DATAINCONSISTENCY: 'a data inconsistency was found',
  CONNECTIONLOSS: 'connection to the server lost; the outcome of the operation is unknown',
  MARSHALLINGERROR: 'error while marshalling or unmarshalling data',
  UNIMPLEMENTED: 'operation not implemented by this server',
  OPERATIONTIMEOUT: 'operation timed out',
  BADARGUMENTS: 'invalid arguments',
  UNKNOWNSESSION: 'unknown session',
  NEWCONFIGNOQUORUM: 'no quorum of the new config is connected and up to date with the leader',
  RECONFIGINPROGRESS: 'another reconfiguration is in progress',
  APIERROR: 'API error',
  NONODE: 'node does not exist',
  NOAUTH: 'not authorised (insufficient permission)',
  BADVERSION: 'version does not match (bad version)',
  NOCHILDRENFOREPHEMERALS: 'ephemeral nodes cannot have children',
  NODEEXISTS: 'node already exists',
  NOTEMPTY: 'node has children (directory not empty)',
  SESSIONEXPIRED: 'session expired',
  INVALIDCALLBACK: 'invalid callback',
  INVALIDACL: 'invalid ACL',
  AUTHFAILED: 'authentication failed',
  SESSIONMOVED: 'session moved to another server',
  NOTREADONLY: 'server is in read-only mode and cannot accept writes',
  EPHEMERALONLOCALSESSION: 'ephemeral node on a local session',
  NOWATCHER: 'no such watcher',
  REQUESTTIMEOUT: 'request timed out',
  RECONFIGDISABLED: 'reconfiguration is disabled on the server',
  SESSIONCLOSEDREQUIRESASLAUTH: 'session closed because client failed to authenticate with SASL',
  QUOTAEXCEEDED: 'quota exceeded',
  THROTTLEDOP: 'operation throttled by the server',
  CLOSED: 'the client is closed',
  ABORTED: 'aborted by the caller',
};

export interface ZooKeeperErrorDetails {
  /** the client method that failed, e.g. "getData" */
  operation?: string | undefined;
  /** the path as the caller gave it (without chroot) */
  path?: string | undefined;
  /** extra explanation appended to the message */
  detail?: string | undefined;
  cause?: unknown;
}

export class ZooKeeperError extends Error {
  override name = 'ZooKeeperError';
  readonly code: ZooKeeperErrorCode;
  /** the wire value of the code, when it is a server code */
  readonly errno: number | undefined;
  readonly operation: string | undefined;
  readonly path: string | undefined;

  constructor(code: ZooKeeperErrorCode, details: ZooKeeperErrorDetails = {}) {
    super(formatMessage(code, details), details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.errno = code in ErrorCodes ? ErrorCodes[code as ServerErrorCode] : undefined;
    this.operation = details.operation;
    this.path = details.path;
  }

  static fromWire(errno: number, details: ZooKeeperErrorDetails = {}): ZooKeeperError {
    return new ZooKeeperError(errorCodeName(errno), details);
  }
}

function formatMessage(code: ZooKeeperErrorCode, details: ZooKeeperErrorDetails): string {
  const errno = code in ErrorCodes ? ` (${ErrorCodes[code as ServerErrorCode]})` : '';
  const where = [details.operation, details.path].filter((part) => part !== undefined).join(' ');
  const description = details.detail ?? descriptions[code] ?? code;
  return `${code}${errno}${where ? `: ${where}` : ''}: ${description}`;
}

export function isZooKeeperError(error: unknown, ...codes: ZooKeeperErrorCode[]): error is ZooKeeperError {
  return error instanceof ZooKeeperError && (codes.length === 0 || codes.includes(error.code));
}

/**
 * Errors after which the request may or may not have been applied and the session may still be
 * alive: retrying an idempotent operation is safe, retrying a non-idempotent one (a sequential create)
 * is not.
 */
export function isConnectionLossClass(error: unknown): boolean {
  return isZooKeeperError(
    error,
    'CONNECTIONLOSS',
    'OPERATIONTIMEOUT',
    'SESSIONMOVED',
    'THROTTLEDOP',
    'REQUESTTIMEOUT',
  );
}

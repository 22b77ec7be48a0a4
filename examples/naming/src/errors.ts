import type { ZooKeeperErrorCode } from '@zk-cookbook/core/client';

export type NamingErrorCode =
  /** a service's settings are missing or wrong (an env variable, an option) */
  | 'BAD_SETTINGS'
  /** IDs were asked for a type nobody defined */
  | 'UNKNOWN_ID_TYPE'
  /** a type is already defined with another generator or range size, which can never change */
  | 'ID_TYPE_CONFLICT'
  /** a node of the layout holds data this service cannot read */
  | 'CORRUPT_DATA'
  /** a binding exists that this request may not replace or remove (another session's) */
  | 'BINDING_CONFLICT'
  /** no binding of that name and owner */
  | 'NO_BINDING'
  /** the service is shutting down */
  | 'CLOSED';

/** A failure of the pattern itself, with what it was doing and where. */
export class NamingError extends Error {
  override readonly name = 'NamingError';

  constructor(
    readonly code: NamingErrorCode,
    readonly operation: string,
    message: string,
    readonly details: { path?: string; zooKeeperCode?: ZooKeeperErrorCode } = {},
  ) {
    super(`${operation}${details.path ? ` ${details.path}` : ''}: ${message}`);
  }
}

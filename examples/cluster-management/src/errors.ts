import type { ZooKeeperErrorCode } from '@zk-cookbook/core/client';

export type ClusterManagementErrorCode =
  /** a service's settings are missing or wrong (an env variable, an option) */
  | 'BAD_SETTINGS'
  /** the assignment node holds something this version cannot read (another program wrote it) */
  | 'BAD_ASSIGNMENT'
  /** the coordinator lost its leadership before its write landed: a successor decides now */
  | 'NOT_LEADER';

/** A failure of the pattern itself, with what it was doing and where. */
export class ClusterManagementError extends Error {
  override readonly name = 'ClusterManagementError';

  constructor(
    readonly code: ClusterManagementErrorCode,
    readonly operation: string,
    message: string,
    readonly details: { path?: string; zooKeeperCode?: ZooKeeperErrorCode } = {},
  ) {
    super(`${operation}${details.path ? ` ${details.path}` : ''}: ${message}`);
  }
}

import type { ZooKeeperErrorCode } from '@zk-cookbook/core/client';

export type ConfigCenterErrorCode =
  /** a node of the layout exists with an ACL the admin identity cannot fix (another secret made it) */
  | 'LAYOUT_NOT_OURS'
  /** a service's settings are missing or wrong (an env variable, an option) */
  | 'BAD_SETTINGS';

/** A failure of the pattern itself, with what it was doing and where. */
export class ConfigCenterError extends Error {
  override readonly name = 'ConfigCenterError';

  constructor(
    readonly code: ConfigCenterErrorCode,
    readonly operation: string,
    message: string,
    readonly details: { path?: string; zooKeeperCode?: ZooKeeperErrorCode } = {},
  ) {
    super(`${operation}${details.path ? ` ${details.path}` : ''}: ${message}`);
  }
}

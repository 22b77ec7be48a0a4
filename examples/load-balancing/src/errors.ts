import type { ZooKeeperErrorCode } from '@zk-cookbook/core/client';

export type LoadBalancingErrorCode =
  /** a service's settings are missing or wrong (an env variable, an option) */
  | 'BAD_SETTINGS'
  /** a provider's weight or zone could not be written to its registration */
  | 'REGISTRATION_FAILED';

/** A failure of the load-balancing services themselves, with what they were doing and where. */
export class LoadBalancingError extends Error {
  override readonly name = 'LoadBalancingError';

  constructor(
    readonly code: LoadBalancingErrorCode,
    readonly operation: string,
    message: string,
    readonly details: { path?: string; zooKeeperCode?: ZooKeeperErrorCode } = {},
  ) {
    super(`${operation}${details.path ? ` ${details.path}` : ''}: ${message}`);
  }
}

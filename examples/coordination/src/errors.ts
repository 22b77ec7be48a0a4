import type { ZooKeeperErrorCode } from '@zk-cookbook/core/client';

export type CoordinationErrorCode =
  /** a service's settings are missing or wrong (an env variable, an option) */
  | 'BAD_SETTINGS'
  /** the input log is not a numbered sequence 1, 2, 3, … (a gap, a repeat, a line without a number) */
  | 'BAD_INPUT_LOG'
  /** the checkpoint node holds something that is not a checkpoint this pattern wrote */
  | 'BAD_CHECKPOINT'
  /**
   * a checkpoint write was refused because the checkpoint moved on since it was read: another
   * instance (a successor, or a deposed leader's last request) wrote in between
   */
  | 'FENCED';

/** A failure of the pattern itself, with what it was doing and where. */
export class CoordinationError extends Error {
  override readonly name = 'CoordinationError';

  constructor(
    readonly code: CoordinationErrorCode,
    readonly operation: string,
    message: string,
    readonly details: { path?: string; zooKeeperCode?: ZooKeeperErrorCode } = {},
  ) {
    super(`${operation}${details.path ? ` ${details.path}` : ''}: ${message}`);
  }
}

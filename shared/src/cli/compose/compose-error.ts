/**
 * A failure of `zk-cookbook compose` the user can act on: no Docker engine, Compose V1 where V2 is
 * needed, a port taken, a service that never became ready. The message says what is wrong and what
 * to do; `operation` says which step failed (e.g. "up", "engine check"), `command` what ran.
 */
export class ComposeError extends Error {
  override readonly name = 'ComposeError';

  constructor(
    readonly operation: string,
    message: string,
    readonly command?: readonly string[],
  ) {
    super(`compose ${operation}: ${message}`);
  }
}

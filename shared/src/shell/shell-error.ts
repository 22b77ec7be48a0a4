/**
 * A failure the shell reports with a finished message (zkCli's wording) and an exit status; the
 * command stops, the shell carries on.
 */
export class ShellError extends Error {
  override name = 'ShellError';

  constructor(
    message: string,
    readonly status = 1,
  ) {
    super(message);
  }
}

/** Bad syntax: the message is the command's usage line. */
export class UsageError extends ShellError {
  override name = 'UsageError';
}

/** The session is closed (after close, an expiry or an authentication failure). */
export class NotConnectedError extends ShellError {
  override name = 'NotConnectedError';

  constructor() {
    super('Not connected');
  }
}

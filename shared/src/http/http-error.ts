/**
 * The one error shape every service answers with, so clients (the dashboard, curl, tests) handle
 * failures in one way:
 *
 *   { "error": { "code": "NONODE", "message": "...", "details": { "path": "/x" } } }
 *
 * `code` is stable and machine-readable (a ZooKeeper code such as NONODE, or one of ours such as
 * INVALID_REQUEST); `message` is for people; `details` is optional context.
 */
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export class HttpError extends Error {
  override name = 'HttpError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** extra response headers, e.g. Retry-After */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }

  get body(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details === undefined ? {} : { details: this.details }),
      },
    };
  }
}

/**
 * Why a four-letter-word exchange failed. Callers branch on this rather than on message text:
 * a monitor shows `refused` as "down" but `timeout` as "hung" (a paused or overloaded JVM still
 * accepts TCP connections through the kernel backlog, it just never answers).
 */
export type FourLetterWordFailure =
  'refused' | 'timeout' | 'aborted' | 'not-whitelisted' | 'not-serving' | 'connection' | 'unexpected-answer';

export class FourLetterWordError extends Error {
  override readonly name = 'FourLetterWordError';

  constructor(
    readonly reason: FourLetterWordFailure,
    readonly word: string,
    readonly host: string,
    readonly port: number,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${word} to ${host}:${port}: ${detail}`, options);
  }
}

/** An answer that does not have the shape its word promises (a different server version, or garbage). */
export class FourLetterParseError extends Error {
  override readonly name = 'FourLetterParseError';

  constructor(
    readonly word: string,
    detail: string,
    readonly answer: string,
  ) {
    super(`cannot parse the answer to ${word}: ${detail}`);
  }
}

/**
 * A benchmark could not run: a tool is missing, a child process failed. run.ts prints the message
 * and exits non-zero; the message says what to do, so no stack trace is shown.
 */
export class BenchError extends Error {
  override name = 'BenchError';
}

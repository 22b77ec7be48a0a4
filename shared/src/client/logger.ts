/**
 * The logging surface the client needs: a subset of pino's, so a pino logger can be passed in as is.
 * Every method is optional; the default logs nothing below warnings.
 */
export interface Logger {
  debug?(object: object, message: string): void;
  info?(object: object, message: string): void;
  warn?(object: object, message: string): void;
  error?(object: object, message: string): void;
}

export const consoleWarningsLogger: Logger = {
  warn: (object, message) => console.warn(`[zookeeper] ${message}`, object),
  error: (object, message) => console.error(`[zookeeper] ${message}`, object),
};

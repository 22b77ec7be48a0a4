/**
 * Records what would end a real service: an uncaught exception or an unhandled rejection. Vitest
 * reports these as well, but only after the test that caused them has passed; recording them lets
 * the test itself fail, naming the cause.
 */
export class CrashWatch {
  readonly uncaught: unknown[] = [];
  readonly unhandled: unknown[] = [];
  private readonly onUncaught = (error: unknown): void => void this.uncaught.push(error);
  private readonly onUnhandled = (reason: unknown): void => void this.unhandled.push(reason);

  install(): void {
    process.on('uncaughtException', this.onUncaught);
    process.on('unhandledRejection', this.onUnhandled);
  }

  uninstall(): void {
    process.off('uncaughtException', this.onUncaught);
    process.off('unhandledRejection', this.onUnhandled);
  }

  /** Everything recorded, as readable lines (empty when nothing fired). */
  events(): string[] {
    const describe = (kind: string, error: unknown): string =>
      `${kind}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
    return [
      ...this.uncaught.map((error) => describe('uncaughtException', error)),
      ...this.unhandled.map((reason) => describe('unhandledRejection', reason)),
    ];
  }
}

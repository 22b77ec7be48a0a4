/** A service's settings are missing or wrong (an environment variable, an option): it cannot start. */
export class SettingsError extends Error {
  override readonly name = 'SettingsError';
  /** runService (the library's) logs an error with a code as an expected refusal, without a stack. */
  readonly code = 'BAD_SETTINGS';

  constructor(
    readonly service: string,
    readonly problems: readonly string[],
  ) {
    super(`${service} settings: ${problems.join('; ')}`);
  }
}

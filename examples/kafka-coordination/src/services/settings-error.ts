/** A service's settings are missing or wrong (an environment variable, an option): it cannot start. */
export class SettingsError extends Error {
  override readonly name = 'SettingsError';

  constructor(
    readonly service: string,
    readonly problems: readonly string[],
  ) {
    super(`${service} settings: ${problems.join('; ')}`);
  }
}

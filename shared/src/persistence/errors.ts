/**
 * A transaction log or snapshot that does not decode: the file, the byte offset and what was
 * expected there, so a reader can open the file in a hex viewer at the right place.
 */
export class PersistenceFormatError extends Error {
  override name = 'PersistenceFormatError';

  constructor(
    readonly file: string,
    readonly offset: number,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${problem} (at byte ${offset})`, options);
  }
}

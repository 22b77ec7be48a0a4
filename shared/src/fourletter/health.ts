import { FourLetterParseError } from './errors.ts';

/**
 * `isro`: `ro` when the server serves only reads (it lost its quorum and read-only mode is enabled),
 * `rw` when it serves normally. A 3.8 server with no quorum and read-only mode off answers "null".
 */
export type IsroAnswer = 'ro' | 'rw' | 'not-serving';

export function parseIsro(text: string): IsroAnswer {
  const answer = text.trim();
  if (answer === 'ro' || answer === 'rw') return answer;
  if (answer === 'null') return 'not-serving';
  throw new FourLetterParseError('isro', `"${answer}" is neither ro nor rw`, text);
}

/** `ruok`: "imok" means the process runs; it says nothing about quorum (use `srvr` for that). */
export function parseRuok(text: string): boolean {
  return text.trim() === 'imok';
}

import { EnsembleError } from '../ensemble/index.ts';
import { FourLetterWordError } from '../fourletter/index.ts';
import { ComposeError } from './compose/compose-error.ts';
import { PatternError } from './patterns/pattern-manifest.ts';
import { RecipeCopyError } from './recipe-copy/recipe-copy-error.ts';

/**
 * The CLI's one error edge: errors we expect (no ZooKeeper installed, a server down) print their
 * message alone, since it already says what to do; anything else prints its stack, since it is a bug.
 */
export function reportFailure(error: unknown): void {
  const expected =
    error instanceof EnsembleError ||
    error instanceof ComposeError ||
    error instanceof FourLetterWordError ||
    error instanceof PatternError ||
    error instanceof RecipeCopyError;
  const text = expected
    ? (error as Error).message
    : error instanceof Error
      ? (error.stack ?? error.message)
      : String(error);
  process.stderr.write(`zk-cookbook: ${text}\n`);
  process.exitCode = 1;
}

/**
 * Failures that belong to a recipe rather than to one ZooKeeper call. ZooKeeper errors (NOAUTH,
 * CONNECTIONLOSS…) pass through unchanged as ZooKeeperError; these cover what a recipe adds:
 * waiting too long, being cancelled, misuse, and data it cannot read.
 */
export type RecipeErrorCode =
  | 'TIMEOUT'
  | 'ABORTED'
  | 'NOT_HELD'
  | 'CLOSED'
  | 'BAD_ARGUMENT'
  | 'CORRUPT_DATA'
  | 'LOST'
  /** take/remove on an empty queue */
  | 'EMPTY'
  /** a write was sent but its reply was lost, and reading back cannot tell whether it was applied */
  | 'UNKNOWN_OUTCOME';

export class RecipeError extends Error {
  override name = 'RecipeError';
  constructor(
    readonly code: RecipeErrorCode,
    readonly recipe: string,
    readonly path: string | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${recipe}${path ? ` ${path}` : ''}: ${message}`, options);
  }
}

export function isRecipeError(error: unknown, ...codes: RecipeErrorCode[]): error is RecipeError {
  return error instanceof RecipeError && (codes.length === 0 || codes.includes(error.code));
}

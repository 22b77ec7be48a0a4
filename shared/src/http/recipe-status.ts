import type { RecipeError, RecipeErrorCode } from '../recipes/core/errors.ts';
import { HttpError } from './http-error.ts';

/**
 * Which HTTP status a recipe's own failure becomes, with the same split as ZooKeeper's codes:
 * waiting ran out, the wait was cancelled, the recipe closed or lost what it held because the
 * session went — the caller may retry in a moment (503, Retry-After); an empty queue is "nothing
 * there" (404); the rest is this service's fault (500): it misused a recipe or read data it
 * cannot decode. A Record, so a code added to the recipes fails to compile until mapped.
 */
const statusByRecipeCode: Record<RecipeErrorCode, number> = {
  TIMEOUT: 503,
  ABORTED: 503,
  CLOSED: 503,
  LOST: 503,
  UNKNOWN_OUTCOME: 503,
  EMPTY: 404,
  NOT_HELD: 500,
  BAD_ARGUMENT: 500,
  CORRUPT_DATA: 500,
};

export function recipeHttpError(error: RecipeError): HttpError {
  const status = statusByRecipeCode[error.code] ?? 500;
  return new HttpError(
    status,
    error.code,
    error.message,
    { recipe: error.recipe, ...(error.path === undefined ? {} : { path: error.path }) },
    status === 503 ? { 'Retry-After': '1' } : {},
  );
}

/**
 * A refusal of `zk-cookbook add` that the user can act on (an unknown recipe, a file they changed):
 * the CLI prints its message alone and exits 1.
 */
export class RecipeCopyError extends Error {
  override name = 'RecipeCopyError';
}

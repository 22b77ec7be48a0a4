import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { copiedFileState, withHeader, type CopiedFileState } from './copy-header.ts';
import { importClosure, lineCount, readFrom, type ImportClosure } from './import-closure.ts';
import { rewriteTsSpecifiers } from './module-specifiers.ts';
import { RECIPE_CATALOG, catalogRecipe, type CatalogRecipe } from './recipe-catalog.ts';
import { RecipeCopyError } from './recipe-copy-error.ts';
import {
  describeVersion,
  PACKAGE_ROOT,
  SOURCE_ROOT,
  sourceVersion,
  type SourceVersion,
} from './source-version.ts';

export interface AddRecipesOptions {
  /** catalog names, e.g. ["mutex", "leader-latch"] */
  readonly recipes: readonly string[];
  /** the folder to copy into (absolute, or relative to the process's working directory) */
  readonly targetDirectory: string;
  /** overwrite files changed since they were copied, and files `add` did not write */
  readonly force?: boolean;
  /** where the sources are read from; the package's own src/ by default */
  readonly sourceRoot?: string;
  /** what the header names as the source; read from the package by default */
  readonly version?: SourceVersion;
}

export type CopyAction =
  /** the file does not exist yet */
  | 'create'
  /** it exists as an earlier `add` wrote it, and this version differs: replaced */
  | 'update'
  /** it already holds exactly this */
  | 'unchanged'
  /** it was changed locally (or not written by `add`) and --force was given: replaced */
  | 'overwrite'
  /** it was changed locally (or not written by `add`): kept, and nothing is written */
  | 'conflict';

export interface PlannedFile {
  /** relative to the target folder, with forward slashes */
  readonly path: string;
  readonly action: CopyAction;
  /** why a file counts as changed, for the conflict message */
  readonly existing?: CopiedFileState;
  readonly content: string;
}

export interface RecipeClosureSize {
  readonly recipe: string;
  readonly files: number;
  readonly lines: number;
}

export interface AddRecipesResult {
  readonly targetDirectory: string;
  readonly files: readonly PlannedFile[];
  readonly closures: readonly RecipeClosureSize[];
  /** builtins and packages the copied files import; anything not `node:` must be installed */
  readonly externalModules: readonly string[];
  readonly version: string;
}

export function knownRecipeNames(): string {
  return RECIPE_CATALOG.map((recipe) => recipe.name).join(', ');
}

/** The catalog entries for `names`, refusing unknown ones with the list of known ones. */
export function resolveRecipes(names: readonly string[]): CatalogRecipe[] {
  if (names.length === 0) {
    throw new RecipeCopyError(`name at least one recipe to add; known recipes: ${knownRecipeNames()}`);
  }
  const unknown = names.filter((name) => !catalogRecipe(name));
  if (unknown.length > 0) {
    throw new RecipeCopyError(
      `unknown recipe${unknown.length > 1 ? 's' : ''} ${unknown.map((name) => `"${name}"`).join(', ')}; ` +
        `known recipes: ${knownRecipeNames()} (see zk-cookbook add --list)`,
    );
  }
  return names.map((name) => catalogRecipe(name)!);
}

/** A recipe's import closure, read from `sourceRoot` (the package's src/ by default). */
export function recipeClosure(recipe: CatalogRecipe, sourceRoot = SOURCE_ROOT): Promise<ImportClosure> {
  return importClosure(recipe.entries, readFrom(sourceRoot));
}

export function closureSize(recipe: string, closure: ImportClosure): RecipeClosureSize {
  return {
    recipe,
    files: closure.files.length,
    lines: closure.files.reduce((sum, file) => sum + lineCount(file.text), 0),
  };
}

/**
 * Works out what `add` would do for every file of the recipes' closures, touching nothing. A file
 * that was changed since it was copied, or that `add` did not write, is a conflict unless `force`.
 */
export async function planRecipeCopy(options: AddRecipesOptions): Promise<AddRecipesResult> {
  const recipes = resolveRecipes(options.recipes);
  const sourceRoot = options.sourceRoot ?? SOURCE_ROOT;
  const closures = await Promise.all(recipes.map((recipe) => recipeClosure(recipe, sourceRoot)));
  const files = new Map(
    closures.flatMap((closure) => closure.files.map((file) => [file.path, file] as const)),
  );
  const paths = [...files.keys()].sort();
  const version = options.version ?? (await sourceVersion(PACKAGE_ROOT, paths));
  const versionText = describeVersion(version);
  const planned: PlannedFile[] = [];
  for (const path of paths) {
    const content = withHeader(rewriteTsSpecifiers(files.get(path)!.text), { path, version: versionText });
    const existing = await readIfPresent(join(options.targetDirectory, path));
    if (existing === undefined) {
      planned.push({ path, action: 'create', content });
    } else if (existing === content) {
      planned.push({ path, action: 'unchanged', content });
    } else {
      const state = copiedFileState(existing);
      const action: CopyAction = state === 'as-copied' ? 'update' : options.force ? 'overwrite' : 'conflict';
      planned.push({ path, action, existing: state, content });
    }
  }
  return {
    targetDirectory: options.targetDirectory,
    files: planned,
    closures: recipes.map((recipe, index) => closureSize(recipe.name, closures[index]!)),
    externalModules: [...new Set(closures.flatMap((closure) => closure.externalModules))].sort(),
    version: versionText,
  };
}

/**
 * Copies the recipes' closures into the target folder. Either every file is written or, when a
 * locally changed file stands in the way (and no `force`), none is: half a copy would not compile.
 */
export async function addRecipes(options: AddRecipesOptions): Promise<AddRecipesResult> {
  const plan = await planRecipeCopy(options);
  const conflicts = plan.files.filter((file) => file.action === 'conflict');
  if (conflicts.length > 0) {
    const listed = conflicts
      .map(
        (file) =>
          `  ${file.path} (${file.existing === 'changed' ? 'changed since it was copied' : 'not written by zk-cookbook add'})`,
      )
      .join('\n');
    throw new RecipeCopyError(
      `not copying: ${conflicts.length} file${conflicts.length > 1 ? 's' : ''} in ${plan.targetDirectory} would be overwritten:\n` +
        `${listed}\nkeep your changes elsewhere, or pass --force to replace them`,
    );
  }
  for (const file of plan.files) {
    if (file.action === 'unchanged') continue;
    const target = join(plan.targetDirectory, file.path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, file.content);
  }
  return plan;
}

async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

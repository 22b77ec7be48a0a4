import { lineCount, type ImportClosure } from './import-closure.ts';
import { RECIPE_CATALOG } from './recipe-catalog.ts';
import { recipeClosure } from './copy-recipes.ts';

export interface ClosureRow {
  readonly recipe: string;
  readonly entries: readonly string[];
  readonly files: number;
  readonly lines: number;
  /** the part under recipes/: the recipe itself and the recipe core it needs */
  readonly recipeFiles: number;
  readonly recipeLines: number;
}

function row(recipe: { name: string; entries: readonly string[] }, closure: ImportClosure): ClosureRow {
  const recipeFiles = closure.files.filter((file) => file.path.startsWith('recipes/'));
  return {
    recipe: recipe.name,
    entries: recipe.entries,
    files: closure.files.length,
    lines: closure.files.reduce((sum, file) => sum + lineCount(file.text), 0),
    recipeFiles: recipeFiles.length,
    recipeLines: recipeFiles.reduce((sum, file) => sum + lineCount(file.text), 0),
  };
}

/** One row per catalog recipe, computed from the sources as `add` would copy them. */
export async function closureRows(sourceRoot?: string): Promise<ClosureRow[]> {
  return Promise.all(
    RECIPE_CATALOG.map(async (recipe) => row(recipe, await recipeClosure(recipe, sourceRoot))),
  );
}

/** The table docs/recipes/README.md carries between its closure-table markers. */
export function closureTableMarkdown(rows: readonly ClosureRow[]): string {
  const lines = [
    '| recipe | entry files (under `src/`) | files | lines | of which `recipes/` (files, lines) |',
    '|---|---|---:|---:|---:|',
  ];
  for (const item of rows) {
    const entries = item.entries.map((entry) => `\`${entry}\``).join(', ');
    lines.push(
      `| \`${item.recipe}\` | ${entries} | ${item.files} | ${item.lines} | ${item.recipeFiles}, ${item.recipeLines} |`,
    );
  }
  return lines.join('\n');
}

/** The recipe list `add --list` prints: name, size, summary. */
export function closureListText(rows: readonly ClosureRow[], summaries: ReadonlyMap<string, string>): string {
  const width = Math.max(...rows.map((item) => item.recipe.length));
  return rows
    .map(
      (item) =>
        `${item.recipe.padEnd(width)}  ${String(item.files).padStart(3)} files ${String(item.lines).padStart(5)} lines  ${summaries.get(item.recipe) ?? ''}`,
    )
    .join('\n');
}

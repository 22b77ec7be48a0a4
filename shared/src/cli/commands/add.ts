import { resolve } from 'node:path';
import type { Command } from 'commander';
import { closureListText, closureRows, closureTableMarkdown } from '../recipe-copy/closure-table.ts';
import { addRecipes, type AddRecipesResult } from '../recipe-copy/copy-recipes.ts';
import { RECIPE_CATALOG } from '../recipe-copy/recipe-catalog.ts';

interface AddOptions {
  dir: string;
  force?: boolean;
  list?: boolean;
  markdown?: boolean;
}

export function register(program: Command): void {
  program
    .command('add')
    .description(
      "copy recipes into your project as TypeScript you own: each recipe's files, the recipe core, " +
        'the client and the Jute codec they import, with imports that compile under an ordinary tsconfig',
    )
    .argument('[recipes...]', 'recipe names (see --list)')
    .option('-d, --dir <folder>', 'where to copy them, relative to the current folder', 'src/zookeeper')
    .option('-f, --force', 'replace files you changed since they were copied')
    .option('-l, --list', 'list the recipes with the size of what each copies, then exit')
    .option('--markdown', 'with --list: print the table docs/recipes/README.md carries')
    .action(async (recipes: string[], options: AddOptions) => {
      if (options.list) {
        const rows = await closureRows();
        const summaries = new Map(RECIPE_CATALOG.map((recipe) => [recipe.name, recipe.summary]));
        process.stdout.write(
          `${options.markdown ? closureTableMarkdown(rows) : closureListText(rows, summaries)}\n`,
        );
        return;
      }
      const result = await addRecipes({
        recipes,
        targetDirectory: resolve(options.dir),
        force: options.force ?? false,
      });
      process.stdout.write(summary(result, options.dir));
    });
}

const PAST_TENSE = { create: 'created', update: 'updated', overwrite: 'overwritten', unchanged: 'unchanged' };

function summary(result: AddRecipesResult, folder: string): string {
  const counts = new Map<string, number>();
  for (const file of result.files) counts.set(file.action, (counts.get(file.action) ?? 0) + 1);
  const done = (['create', 'update', 'overwrite', 'unchanged'] as const)
    .filter((action) => counts.has(action))
    .map((action) => `${counts.get(action)} ${PAST_TENSE[action]}`)
    .join(', ');
  const lines = [`${folder}: ${done} (from ${result.version})`];
  for (const closure of result.closures) {
    lines.push(`  ${closure.recipe}: ${closure.files} files, ${closure.lines} lines`);
  }
  const packages = result.externalModules.filter((name) => !name.startsWith('node:'));
  if (packages.length > 0) lines.push(`  also install: npm install ${packages.join(' ')}`);
  lines.push('  they need @types/node and a tsconfig with "module": "NodeNext" (or "Node16")');
  return `${lines.join('\n')}\n`;
}

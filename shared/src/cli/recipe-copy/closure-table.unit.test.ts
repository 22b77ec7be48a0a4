import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { closureRows, closureTableMarkdown } from './closure-table.ts';

const README = new URL('../../../../docs/recipes/README.md', import.meta.url);
const START = '<!-- recipe-closures:start -->';
const END = '<!-- recipe-closures:end -->';
const REGENERATE = 'regenerate it: ZK_UPDATE_DOCS=1 npx vitest run --project unit closure-table';

/** Line counts may drift a little before the table is regenerated: any edit to the client moves them. */
function closeEnough(documented: number, actual: number): boolean {
  return Math.abs(documented - actual) <= Math.max(50, actual * 0.05);
}

/**
 * docs/recipes/README.md shows what `zk-cookbook add` copies for each recipe, generated from the
 * same closure code. The recipes, their entry files and file counts must match exactly; line
 * counts within 5 % (or 50 lines), so that an ordinary edit elsewhere does not fail this test, but a
 * file joining or leaving a closure does. ZK_UPDATE_DOCS=1 rewrites the table instead.
 */
describe('the recipe closure table in docs/recipes/README.md', () => {
  it('matches what add would copy today', async () => {
    const readme = await readFile(README, 'utf8');
    const start = readme.indexOf(START);
    const end = readme.indexOf(END);
    expect(start, `markers ${START} … ${END}`).toBeGreaterThanOrEqual(0);
    expect(end).toBeGreaterThan(start);
    const rows = await closureRows();
    if (process.env.ZK_UPDATE_DOCS === '1') {
      const table = closureTableMarkdown(rows);
      await writeFile(README, `${readme.slice(0, start + START.length)}\n${table}\n${readme.slice(end)}`);
      return;
    }
    const documented = readme
      .slice(start + START.length, end)
      .trim()
      .split('\n')
      .slice(2)
      .map((line) => line.split('|').map((cell) => cell.trim()));
    const expectedLines = closureTableMarkdown(rows).split('\n').slice(2);
    expect(
      documented.map((cells) => cells.slice(1, 3)),
      REGENERATE,
    ).toEqual(
      expectedLines.map((line) =>
        line
          .split('|')
          .map((cell) => cell.trim())
          .slice(1, 3),
      ),
    );
    rows.forEach((row, index) => {
      const [, , , files, lines, recipePart] = documented[index]!;
      const [recipeFiles, recipeLines] = recipePart!.split(',').map((part) => Number(part.trim()));
      const where = `${row.recipe}: ${REGENERATE}`;
      expect(Number(files), where).toBe(row.files);
      expect(recipeFiles, where).toBe(row.recipeFiles);
      expect(closeEnough(Number(lines), row.lines), `${where} (lines ${lines} vs ${row.lines})`).toBe(true);
      expect(closeEnough(recipeLines!, row.recipeLines), `${where} (recipe lines)`).toBe(true);
    });
  });
});

import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copiedFileState } from './recipe-copy/copy-header.ts';
import { addRecipes, recipeClosure, resolveRecipes } from './recipe-copy/copy-recipes.ts';
import { findModuleSpecifiers, isRelativeSpecifier } from './recipe-copy/module-specifiers.ts';
import { RECIPE_CATALOG, catalogRecipe } from './recipe-copy/recipe-catalog.ts';
import { RecipeCopyError } from './recipe-copy/recipe-copy-error.ts';
import { sourceVersion } from './recipe-copy/source-version.ts';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../bin/zk-cookbook.js', import.meta.url));
const VERSION_1 = { packageVersion: '@zk-cookbook/core 0.2.0', commit: 'a'.repeat(40) };
const VERSION_2 = { packageVersion: '@zk-cookbook/core 0.2.1', commit: 'b'.repeat(40) };

let target = '';
beforeEach(async () => {
  target = await mkdtemp(join(tmpdir(), 'zk-cookbook-add-unit-'));
});
afterEach(async () => {
  await rm(target, { recursive: true, force: true });
});

const exists = (path: string): Promise<boolean> =>
  stat(path).then(
    () => true,
    () => false,
  );

describe('zk-cookbook add: what is copied', () => {
  it('copies the closure with a header and .js specifiers, and never a test or test support', async () => {
    const result = await addRecipes({ recipes: ['mutex'], targetDirectory: target, version: VERSION_1 });
    const paths = result.files.map((file) => file.path);
    expect(paths).toContain('recipes/locks/mutex.ts');
    expect(paths).toContain('recipes/core/lock-internals.ts');
    expect(paths).toContain('client/index.ts');
    expect(paths.some((path) => path.startsWith('jute/'))).toBe(true);
    expect(paths.filter((path) => /test|fixtures|testing\//.test(path))).toEqual([]);
    expect(result.externalModules.every((name) => name.startsWith('node:'))).toBe(true);
    for (const path of paths) {
      const text = await readFile(join(target, path), 'utf8');
      expect(text.split('\n')[0]).toBe(
        `// Copied by \`zk-cookbook add\` from @zk-cookbook/core 0.2.0, git ${'a'.repeat(12)}: src/${path}`,
      );
      expect(copiedFileState(text)).toBe('as-copied');
      for (const specifier of findModuleSpecifiers(text)) {
        if (isRelativeSpecifier(specifier.text)) expect(specifier.text, path).toMatch(/\.js$/);
        else expect(specifier.text).not.toMatch(/vitest|test-support/);
      }
    }
  });

  it('every catalog recipe has a closure free of test code', async () => {
    for (const recipe of RECIPE_CATALOG) {
      const closure = await recipeClosure(recipe);
      expect(closure.files.length, recipe.name).toBeGreaterThan(recipe.entries.length);
      expect(closure.files.map((file) => file.path)).toEqual(expect.arrayContaining([...recipe.entries]));
    }
  });
});

describe('zk-cookbook add: changed files and --force', () => {
  it('updates files left as copied, refuses (writing nothing) over a changed or foreign file, and replaces them with force', async () => {
    const first = await addRecipes({ recipes: ['mutex'], targetDirectory: target, version: VERSION_1 });
    expect(new Set(first.files.map((file) => file.action))).toEqual(new Set(['create']));

    const again = await addRecipes({ recipes: ['mutex'], targetDirectory: target, version: VERSION_1 });
    expect(new Set(again.files.map((file) => file.action))).toEqual(new Set(['unchanged']));

    // A newer source version: every file is still as copied, so each one is updated.
    const newer = await addRecipes({ recipes: ['mutex'], targetDirectory: target, version: VERSION_2 });
    expect(new Set(newer.files.map((file) => file.action))).toEqual(new Set(['update']));
    expect(await readFile(join(target, 'recipes/locks/mutex.ts'), 'utf8')).toContain('0.2.1');

    const edited = join(target, 'client/paths.ts');
    const editedText = `${await readFile(edited, 'utf8')}\n// a local fix\n`;
    await writeFile(edited, editedText);
    const foreign = join(target, 'recipes/core/deadline.ts');
    await writeFile(foreign, 'export const mine = 1;\n');
    const removed = join(target, 'recipes/core/lease.ts');
    await rm(removed);

    const refusal = await addRecipes({
      recipes: ['mutex'],
      targetDirectory: target,
      version: VERSION_1,
    }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(RecipeCopyError);
    expect((refusal as Error).message).toContain('client/paths.ts (changed since it was copied)');
    expect((refusal as Error).message).toContain('recipes/core/deadline.ts (not written by zk-cookbook add)');
    expect((refusal as Error).message).toContain('--force');
    // All or nothing: the refused run wrote no file, not even the missing one.
    expect(await exists(removed)).toBe(false);
    expect(await readFile(edited, 'utf8')).toBe(editedText);
    expect(await readFile(join(target, 'recipes/locks/mutex.ts'), 'utf8')).toContain('0.2.1');

    const forced = await addRecipes({
      recipes: ['mutex'],
      targetDirectory: target,
      version: VERSION_1,
      force: true,
    });
    const actions = new Map(forced.files.map((file) => [file.path, file.action]));
    expect(actions.get('client/paths.ts')).toBe('overwrite');
    expect(actions.get('recipes/core/deadline.ts')).toBe('overwrite');
    expect(actions.get('recipes/core/lease.ts')).toBe('create');
    expect(actions.get('recipes/locks/mutex.ts')).toBe('update');
    expect(copiedFileState(await readFile(edited, 'utf8'))).toBe('as-copied');
  });
});

describe('zk-cookbook add: unknown recipes', () => {
  it('refuses an unknown name and lists the known ones', () => {
    expect(() => resolveRecipes(['mutex', 'mutx'])).toThrow(RecipeCopyError);
    expect(() => resolveRecipes(['mutx'])).toThrow(
      /unknown recipe "mutx"; known recipes: client, mutex, read-write-lock/,
    );
    expect(() => resolveRecipes([])).toThrow(/name at least one recipe/);
    expect(catalogRecipe('service-discovery')?.entries).toContain('recipes/discovery/service-discovery.ts');
  });

  it('the CLI exits non-zero with that message and writes nothing', async () => {
    const attempt = await run(process.execPath, [bin, 'add', 'mutx', '--dir', 'out'], { cwd: target }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(attempt.code).toBe(1);
    expect(attempt.stderr).toMatch(/^zk-cookbook: unknown recipe "mutx"; known recipes: client, mutex, /);
    expect(attempt.stderr).not.toMatch(/\n\s+at /); // a refusal, not a crash: no stack trace
    expect(await exists(join(target, 'out'))).toBe(false);
  }, 30_000);
});

describe('zk-cookbook add: the source version in the header', () => {
  it("an installed package inside the user's own git repository names npm's gitHead, not that repository's HEAD", async () => {
    const packageRoot = join(target, 'node_modules/@zk-cookbook/core');
    await mkdir(join(packageRoot, 'src'), { recursive: true });
    await writeFile(join(packageRoot, 'src/index.ts'), 'export {};\n');
    await writeFile(
      join(packageRoot, 'package.json'),
      JSON.stringify({ name: '@zk-cookbook/core', version: '9.9.9', gitHead: 'c'.repeat(40) }),
    );
    await run('git', ['init', '--quiet', target]);
    expect(await sourceVersion(packageRoot, ['index.ts'])).toEqual({
      packageVersion: '@zk-cookbook/core 9.9.9',
      commit: 'c'.repeat(40),
    });
  });
});

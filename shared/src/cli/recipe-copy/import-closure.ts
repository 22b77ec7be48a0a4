import { readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { findModuleSpecifiers, isRelativeSpecifier } from './module-specifiers.ts';
import { RecipeCopyError } from './recipe-copy-error.ts';

export interface SourceFile {
  /** path relative to the source root, with forward slashes, e.g. "recipes/locks/mutex.ts" */
  readonly path: string;
  readonly text: string;
}

export interface ImportClosure {
  /** every file the entries need, entries included, sorted by path */
  readonly files: readonly SourceFile[];
  /** packages and builtins imported from outside, e.g. "node:events" */
  readonly externalModules: readonly string[];
}

/** Tests and test support must never be copied into someone's project. */
const TEST_FILE = /(^|\/)(test-support|testing|fixtures)\/|\.test\.ts$|-test-support\.ts$/;

/**
 * Every file reachable from `entries` through relative imports (type-only ones too: the copy must
 * typecheck). `read` loads a file by its path relative to the source root.
 */
export async function importClosure(
  entries: readonly string[],
  read: (path: string) => Promise<string>,
): Promise<ImportClosure> {
  const files = new Map<string, SourceFile>();
  const external = new Set<string>();
  const pending = [...entries];
  while (pending.length > 0) {
    const path = pending.pop()!;
    if (files.has(path)) continue;
    if (TEST_FILE.test(path)) {
      throw new RecipeCopyError(`${path} is test code, but the recipe imports it; it cannot be copied`);
    }
    let text: string;
    try {
      text = await read(path);
    } catch (error) {
      throw new RecipeCopyError(`cannot read ${path} from the package sources`, { cause: error });
    }
    files.set(path, { path, text });
    for (const { text: specifier } of findModuleSpecifiers(text)) {
      if (!isRelativeSpecifier(specifier)) {
        external.add(specifier);
        continue;
      }
      if (!specifier.endsWith('.ts')) {
        throw new RecipeCopyError(`${path} imports "${specifier}"; only .ts modules can be copied`);
      }
      const target = posix.normalize(posix.join(posix.dirname(path), specifier));
      if (target.startsWith('../')) {
        throw new RecipeCopyError(`${path} imports "${specifier}", outside the package sources`);
      }
      pending.push(target);
    }
  }
  return {
    files: [...files.values()].sort((a, b) => a.path.localeCompare(b.path)),
    externalModules: [...external].sort(),
  };
}

/** Reads source files from a directory on disk. */
export function readFrom(sourceRoot: string): (path: string) => Promise<string> {
  return (path) => readFile(join(sourceRoot, path), 'utf8');
}

/** Lines of text as an editor counts them (a final newline ends the last line, it adds none). */
export function lineCount(text: string): number {
  if (text.length === 0) return 0;
  const newlines = text.split('\n').length - 1;
  return text.endsWith('\n') ? newlines : newlines + 1;
}

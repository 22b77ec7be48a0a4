import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { findModuleSpecifiers, rewriteTsSpecifiers } from './module-specifiers.ts';

const texts = (source: string): string[] => findModuleSpecifiers(source).map((specifier) => specifier.text);

function typeScriptFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : typeScriptFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('findModuleSpecifiers', () => {
  it('finds static, re-export, side-effect and dynamic imports, type-only ones included', () => {
    const source = [
      "import type { A } from './a.ts';",
      'import {',
      '  b,',
      '  type C,',
      "} from '../b.ts';",
      "export * from './c.ts';",
      'export { d } from "./d.ts";',
      "import './side-effect.ts';",
      "const later = await import('./dynamic.ts');",
      "import { readFile } from 'node:fs/promises';",
    ].join('\n');
    expect(texts(source)).toEqual([
      './a.ts',
      '../b.ts',
      './c.ts',
      './d.ts',
      './side-effect.ts',
      './dynamic.ts',
      'node:fs/promises',
    ]);
  });

  it('ignores imports quoted in comments, strings, templates and regular expressions', () => {
    const source = [
      '/**',
      " * import { Mutex } from './not-this.ts';",
      ' */',
      "// import './nor-this.ts';",
      'const example = "import { x } from \'./string.ts\'";',
      "const template = `import { y } from './template.ts' ${`nested ${\"import './deep.ts'\"}`}`;",
      "const pattern = /from '(.*)'/g;",
      "const halved = 10 / 2; const other = 'x' / 1;",
      "const bytes = Buffer.from('not-a-module');",
      "const property = loader.import('./method-call.ts');",
      "import { real } from './real.ts';",
    ].join('\n');
    expect(texts(source)).toEqual(['./real.ts']);
  });

  it('rewrites relative .ts specifiers to .js and nothing else', () => {
    const source = [
      "import { a } from './a.ts';",
      "import { b } from 'node:events';",
      "// see './comment.ts'",
      "const c = await import('../c.ts');",
      "const d = './string.ts';",
    ].join('\n');
    expect(rewriteTsSpecifiers(source)).toBe(
      [
        "import { a } from './a.js';",
        "import { b } from 'node:events';",
        "// see './comment.ts'",
        "const c = await import('../c.js');",
        "const d = './string.ts';",
      ].join('\n'),
    );
  });

  it("agrees with the TypeScript compiler's own import scan on every file of the package", () => {
    const sourceRoot = fileURLToPath(new URL('../../', import.meta.url));
    const files = typeScriptFiles(sourceRoot);
    expect(files.length).toBeGreaterThan(200);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const expected = ts
        .preProcessFile(text, true, true)
        .importedFiles.map((imported) => imported.fileName)
        .sort();
      expect(texts(text).sort(), relative(sourceRoot, file)).toEqual(expected);
    }
  });
});

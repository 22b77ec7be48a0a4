import { rmSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { BenchError } from './errors.ts';
import { REPOSITORY_ROOT } from './node-child.ts';

/** Where TypeScript programs of the benchmarks are compiled to: under the git-ignored .tmp/. */
export const JAVASCRIPT_ROOT = join(REPOSITORY_ROOT, '.tmp', 'bench', 'js');

/**
 * Compiles entry points and everything they import to JavaScript the way `npm run build` does
 * (the library's build config, shared/tsconfig.json), into a fresh directory under JAVASCRIPT_ROOT. Returns a function that maps
 * an entry (`bench/client/ts-client-bench.ts`) to its compiled file.
 *
 * Why not run the sources through tsx: its esbuild transform keeps function names by wrapping every
 * function expression in a `__name(fn, "…")` call that defines a property on each new closure. For a
 * client that creates closures per request that costs about 0.5 KB and some CPU per request, which
 * compiled code (what a service runs in production) does not pay.
 *
 * Types are not checked here (`npm run typecheck` does that): a type error elsewhere in the tree,
 * e.g. in a file someone is editing, should not stop a benchmark of code that runs.
 */
export function compileTypeScript(entries: readonly string[], name: string): (entry: string) => string {
  const outDir = join(JAVASCRIPT_ROOT, name);
  rmSync(outDir, { recursive: true, force: true });
  const options = {
    ...buildOptions(),
    outDir,
    rootDir: REPOSITORY_ROOT,
    noEmit: false,
    noEmitOnError: false,
    declaration: false,
    declarationMap: false,
    sourceMap: false,
  };
  const program = ts.createProgram(
    entries.map((entry) => join(REPOSITORY_ROOT, entry)),
    options,
  );
  const result = program.emit();
  // Syntax errors and unresolvable imports stop the emit of a usable program; type errors do not.
  const fatal = [...program.getSyntacticDiagnostics(), ...result.diagnostics].filter(
    (diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error,
  );
  if (result.emitSkipped || fatal.length > 0) {
    throw new BenchError(`cannot compile ${entries.join(', ')}:\n${formatDiagnostics(fatal)}`);
  }
  return (entry) => join(outDir, entry.replace(/\.ts$/, '.js'));
}

function buildOptions(): ts.CompilerOptions {
  const configFile = join(REPOSITORY_ROOT, 'shared', 'tsconfig.json');
  const parsed = ts.getParsedCommandLineOfConfigFile(
    configFile,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new BenchError(`cannot read ${configFile}:\n${formatDiagnostics([diagnostic])}`);
      },
    },
  );
  if (!parsed) throw new BenchError(`cannot read ${configFile}`);
  return parsed.options;
}

function formatDiagnostics(diagnostics: readonly ts.Diagnostic[]): string {
  return ts.formatDiagnostics(diagnostics, {
    getCanonicalFileName: (fileName) => fileName,
    getCurrentDirectory: () => REPOSITORY_ROOT,
    getNewLine: () => '\n',
  });
}

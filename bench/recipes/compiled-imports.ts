/**
 * A module resolution hook for our TypeScript compiled to JavaScript (see ../lib/typescript-build.ts).
 * The compiler rewrites `import … from './x.ts'` to './x.js', but not a specifier computed at run
 * time: shared/interop/node/node-peer.ts loads its command families with
 * `import(new URL(`./commands-${family}.ts`, import.meta.url).href)`, which in the compiled tree names
 * a file that does not exist. This hook sends such imports to the compiled file beside it.
 * register-compiled-imports.ts installs it (`node --import …/register-compiled-imports.js`).
 */

interface ResolveContext {
  parentURL?: string | undefined;
}

type NextResolve = (specifier: string, context?: ResolveContext) => Promise<unknown>;

/**
 * The specifier to load instead: a relative or file: `.ts` specifier imported by a compiled `.js`
 * module becomes `.js`; anything else is left alone (a compiled module never means a `.ts` file).
 */
export function compiledImportSpecifier(specifier: string, parentUrl: string | undefined): string {
  if (!parentUrl?.startsWith('file:') || !parentUrl.endsWith('.js')) return specifier;
  const relativeOrFile =
    specifier.startsWith('./') || specifier.startsWith('../') || specifier.startsWith('file:');
  if (!relativeOrFile || !specifier.endsWith('.ts') || specifier.endsWith('.d.ts')) return specifier;
  return `${specifier.slice(0, -'.ts'.length)}.js`;
}

/** Node's `resolve` hook (module.register). */
export function resolve(
  specifier: string,
  context: ResolveContext,
  nextResolve: NextResolve,
): Promise<unknown> {
  return nextResolve(compiledImportSpecifier(specifier, context.parentURL), context);
}

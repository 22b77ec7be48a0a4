import { describe, expect, it } from 'vitest';
import { compiledImportSpecifier } from './compiled-imports.ts';

const COMPILED_PEER = 'file:///repo/.tmp/bench/js/recipes/shared/interop/node/node-peer.js';

describe('compiledImportSpecifier', () => {
  it('sends a .ts import of a compiled module to the compiled file beside it', () => {
    expect(compiledImportSpecifier('./commands-mutex.ts', COMPILED_PEER)).toBe('./commands-mutex.js');
    expect(compiledImportSpecifier('../src/x.ts', COMPILED_PEER)).toBe('../src/x.js');
    expect(
      compiledImportSpecifier(
        'file:///repo/.tmp/bench/js/recipes/shared/interop/node/commands-queue.ts',
        COMPILED_PEER,
      ),
    ).toBe('file:///repo/.tmp/bench/js/recipes/shared/interop/node/commands-queue.js');
  });

  it('leaves packages, built-ins and other extensions alone', () => {
    expect(compiledImportSpecifier('typescript', COMPILED_PEER)).toBe('typescript');
    expect(compiledImportSpecifier('node:module', COMPILED_PEER)).toBe('node:module');
    expect(compiledImportSpecifier('./data.json', COMPILED_PEER)).toBe('./data.json');
    expect(compiledImportSpecifier('./types.d.ts', COMPILED_PEER)).toBe('./types.d.ts');
  });

  it('leaves imports of TypeScript sources (run through tsx) and of the entry point alone', () => {
    expect(
      compiledImportSpecifier('./commands-mutex.ts', 'file:///repo/shared/interop/node/node-peer.ts'),
    ).toBe('./commands-mutex.ts');
    expect(compiledImportSpecifier('/repo/peer.ts', undefined)).toBe('/repo/peer.ts');
  });
});

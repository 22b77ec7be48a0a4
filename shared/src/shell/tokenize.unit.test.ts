import { describe, expect, it } from 'vitest';
import { tokenize } from './tokenize.ts';

describe('tokenize (zkCli word splitting)', () => {
  it('splits on any run of whitespace and ignores it at both ends', () => {
    expect(tokenize('  ls   -R\t/a  ')).toEqual(['ls', '-R', '/a']);
    expect(tokenize('')).toEqual([]);
    expect(tokenize('   ')).toEqual([]);
  });

  it('keeps spaces inside a word that starts with a quote, and drops the quotes', () => {
    expect(tokenize('create /q "hello world"')).toEqual(['create', '/q', 'hello world']);
    expect(tokenize("create /q 'single quoted' x")).toEqual(['create', '/q', 'single quoted', 'x']);
    expect(tokenize(`set /q "it's"`)).toEqual(['set', '/q', "it's"]);
  });

  it('turns "" into an empty word, as the book does for empty znodes', () => {
    expect(tokenize('create /workers ""')).toEqual(['create', '/workers', '']);
  });

  it('leaves quotes inside a word alone, so JSON needs no escaping', () => {
    expect(tokenize('create /cfg {"a":1,"b":"x y"}')).toEqual(['create', '/cfg', '{"a":1,"b":"x', 'y"}']);
    expect(tokenize('create /cfg {"a":1}')).toEqual(['create', '/cfg', '{"a":1}']);
    expect(tokenize('create /q4 a"b c"')).toEqual(['create', '/q4', 'a"b', 'c"']);
  });

  it('skips an unmatched opening quote as zkCli does', () => {
    expect(tokenize('create /x "abc def')).toEqual(['create', '/x', 'abc', 'def']);
  });

  it('has no backslash escapes', () => {
    expect(tokenize('set /x a\\ b')).toEqual(['set', '/x', 'a\\', 'b']);
  });
});

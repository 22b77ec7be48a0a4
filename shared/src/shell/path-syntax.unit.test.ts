import { describe, expect, it } from 'vitest';
import { checkPath } from './path-syntax.ts';

describe('checkPath (PathUtils.validatePath messages)', () => {
  it('accepts ordinary paths and the root', () => {
    for (const path of ['/', '/a', '/a/b-c.d', '/a/..b', '/zookeeper/config'])
      expect(() => checkPath(path)).not.toThrow();
  });

  it.each([
    ['', 'Path length must be > 0'],
    ['a/b', 'Path must start with / character'],
    ['/a/', 'Path must not end with / character'],
    ['/a//b', 'Invalid path string "/a//b" caused by empty node name specified @3'],
    ['/a/./b', 'Invalid path string "/a/./b" caused by relative paths not allowed @3'],
    ['/a/..', 'Invalid path string "/a/.." caused by relative paths not allowed @4'],
    ['/a\u0001', 'Invalid path string "/a\u0001" caused by invalid character @2'],
  ])('rejects %j: %s', (path, message) => {
    expect(() => checkPath(path)).toThrow(message);
  });

  it('lets a sequential path end with / (the server appends the counter)', () => {
    expect(() => checkPath('/tasks/', { sequential: true })).not.toThrow();
    expect(() => checkPath('/tasks/')).toThrow('Path must not end with / character');
  });
});

import { describe, expect, it } from 'vitest';
import { digestOf, parseEditors } from '../src/service/editors.ts';
import { versionsToPrune } from '../src/service/history-pruning.ts';
import { diffJson } from '../src/service/json-diff.ts';

describe('versionsToPrune', () => {
  it('keeps the newest ones and deletes the oldest', () => {
    expect(versionsToPrune([1, 2, 3, 4, 5, 6], { keep: 4, protectedVersions: [6] })).toEqual([1, 2]);
  });
  it('never deletes the current or the gray version, however old', () => {
    expect(versionsToPrune([1, 2, 3, 4, 5, 6, 7], { keep: 3, protectedVersions: [2, 7] })).toEqual([1, 3, 4]);
  });
});

describe('diffJson', () => {
  it('compares objects key by key and everything else whole, keys sorted', () => {
    expect(diffJson({ b: 1, a: [1, 2], c: { d: 1 } }, { a: [1, 3], c: { d: 1, 'e/f': null } })).toEqual([
      { op: 'changed', path: '/a', before: [1, 2], after: [1, 3] },
      { op: 'removed', path: '/b', before: 1 },
      { op: 'added', path: '/c/e~1f', after: null },
    ]);
    expect(diffJson(1, '1')).toEqual([{ op: 'changed', path: '', before: 1, after: '1' }]);
    expect(diffJson({ a: [{ x: 1 }] }, { a: [{ x: 1 }] })).toEqual([]);
  });
});

describe('parseEditors', () => {
  it('takes user:password and user:digest entries; a password becomes its ZooKeeper digest', () => {
    const digest = digestOf('bob', 'pw');
    expect(parseEditors({ passwords: 'alice:secret:with:colons', digests: `bob:${digest}` })).toEqual([
      { user: 'alice', digest: digestOf('alice', 'secret:with:colons'), password: 'secret:with:colons' },
      { user: 'bob', digest },
    ]);
  });
  it.each([['nopassword'], [':pw'], ['bad user:pw']])('refuses %j', (entry) => {
    expect(() => parseEditors({ passwords: entry })).toThrow(TypeError);
  });
  it('refuses a digest that is not a SHA-1 in base64', () => {
    expect(() => parseEditors({ digests: 'bob:short' })).toThrow(/not a SHA-1 digest/);
  });
});

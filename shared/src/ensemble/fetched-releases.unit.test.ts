import { describe, expect, it } from 'vitest';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { compareVersions, fetchCacheDirectory } from './fetched-releases.ts';

describe('fetchCacheDirectory', () => {
  it('follows ZK_COOKBOOK_CACHE_DIR, then XDG_CACHE_HOME, then ~/.cache', () => {
    expect(fetchCacheDirectory({ ZK_COOKBOOK_CACHE_DIR: '/c', XDG_CACHE_HOME: '/x' })).toBe('/c');
    expect(fetchCacheDirectory({ XDG_CACHE_HOME: '/x' })).toBe('/x/zk-cookbook');
    expect(fetchCacheDirectory({})).toBe(join(homedir(), '.cache', 'zk-cookbook'));
  });
});

describe('compareVersions', () => {
  it('orders numeric parts as numbers', () => {
    const sorted = ['3.9.10', '3.10.0', '3.9.2', '3.9', '2.11.0'].sort(compareVersions);
    expect(sorted).toEqual(['2.11.0', '3.9', '3.9.2', '3.9.10', '3.10.0']);
  });
});

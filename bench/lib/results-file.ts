import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPOSITORY_ROOT } from './node-child.ts';

export const RESULTS_DIRECTORY = join(REPOSITORY_ROOT, '.tmp', 'bench');

/** Writes `.tmp/bench/<suite>-<timestamp>.json` (bigints as strings) and returns its path. */
export function writeResultsFile(suite: string, results: unknown, now = new Date()): string {
  mkdirSync(RESULTS_DIRECTORY, { recursive: true });
  const path = join(RESULTS_DIRECTORY, `${suite}-${fileTimestamp(now)}.json`);
  const json = JSON.stringify(results, (_key, value: unknown) =>
    typeof value === 'bigint' ? value.toString() : value,
  );
  writeFileSync(path, `${json}\n`);
  return path;
}

/** 2025-11-25T17:58:21Z → 20251125-175821: sorts by time and is safe in any file system. */
export function fileTimestamp(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d+Z$/, '')
    .replace(/[-:]/g, '')
    .replace('T', '-');
}

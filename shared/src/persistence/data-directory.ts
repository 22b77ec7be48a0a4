import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { zxidFromFileName } from './zxid.ts';

export interface DataFile {
  path: string;
  kind: 'log' | 'snapshot';
  /** from the name: the first zxid of a log, the last applied zxid of a snapshot */
  zxid: bigint;
}

/**
 * The logs and snapshots in a dataDir, its `version-2/` or the directory itself, oldest first.
 * A single file is returned as it is, so the CLI takes either.
 */
export async function listDataFiles(location: string): Promise<DataFile[]> {
  const info = await stat(location);
  if (!info.isDirectory()) {
    const parsed = zxidFromFileName(basename(location));
    if (!parsed) throw new Error(`${location} is not named log.<zxid> or snapshot.<zxid>`);
    return [{ path: location, ...parsed }];
  }
  const names = await readdir(location);
  const directory = names.includes('version-2') ? join(location, 'version-2') : location;
  const files: DataFile[] = [];
  for (const name of await readdir(directory)) {
    const parsed = zxidFromFileName(name);
    if (parsed) files.push({ path: join(directory, name), ...parsed });
  }
  return files.sort((a, b) => (a.zxid === b.zxid ? a.kind.localeCompare(b.kind) : a.zxid < b.zxid ? -1 : 1));
}

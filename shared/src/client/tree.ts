import type { ZooKeeperClient, CallOptions } from './zookeeper-client.ts';
import { isZooKeeperError, ZooKeeperError } from './errors.ts';
import { ancestorPaths, joinPath } from './paths.ts';
import type { CreateMode } from './create-mode.ts';

/**
 * Creates `path` and any missing ancestors. Ancestors are created as containers by default, as
 * Curator does, so the server removes them once they are empty; nodes that already exist are left
 * alone. Safe to race with other clients doing the same.
 */
export async function ensurePath(
  client: ZooKeeperClient,
  path: string,
  options: CallOptions & { mode?: CreateMode; parentMode?: CreateMode } = {},
): Promise<void> {
  if (path === '/') return;
  const mode = options.mode ?? 'persistent';
  const parentMode = options.parentMode ?? 'container';
  const call = { timeoutMs: options.timeoutMs, signal: options.signal };
  try {
    await client.create(path, undefined, { ...call, mode });
    return;
  } catch (error) {
    if (isZooKeeperError(error, 'NODEEXISTS')) return;
    if (!isZooKeeperError(error, 'NONODE')) throw error;
  }
  // Try the leaf first and walk up only on NONODE: in the common case the parents exist.
  for (const ancestor of ancestorPaths(path)) {
    if (ancestor === '/') continue;
    try {
      await client.create(ancestor, undefined, { ...call, mode: parentMode });
    } catch (error) {
      if (!isZooKeeperError(error, 'NODEEXISTS')) throw error;
    }
  }
  try {
    await client.create(path, undefined, { ...call, mode });
  } catch (error) {
    if (!isZooKeeperError(error, 'NODEEXISTS')) throw error;
  }
}

/**
 * Deletes a node and everything below it (zkCli's deleteall). Children created concurrently are
 * picked up by retrying the delete; nodes deleted by someone else are fine.
 */
export async function deleteRecursive(
  client: ZooKeeperClient,
  path: string,
  options: CallOptions = {},
): Promise<void> {
  for (let attempt = 0; attempt < 10; attempt++) {
    let children: string[];
    try {
      ({ children } = await client.getChildren(path, options));
    } catch (error) {
      if (isZooKeeperError(error, 'NONODE')) return;
      throw error;
    }
    await Promise.all(children.map((child) => deleteRecursive(client, joinPath(path, child), options)));
    if (path === '/') return;
    try {
      await client.delete(path, options);
      return;
    } catch (error) {
      if (isZooKeeperError(error, 'NONODE')) return;
      if (!isZooKeeperError(error, 'NOTEMPTY')) throw error;
    }
  }
  // Typed like the delete that kept failing, so callers branch on NOTEMPTY as for a plain delete.
  throw new ZooKeeperError('NOTEMPTY', {
    operation: 'deleteRecursive',
    path,
    detail: 'children kept appearing while it was emptied (10 attempts)',
  });
}

/** Every path under `path` (itself included), depth first, parents before children. */
export async function listRecursive(
  client: ZooKeeperClient,
  path: string,
  options: CallOptions = {},
): Promise<string[]> {
  const result: string[] = [path];
  let children: string[];
  try {
    ({ children } = await client.getChildren(path, options));
  } catch (error) {
    if (isZooKeeperError(error, 'NONODE')) return [];
    throw error;
  }
  for (const child of children.sort())
    result.push(...(await listRecursive(client, joinPath(path, child), options)));
  return result;
}

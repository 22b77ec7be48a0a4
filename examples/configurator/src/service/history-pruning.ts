import { op, isZooKeeperError, type ZooKeeperClient } from '@zk-cookbook/core/client';
import type { ConfiguratorLayout } from '../layout.ts';
import { parseVersionName } from '../layout.ts';
import { readKeyState } from './key-state.ts';

/**
 * Which versions to delete so that a key's history stays bounded: all but the newest `keep`, and
 * never the one `current` points at nor the one a gray release is rolling out (either may be older
 * than the newest `keep` after a run of aborted gray releases).
 */
export function versionsToPrune(
  versions: readonly number[],
  { keep, protectedVersions }: { keep: number; protectedVersions: readonly number[] },
): number[] {
  const newestFirst = [...versions].sort((a, b) => b - a);
  return newestFirst
    .slice(keep)
    .filter((version) => !protectedVersions.includes(version))
    .sort((a, b) => a - b);
}

/**
 * Deletes what versionsToPrune says, in one multi that also checks the key node's version: every
 * pointer move bumps that version, so the deletions cannot interleave with a publish, a promotion or
 * a rollback that would make a deleted version current. If one happens meanwhile, this pass does
 * nothing (BADVERSION) and the next publish prunes. Returns the versions deleted.
 */
export async function pruneHistory(
  client: ZooKeeperClient,
  layout: ConfiguratorLayout,
  namespace: string,
  key: string,
  keep: number,
): Promise<number[]> {
  const state = await readKeyState(client, layout, namespace, key);
  if (!state.keyNode) return [];
  const { children } = await client.getChildren(layout.versions(namespace, key));
  const versions = children.map(parseVersionName).filter((version) => version !== undefined);
  const protectedVersions = [state.current?.record.version, state.gray?.record.version].filter(
    (version) => version !== undefined,
  );
  const doomed = versionsToPrune(versions, { keep, protectedVersions });
  if (doomed.length === 0) return [];
  try {
    await client.multi([
      op.check(layout.key(namespace, key), state.keyNode.stat.version),
      ...doomed.map((version) => op.delete(layout.version(namespace, key, version))),
    ]);
  } catch (error) {
    if (isZooKeeperError(error, 'BADVERSION', 'NONODE')) return [];
    throw error;
  }
  return doomed;
}

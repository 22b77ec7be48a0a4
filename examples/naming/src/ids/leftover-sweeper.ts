import { isZooKeeperError, joinPath, type ZooKeeperClient } from '@zk-cookbook/core/client';
import { sequenceParent, type NamingLayout } from '../layout.ts';
import type { IdTypes } from './id-types.ts';

/** Deletes at a time: each is a small request, pipelined. */
const DELETES_IN_FLIGHT = 100;

/**
 * SequentialIdGenerator deletes every ID node a moment after taking its number (batched, within
 * 50 ms). A process killed within that moment leaves its last few nodes behind, and over months of
 * restarts a type's parent would collect them. The sweeper deletes ID nodes older than `minAgeMs`
 * under every sequential type's parent.
 *
 * Why an age and not "every node": a young node may belong to a create whose reply was lost, which
 * its generator is looking up by its protected name right now. Deleting it would make that caller
 * create another — a gap, never a repeat — so the age only keeps gaps rare. It is compared with the
 * node's ctime, the server's clock: a minute absorbs any sane skew.
 */
export async function sweepLeftoverIdNodes(
  client: ZooKeeperClient,
  layout: NamingLayout,
  types: IdTypes,
  { minAgeMs = 60_000, now = Date.now() }: { minAgeMs?: number; now?: number } = {},
): Promise<{ examined: number; deleted: number }> {
  let examined = 0;
  let deleted = 0;
  for (const { type, definition } of await types.list()) {
    if (definition.generator !== 'sequential') continue;
    const parent = sequenceParent(layout, type);
    let children: string[];
    try {
      ({ children } = await client.getChildren(parent));
    } catch (error) {
      if (isZooKeeperError(error, 'NONODE')) continue; // no ID taken yet
      throw error;
    }
    examined += children.length;
    for (let start = 0; start < children.length; start += DELETES_IN_FLIGHT) {
      const outcomes = await Promise.all(
        children.slice(start, start + DELETES_IN_FLIGHT).map(async (child) => {
          const path = joinPath(parent, child);
          const stat = await client.exists(path);
          if (!stat || now - stat.ctime < minAgeMs) return false;
          try {
            // The version read: a node re-created at the same path since is not ours to judge.
            await client.delete(path, { version: stat.version });
            return true;
          } catch (error) {
            if (isZooKeeperError(error, 'NONODE', 'BADVERSION')) return false;
            throw error;
          }
        }),
      );
      deleted += outcomes.filter(Boolean).length;
    }
  }
  return { examined, deleted };
}

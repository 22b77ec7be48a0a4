import { isZooKeeperError, type ZooKeeperClient } from '../src/client/index.ts';

/**
 * The children of `path`, or none when the node is gone. Recipes create their directories as
 * containers, and the test ensemble sweeps empty containers every 500 ms: a directory emptied a
 * moment ago may be deleted at any time, which is just as empty.
 */
export async function childrenOrNone(client: ZooKeeperClient, path: string): Promise<string[]> {
  try {
    return (await client.getChildren(path)).children;
  } catch (error) {
    if (isZooKeeperError(error, 'NONODE')) return [];
    throw error;
  }
}

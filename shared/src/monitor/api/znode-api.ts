import { Router } from 'express';
import { z } from 'zod';
import { isZooKeeperError, joinPath, type ZooKeeperClient } from '../../client/index.ts';
import { parseRequest, znodePath } from '../../http/index.ts';
import { aclView, dataView, statView } from '../znode-view.ts';

const treeQuery = z.object({
  path: znodePath.default('/'),
  limit: z.coerce.number().int().min(1).max(1_000).default(200),
});

const nodeQuery = z.object({ path: znodePath });

/**
 * The znode browser's reads, through the monitor's own session:
 * - `GET /api/tree?path=/a&limit=200`: the node's Stat and its children (sorted, each with Stat);
 * - `GET /api/node?path=/a`: data (text / JSON / hex), Stat and ACL.
 * A missing node is a 404 with code NONODE (from the error middleware), a bad path a 400.
 *
 * Each read starts with a sync: someone who just wrote through zkCli or a service expects to see it,
 * and the monitor's session may be on a follower that has not applied that write yet.
 */
export function znodeRouter(client: ZooKeeperClient): Router {
  const router = Router();

  router.get('/api/tree', async (request, response) => {
    const { query } = parseRequest(request, { query: treeQuery });
    await catchUp(client, query.path);
    const { children, stat } = await client.getChildren(query.path);
    const names = children.sort().slice(0, query.limit);
    // One pipelined exists() per child; a child deleted in between simply drops out of the list.
    const stats = await Promise.all(names.map((name) => client.exists(joinPath(query.path, name))));
    response.set('Cache-Control', 'no-store').json({
      path: query.path,
      stat: statView(stat),
      children: names.flatMap((name, index) => {
        const childStat = stats[index];
        return childStat ? [{ name, path: joinPath(query.path, name), stat: statView(childStat) }] : [];
      }),
      truncated: children.length > names.length,
    });
  });

  router.get('/api/node', async (request, response) => {
    const { query } = parseRequest(request, { query: nodeQuery });
    await catchUp(client, query.path);
    const [{ data, stat, dataIsNull }, { acl }] = await Promise.all([
      client.getData(query.path),
      client.getACL(query.path),
    ]);
    response.set('Cache-Control', 'no-store').json({
      path: query.path,
      stat: statView(stat),
      acl: aclView(acl),
      data: dataView(data, dataIsNull),
    });
  });

  return router;
}

/** Syncs before a read; a read-only server refuses sync, and then the read is as fresh as it gets. */
async function catchUp(client: ZooKeeperClient, path: string): Promise<void> {
  try {
    await client.sync(path);
  } catch (error) {
    if (!isZooKeeperError(error, 'NOTREADONLY')) throw error;
  }
}

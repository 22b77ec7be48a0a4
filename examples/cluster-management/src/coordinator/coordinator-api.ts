import { Router } from 'express';
import { z } from 'zod';
import { isZooKeeperError, joinPath, type ZooKeeperClient } from '@zk-cookbook/core/client';
import { HttpError, parseRequest, sameOriginReads, type EventStreams } from '@zk-cookbook/core/http';
import { nodeId, sourceDescription, type ClusterLayout } from '../layout.ts';
import type { Coordinator } from './coordinator.ts';

const sourceParams = z.object({ source: nodeId });

/** Everything the page shows, in one answer: the same shape for GET and for each SSE `cluster` event. */
export function clusterSnapshot(coordinator: Coordinator, client: ZooKeeperClient) {
  const assignment = coordinator.currentAssignment();
  return {
    coordinator: { id: coordinator.id, isLeader: coordinator.isLeader, connection: client.state },
    machines: coordinator.machines(),
    sources: coordinator.sourceIds().map((id) => ({ id, path: coordinator.sourcePath(id) ?? null })),
    assignment,
    rebalances: coordinator.recentRebalances().slice(-20),
    events: coordinator.recentEvents().slice(-50),
  };
}
export type ClusterSnapshot = ReturnType<typeof clusterSnapshot>;

/**
 * The management API (every coordinator answers it; only the leader decides the assignment):
 * - `GET /api/cluster`: machines with their status, sources, the assignment, recent rebalances and events
 * - `GET /api/cluster/events`: Server-Sent Events, a `cluster` snapshot first and after every change
 * - `PUT /api/sources/:source` `{ "path": "/var/log/app.log" }`: add a log source (201) or change it (200)
 * - `DELETE /api/sources/:source`: remove one (204; 404 if there is none)
 * PUT and DELETE cannot be sent cross-site without a CORS preflight, which this service never approves.
 */
export function coordinatorRouter({
  coordinator,
  client,
  layout,
  streams,
}: {
  coordinator: Coordinator;
  client: ZooKeeperClient;
  layout: ClusterLayout;
  streams: EventStreams;
}): Router {
  const router = Router();
  router.get('/api/cluster', (_request, response) => {
    response.set('Cache-Control', 'no-store').json(clusterSnapshot(coordinator, client));
  });

  router.get('/api/cluster/events', sameOriginReads(), (_request, response) => {
    const stream = streams.reserve().open(response);
    // Changes come in bursts (a rebalance moves several sources): one snapshot per burst.
    let pending: NodeJS.Timeout | undefined;
    const onChanged = (): void => {
      pending ??= setTimeout(() => {
        pending = undefined;
        stream.send('cluster', clusterSnapshot(coordinator, client));
      }, 50);
    };
    coordinator.on('changed', onChanged);
    stream.signal.addEventListener(
      'abort',
      () => {
        clearTimeout(pending);
        coordinator.off('changed', onChanged);
      },
      { once: true },
    );
    stream.send('cluster', clusterSnapshot(coordinator, client));
  });

  router.put('/api/sources/:source', async (request, response) => {
    const { params, body } = parseRequest(request, { params: sourceParams, body: sourceDescription });
    const path = joinPath(layout.sources, params.source);
    const data = JSON.stringify({ path: body.path });
    try {
      await client.create(path, data);
      response.status(201).json({ id: params.source, path: body.path });
    } catch (error) {
      if (!isZooKeeperError(error, 'NODEEXISTS')) throw error;
      await client.setData(path, data);
      response.status(200).json({ id: params.source, path: body.path });
    }
  });

  router.delete('/api/sources/:source', async (request, response) => {
    const { params } = parseRequest(request, { params: sourceParams });
    try {
      await client.delete(joinPath(layout.sources, params.source));
    } catch (error) {
      if (isZooKeeperError(error, 'NONODE'))
        throw new HttpError(404, 'NO_SUCH_SOURCE', `no source ${params.source}`, { source: params.source });
      throw error;
    }
    response.status(204).end();
  });
  return router;
}

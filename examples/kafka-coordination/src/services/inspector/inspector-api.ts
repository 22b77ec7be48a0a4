import { Router } from 'express';
import { sameOriginReads, type EventStreams } from '@zk-cookbook/core/http';
import type { ClusterWatch } from './cluster-watch.ts';

/**
 * The inspector's API:
 * - `GET /api/cluster`: the decoded, schema-checked view (brokers, controller, topics and partitions,
 *   pending admin requests, config change notifications, schema issues), the change log, and a
 *   `version` that grows with every change
 * - `GET /api/cluster/events`: Server-Sent Events, a `cluster` snapshot first and after every change
 */
export function inspectorRouter({ watch, streams }: { watch: ClusterWatch; streams: EventStreams }): Router {
  const router = Router();
  router.get('/api/cluster', (_request, response) => {
    response.set('Cache-Control', 'no-store').json(watch.snapshot());
  });

  router.get('/api/cluster/events', sameOriginReads(), (_request, response) => {
    const stream = streams.reserve().open(response);
    const onChanged = (): void => {
      stream.send('cluster', watch.snapshot());
    };
    watch.on('changed', onChanged);
    stream.signal.addEventListener('abort', () => watch.off('changed', onChanged), { once: true });
    stream.send('cluster', watch.snapshot());
  });
  return router;
}

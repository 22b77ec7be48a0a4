import { Router } from 'express';
import { z } from 'zod';
import type { ZooKeeperClient } from '@zk-cookbook/core/client';
import { parseRequest } from '@zk-cookbook/core/http';
import type { Collector } from './collector.ts';

const reportQuery = z.object({
  /** only intervals still open or ended at or after this time (ms since the epoch) */
  since: z.coerce.number().int().nonnegative().optional(),
});

/**
 * A collector's own report:
 * - `GET /api/status`: id, connection, session, assigned and worked sources, lines collected
 * - `GET /api/work[?since=ms]`: every interval it worked a source (the invariant is checked on these)
 */
export function collectorRouter(collector: () => Collector | undefined, client: ZooKeeperClient): Router {
  const router = Router();
  router.get('/api/status', (_request, response) => {
    const current = collector();
    response.set('Cache-Control', 'no-store').json({
      connection: client.state,
      sessionId: `0x${client.sessionId.toString(16)}`,
      ...(current && {
        id: current.id,
        generation: current.generation,
        assigned: current.assigned,
        working: current.working,
        collected: current.collected,
      }),
    });
  });
  router.get('/api/work', (request, response) => {
    const { query } = parseRequest(request, { query: reportQuery });
    const intervals = collector()?.workLog.report() ?? [];
    const since = query.since;
    response.set('Cache-Control', 'no-store').json({
      now: Date.now(),
      intervals:
        since === undefined ? intervals : intervals.filter((each) => (each.end ?? Infinity) >= since),
    });
  });
  return router;
}

import { Router } from 'express';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { z } from 'zod';
import { parseRequest } from '@zk-cookbook/core/http';
import { answering } from '../http-errors.ts';
import { idTypeDefinition, idTypeName } from '../layout.ts';
import type { IdService } from './id-service.ts';

/** IDs one request may take: a batch costs one write per ID for a sequential type. */
export const MAX_IDS_PER_REQUEST = 1000;

const typeParams = z.object({ type: idTypeName });
const takeQuery = z.object({ count: z.coerce.number().int().min(1).max(MAX_IDS_PER_REQUEST).default(1) });

/**
 * The ID API:
 * - `POST /ids/:type[?count=n]` → `{ type, generator, names: ["job-0000000042", …] }`, unique across
 *   every instance and process, increasing within the answer
 * - `GET /id-types`, `PUT /id-types/:type` `{ "generator": "sequential" }` or
 *   `{ "generator": "range", "rangeSize": 1000 }` (201 created, 200 the same one, 409 another one)
 * - `GET /ids/stats`: what this instance handed out, and its leased ranges
 */
export function idsRouter({
  ids,
  registry,
  timeoutMs,
}: {
  ids: IdService;
  registry: Registry;
  timeoutMs: number;
}): Router {
  const issued = new Counter({
    name: 'naming_ids_issued_total',
    help: 'IDs handed out by this instance, by type and generator',
    labelNames: ['type', 'generator'] as const,
    registers: [registry],
  });
  const requestSeconds = new Histogram({
    name: 'naming_id_request_duration_seconds',
    help: 'from a POST /ids request to its IDs, by generator (range: mostly from memory)',
    labelNames: ['generator'] as const,
    buckets: [0.0001, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 5],
    registers: [registry],
  });
  new Gauge({
    name: 'naming_ranges_total',
    help: 'ranges this instance leased, and leased ranges given up because the reservation outcome was unknown',
    labelNames: ['type', 'outcome'] as const,
    registers: [registry],
    collect() {
      for (const stats of ids.stats()) {
        if (stats.rangesReserved === undefined) continue;
        this.set({ type: stats.type, outcome: 'reserved' }, stats.rangesReserved);
        this.set({ type: stats.type, outcome: 'wasted' }, stats.rangesWasted ?? 0);
      }
    },
  });

  const router = Router();
  router.post('/ids/:type', async (request, response) => {
    const { params, query } = parseRequest(request, { params: typeParams, query: takeQuery });
    const started = performance.now();
    const taken = await answering(() => ids.take(params.type, query.count, { timeoutMs }));
    requestSeconds.observe({ generator: taken.generator }, (performance.now() - started) / 1000);
    issued.inc({ type: taken.type, generator: taken.generator }, taken.names.length);
    response.set('Cache-Control', 'no-store').json(taken);
  });

  router.get('/ids/stats', (_request, response) => {
    response.set('Cache-Control', 'no-store').json({ types: ids.stats() });
  });

  router.get('/id-types', async (_request, response) => {
    const types = await answering(() => ids.types.list());
    response.json({ types: types.map(({ type, definition }) => ({ type, ...definition })) });
  });

  router.put('/id-types/:type', async (request, response) => {
    const { params, body } = parseRequest(request, { params: typeParams, body: idTypeDefinition });
    const { definition, created } = await answering(() => ids.types.define(params.type, body));
    response.status(created ? 201 : 200).json({ type: params.type, ...definition });
  });

  return router;
}

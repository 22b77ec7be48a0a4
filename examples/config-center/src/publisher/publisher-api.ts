import { Router } from 'express';
import { Counter, Histogram, type Registry } from 'prom-client';
import { z } from 'zod';
import { isZooKeeperError } from '@zk-cookbook/core/client';
import { HttpError, parseRequest } from '@zk-cookbook/core/http';
import { configKey } from '../layout.ts';
import type { ConfigStore } from './config-store.ts';

const keyParams = z.object({ key: configKey });
const setBody = z.object({
  value: z.string(),
  /** replace only this version of the key (optimistic concurrency); 409 BADVERSION otherwise */
  expectedVersion: z.number().int().min(0).optional(),
});
const deleteQuery = z.object({ expectedVersion: z.coerce.number().int().min(0).optional() });

/**
 * The admin API. Reads are open; writes (PUT, DELETE) pass the admin-credential guard first (see
 * publisher-service.ts). Every answer is JSON; ZooKeeper's refusals keep their code: NONODE 404,
 * BADVERSION 409, NOAUTH 403.
 * - `GET /api/config`, `GET /api/config/:key`: what ZooKeeper holds, read after a sync
 * - `PUT /api/config/:key` `{ "value": "...", "expectedVersion"?: n }`: set (create) a key
 * - `DELETE /api/config/:key[?expectedVersion=n]`
 */
export function publisherRouter({
  store,
  registry,
  maxValueBytes,
}: {
  store: ConfigStore;
  registry: Registry;
  maxValueBytes: number;
}): Router {
  const writes = new Counter({
    name: 'config_center_writes_total',
    help: 'configuration writes by operation (set, delete) and outcome (ok, or the error code)',
    labelNames: ['operation', 'outcome'] as const,
    registers: [registry],
  });
  const writeSeconds = new Histogram({
    name: 'config_center_write_duration_seconds',
    help: 'from sending a write to ZooKeeper to its acknowledgement',
    buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    registers: [registry],
  });
  const timed = async <T>(operation: 'set' | 'delete', write: () => Promise<T>): Promise<T> => {
    const stop = writeSeconds.startTimer();
    try {
      const result = await write();
      writes.inc({ operation, outcome: 'ok' });
      return result;
    } catch (error) {
      writes.inc({ operation, outcome: isZooKeeperError(error) ? error.code : 'error' });
      throw error;
    } finally {
      stop();
    }
  };

  const router = Router();
  router.get('/api/config', async (_request, response) => {
    response.set('Cache-Control', 'no-store').json({ values: await store.list() });
  });

  router.get('/api/config/:key', async (request, response) => {
    const { params } = parseRequest(request, { params: keyParams });
    response.set('Cache-Control', 'no-store').json(await store.get(params.key));
  });

  router.put('/api/config/:key', async (request, response) => {
    const { params, body } = parseRequest(request, { params: keyParams, body: setBody });
    const bytes = Buffer.byteLength(body.value, 'utf8');
    if (bytes > maxValueBytes) {
      throw new HttpError(413, 'VALUE_TOO_LARGE', `a value may have at most ${maxValueBytes} bytes (UTF-8)`, {
        key: params.key,
        bytes,
        maxBytes: maxValueBytes,
      });
    }
    const stored = await timed('set', () => store.set(params.key, body.value, body.expectedVersion));
    response.status(stored.created ? 201 : 200).json(stored);
  });

  router.delete('/api/config/:key', async (request, response) => {
    const { params, query } = parseRequest(request, { params: keyParams, query: deleteQuery });
    await timed('delete', () => store.delete(params.key, query.expectedVersion));
    response.status(204).end();
  });

  return router;
}

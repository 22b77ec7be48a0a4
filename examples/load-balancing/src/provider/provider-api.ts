import { setTimeout as sleep } from 'node:timers/promises';
import { Router, type Response } from 'express';
import { z } from 'zod';
import { HttpError, parseRequest } from '@zk-cookbook/core/http';
import { providerWeight } from '../layout.ts';
import type { ProviderRegistration } from './provider-registration.ts';

/** Set by the provider on every answer of /app, so a client (and a test) sees who served it. */
export const PROVIDER_HEADER = 'x-provider-id';

export interface ProviderCounters {
  served: number;
  orders: number;
}

const itemParams = z.object({ key: z.string().min(1).max(256) });
const slowQuery = z.object({ ms: z.coerce.number().int().min(0).max(10_000).default(200) });
const orderBody = z.object({ item: z.string().min(1).max(256) });
const weightBody = z.object({ weight: providerWeight });
const failingBody = z.object({ failing: z.boolean() });

/**
 * What a provider serves — a toy application that says who answered — and the knobs a workshop
 * turns:
 * - `GET /app/hello`, `GET /app/items/:key`, `GET /app/slow?ms=`: idempotent reads
 * - `POST /app/orders {item}`: not idempotent (each call takes an order number), never retried
 * - `PUT /admin/weight {weight}`: a new weight in the registration (0 drains the provider)
 * - `PUT /admin/failing {failing}`: answer /app with 503 (an ill provider that is still registered)
 * - `GET /admin/state`: id, zone, weight, registered, counters
 */
export function providerRouter({
  instanceId,
  registration,
  counters,
}: {
  instanceId: string;
  registration: ProviderRegistration;
  counters: ProviderCounters;
}): Router {
  const router = Router();
  let failing = false;
  const answer = (response: Response, status: number, body: Record<string, unknown>) => {
    counters.served++;
    response
      .status(status)
      .set(PROVIDER_HEADER, instanceId)
      .set('Cache-Control', 'no-store')
      .json({ provider: instanceId, zone: registration.payload.zone, ...body });
  };

  router.use('/app', (_request, response, next) => {
    if (!failing) {
      next();
      return;
    }
    response.set(PROVIDER_HEADER, instanceId);
    next(new HttpError(503, 'PROVIDER_FAILING', `${instanceId} is set to fail (PUT /admin/failing)`));
  });
  router.get('/app/hello', (_request, response) => {
    answer(response, 200, { weight: registration.payload.weight, served: counters.served + 1 });
  });
  router.get('/app/items/:key', (request, response) => {
    const { params } = parseRequest(request, { params: itemParams });
    answer(response, 200, { key: params.key });
  });
  router.get('/app/slow', async (request, response) => {
    const { query } = parseRequest(request, { query: slowQuery });
    await sleep(query.ms);
    answer(response, 200, { sleptMs: query.ms });
  });
  router.post('/app/orders', (request, response) => {
    const { body } = parseRequest(request, { body: orderBody });
    counters.orders++;
    answer(response, 201, { item: body.item, order: counters.orders });
  });

  router.put('/admin/weight', async (request, response) => {
    const { body } = parseRequest(request, { body: weightBody });
    if (!registration.isRegistered) {
      throw new HttpError(503, 'NOT_REGISTERED', `${instanceId} is not registered in ZooKeeper yet`);
    }
    await registration.setWeight(body.weight);
    response.json({ provider: instanceId, weight: body.weight });
  });
  router.put('/admin/failing', (request, response) => {
    const { body } = parseRequest(request, { body: failingBody });
    failing = body.failing;
    response.json({ provider: instanceId, failing });
  });
  router.get('/admin/state', (_request, response) => {
    response.set('Cache-Control', 'no-store').json({
      provider: instanceId,
      ...registration.payload,
      registered: registration.isRegistered,
      failing,
      ...counters,
    });
  });
  return router;
}

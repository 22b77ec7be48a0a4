import { Router } from 'express';
import { Registry, collectDefaultMetrics } from 'prom-client';

/**
 * A Prometheus registry of the service's own, with the Node process metrics (CPU, memory, event
 * loop lag, handles) that every service should expose. A registry per service rather than
 * prom-client's global one, so that two services in one process (tests) do not collide.
 */
export function createMetricsRegistry({
  processMetrics = true,
}: { processMetrics?: boolean } = {}): Registry {
  const registry = new Registry();
  if (processMetrics) collectDefaultMetrics({ register: registry });
  return registry;
}

/** `GET /metrics` in the Prometheus text format. */
export function metricsRouter(registry: Registry): Router {
  const router = Router();
  router.get('/metrics', async (_request, response) => {
    const body = await registry.metrics();
    response.type(registry.contentType).send(body);
  });
  return router;
}

import { Router } from 'express';
import { z } from 'zod';
import type { ZooKeeperClient } from '@zk-cookbook/core/client';
import { HttpError, parseRequest, sameOriginReads, type EventStreams } from '@zk-cookbook/core/http';
import { providerWeight, zoneName } from '../layout.ts';
import { STRATEGY_NAMES } from '../strategies/index.ts';
import type { GatewayFeed, MovementReport } from './gateway-feed.ts';
import { describeGateway } from './gateway-view.ts';
import type { LoadBalancer } from './load-balancer.ts';
import type { MembershipChange, ProviderList } from './provider-list.ts';
import type { TrafficSample, TrafficStats } from './traffic-stats.ts';

const strategyBody = z.object({
  strategy: z.enum(STRATEGY_NAMES),
  preferZone: zoneName.nullable().optional(),
});
const weightParams = z.object({ id: z.string().min(1).max(128) });
const weightBody = z.object({ weight: providerWeight });
const membershipQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) });

/**
 * The gateway's own API (everything it does not proxy):
 * - `GET /gateway/state`: strategy, providers with weight, zone, circuit, in flight and counters
 * - `GET /gateway/membership?limit=`: providers joining, leaving and changing, with the time seen
 * - `GET /gateway/events`: Server-Sent Events — `state` and `history` first, then `traffic` each
 *   second, `membership` per change, `movement` when a provider joins or leaves (keys moved)
 * - `PUT /gateway/strategy {strategy, preferZone}`: switch strategy
 * - `PUT /gateway/providers/:id/weight {weight}`: ask that provider to change its registration
 */
export function gatewayRouter({
  client,
  list,
  balancer,
  stats,
  streams,
  feed,
}: {
  client: ZooKeeperClient;
  list: ProviderList;
  balancer: LoadBalancer;
  stats: TrafficStats;
  streams: EventStreams;
  feed: GatewayFeed;
}): Router {
  const router = Router();
  const view = () => describeGateway(client, list, balancer, stats);

  router.get('/gateway/state', (_request, response) => {
    response.set('Cache-Control', 'no-store').json(view());
  });

  router.get('/gateway/membership', (request, response) => {
    const { query } = parseRequest(request, { query: membershipQuery });
    response.set('Cache-Control', 'no-store').json({ changes: feed.membership().slice(-query.limit) });
  });

  router.put('/gateway/strategy', (request, response) => {
    const { body } = parseRequest(request, { body: strategyBody });
    balancer.setStrategy({ strategy: body.strategy, preferZone: body.preferZone ?? undefined });
    response.json({ strategy: body.strategy, preferZone: body.preferZone ?? null });
  });

  router.put('/gateway/providers/:id/weight', async (request, response) => {
    const { params, body } = parseRequest(request, { params: weightParams, body: weightBody });
    const provider = list.providers.find((candidate) => candidate.id === params.id);
    if (!provider) throw new HttpError(404, 'NO_SUCH_PROVIDER', `no provider ${params.id} is registered`);
    let answer: Response;
    try {
      answer = await fetch(`${provider.url}/admin/weight`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ weight: body.weight }),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      throw new HttpError(502, 'PROVIDER_UNREACHABLE', `${params.id}: ${(error as Error).message}`);
    }
    const text = await answer.text();
    response.status(answer.status).type('application/json').send(text);
  });

  router.get('/gateway/events', sameOriginReads(), (_request, response) => {
    const stream = streams.reserve().open(response);
    stream.send('state', view());
    stream.send('history', stats.recent);
    const last = feed.lastMovement();
    if (last) stream.send('movement', last);
    const onSample = (sample: TrafficSample) => stream.send('traffic', { sample, state: view() });
    const onMembership = (change: MembershipChange) => stream.send('membership', change);
    const onMovement = (movement: MovementReport) => stream.send('movement', movement);
    feed.on('sample', onSample);
    feed.on('membership', onMembership);
    feed.on('movement', onMovement);
    stream.signal.addEventListener('abort', () => {
      feed.off('sample', onSample);
      feed.off('membership', onMembership);
      feed.off('movement', onMovement);
    });
  });
  return router;
}

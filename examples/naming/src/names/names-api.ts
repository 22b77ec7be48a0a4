import { Router } from 'express';
import { Counter, Gauge, type Registry } from 'prom-client';
import { z } from 'zod';
import type { ZooKeeperClient } from '@zk-cookbook/core/client';
import { MAX_TTL_MS } from '@zk-cookbook/core/client';
import { HttpError, parseRequest } from '@zk-cookbook/core/http';
import { answering } from '../http-errors.ts';
import { bindingAddress, bindingOwner, registeredName } from '../layout.ts';
import type { NameRegistry } from './name-registry.ts';

const nameParams = z.object({ name: registeredName });
const bindingParams = z.object({ name: registeredName, owner: bindingOwner });
const bindBody = z
  .object({
    owner: bindingOwner,
    addresses: z.array(bindingAddress).min(1).max(64),
    /** omit for a session binding; a TTL binding lasts this long after its last renewal */
    ttlMs: z.number().int().min(1000).max(MAX_TTL_MS).optional(),
  })
  .strict();

/**
 * The name API:
 * - `PUT /names/:name` `{ "owner": "web-1", "addresses": ["10.0.0.5:8080"], "ttlMs"?: 30000 }`
 *   binds (201) or rebinds/renews (200)
 * - `GET /names/:name` → `{ name, addresses, bindings, connection, stale }` from the local copy;
 *   404 when nothing live is bound
 * - `GET /names`: every bound name
 * - `DELETE /names/:name/:owner`: 204
 * Answers read from the copy carry `stale: true` while the session is not connected: the copy is
 * what ZooKeeper held when the connection went, no newer.
 */
export function namesRouter({
  names,
  client,
  registry,
}: {
  names: NameRegistry;
  client: ZooKeeperClient;
  registry: Registry;
}): Router {
  const lookups = new Counter({
    name: 'naming_name_lookups_total',
    help: 'name lookups answered from the local copy, by outcome (found, missing, stale)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'naming_bindings',
    help: 'session bindings held through this instance, and binding nodes that could not be read',
    labelNames: ['kind'] as const,
    registers: [registry],
    collect() {
      const counts = names.counts;
      this.set({ kind: 'held_session' }, counts.heldSessionBindings);
      this.set({ kind: 'malformed' }, counts.malformedBindings);
    },
  });
  const freshness = () => ({ connection: client.state, stale: client.state !== 'connected' });
  const requireReady = (): void => {
    if (!names.isReady) {
      throw new HttpError(
        503,
        'NOT_READY',
        'the name registry is still being read',
        {},
        { 'Retry-After': '1' },
      );
    }
  };

  const router = Router();
  router.get('/names', (_request, response) => {
    requireReady();
    response.set('Cache-Control', 'no-store').json({ names: names.list(), ...freshness() });
  });

  router.get('/names/:name', (request, response) => {
    const { params } = parseRequest(request, { params: nameParams });
    requireReady();
    const resolution = names.resolve(params.name);
    const { stale } = freshness();
    lookups.inc({ outcome: resolution ? (stale ? 'stale' : 'found') : 'missing' });
    if (!resolution)
      throw new HttpError(404, 'NAME_NOT_FOUND', `nothing is bound to ${params.name}`, freshness());
    response.set('Cache-Control', 'no-store').json({ ...resolution, ...freshness() });
  });

  router.put('/names/:name', async (request, response) => {
    const { params, body } = parseRequest(request, { params: nameParams, body: bindBody });
    const { created } = await answering(() =>
      names.bind(params.name, body.owner, {
        addresses: body.addresses,
        ...(body.ttlMs !== undefined && { ttlMs: body.ttlMs }),
      }),
    );
    response.status(created ? 201 : 200).json({
      name: params.name,
      owner: body.owner,
      addresses: body.addresses,
      lifetime: body.ttlMs === undefined ? 'session' : 'ttl',
      ...(body.ttlMs !== undefined && { ttlMs: body.ttlMs }),
    });
  });

  router.delete('/names/:name/:owner', async (request, response) => {
    const { params } = parseRequest(request, { params: bindingParams });
    await answering(() => names.unbind(params.name, params.owner));
    response.status(204).end();
  });

  return router;
}

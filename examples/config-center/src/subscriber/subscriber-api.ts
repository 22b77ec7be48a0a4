import { Router } from 'express';
import { z } from 'zod';
import type { ZooKeeperClient } from '@zk-cookbook/core/client';
import { HttpError, parseRequest, sameOriginReads, type EventStreams } from '@zk-cookbook/core/http';
import { configKey } from '../layout.ts';
import type { AppliedValue, ConfigSubscription } from './config-subscription.ts';

/** What `GET /config` answers and the event stream starts with. */
export interface SubscriberView {
  instanceId: string;
  /** the session's state: anything but "connected" means the values may be stale */
  connection: string;
  initialized: boolean;
  watchMode: 'persistent' | 'oneShot';
  values: AppliedValue[];
}

const changesQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) });

export function describeSubscriber(
  instanceId: string,
  client: ZooKeeperClient,
  subscription: ConfigSubscription,
): SubscriberView {
  return {
    instanceId,
    connection: client.state,
    initialized: subscription.isInitialized,
    watchMode: subscription.watchMode,
    values: [...subscription.snapshot().values()],
  };
}

/**
 * The subscriber's read API, answered from memory:
 * - `GET /config`: every key, and whether the values are current (`connection`)
 * - `GET /config/:key`: one key, 404 if it does not exist
 * - `GET /changes?limit=N`: the change log, oldest first
 * - `GET /config/events`: Server-Sent Events — `snapshot` (everything) first and after every
 *   resync, `change` per applied change, `connection` per session state change
 */
export function subscriberRouter({
  instanceId,
  client,
  subscription,
  streams,
}: {
  instanceId: string;
  client: ZooKeeperClient;
  subscription: ConfigSubscription;
  streams: EventStreams;
}): Router {
  const router = Router();
  const view = (): SubscriberView => describeSubscriber(instanceId, client, subscription);

  router.get('/config', (_request, response) => {
    response.set('Cache-Control', 'no-store').json(view());
  });

  router.get('/config/events', sameOriginReads(), (_request, response) => {
    const stream = streams.reserve().open(response);
    const sendSnapshot = (): void => stream.send('snapshot', view());
    const onChange = (change: unknown): void => stream.send('change', change);
    const onState = (): void => stream.send('connection', { instanceId, connection: client.state });
    subscription.on('applied', onChange);
    subscription.on('initialized', sendSnapshot);
    subscription.on('resynced', sendSnapshot);
    client.on('state', onState);
    stream.signal.addEventListener(
      'abort',
      () => {
        subscription.off('applied', onChange);
        subscription.off('initialized', sendSnapshot);
        subscription.off('resynced', sendSnapshot);
        client.off('state', onState);
      },
      { once: true },
    );
    sendSnapshot();
  });

  router.get('/config/:key', (request, response) => {
    const { params } = parseRequest(request, { params: z.object({ key: configKey }) });
    const value = subscription.get(params.key);
    if (!value)
      throw new HttpError(404, 'NO_SUCH_KEY', `no configuration key "${params.key}"`, { key: params.key });
    response.set('Cache-Control', 'no-store').json({ ...value, connection: client.state });
  });

  router.get('/changes', (request, response) => {
    const { query } = parseRequest(request, { query: changesQuery });
    response
      .set('Cache-Control', 'no-store')
      .json({ instanceId, changes: subscription.changes(query.limit) });
  });

  return router;
}

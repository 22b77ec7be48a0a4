import { Router } from 'express';
import { z } from 'zod';
import { parseRequest, sameOriginReads, znodePath, type EventStreams } from '../../http/index.ts';
import type { SharedWatches, WatchMessage } from '../shared-watches.ts';

const eventsQuery = z.object({ path: znodePath.default('/') });

/**
 * `GET /api/events?path=/a`: Server-Sent Events of every change at or under a path. Streams on one
 * path share one persistent recursive watch (ZooKeeper 3.6+), removed when the last stream ends.
 * Events: `ready` once the watch is set, `change` per notification, `lagged` when the client fell
 * behind and events were dropped (read afresh), `reset` when the session expired (the watch is
 * gone; the browser's EventSource reconnects and sets a new one). Past the stream cap: 503.
 */
export function eventsRouter(watches: SharedWatches, streams: EventStreams): Router {
  const router = Router();
  router.get('/api/events', sameOriginReads(), async (request, response) => {
    const { query } = parseRequest(request, { query: eventsQuery });
    const path = query.path;
    const slot = streams.reserve();

    // Changes can arrive between the watch being set and the stream opening; they wait here.
    const early: WatchMessage[] = [];
    let deliver = (message: WatchMessage): void => {
      early.push(message);
    };
    let unsubscribe: () => void;
    // Set the watch before answering, so a failure (no session, bad path) is a JSON error, not a stream.
    try {
      unsubscribe = await watches.subscribe(path, (message) => deliver(message));
    } catch (error) {
      slot.release();
      throw error;
    }
    if (request.socket.destroyed) {
      slot.release();
      unsubscribe();
      return;
    }
    const stream = slot.open(response);
    stream.signal.addEventListener('abort', unsubscribe, { once: true });
    deliver = (message) => {
      if (message.kind === 'change') {
        stream.send('change', message.change);
        return;
      }
      stream.send('reset', { reason: message.reason });
      stream.close();
    };
    stream.send('ready', { path });
    for (const message of early.splice(0)) deliver(message);
  });
  return router;
}

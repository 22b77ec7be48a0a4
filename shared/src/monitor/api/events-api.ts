import { Router } from 'express';
import { z } from 'zod';
import type { WatchedEvent, Watcher, ZooKeeperClient } from '../../client/index.ts';
import { openEventStream, parseRequest, znodePath, type EventStream } from '../../http/index.ts';
import { hexZxid } from '../member-status.ts';

export interface ChangeEvent {
  type: 'created' | 'deleted' | 'dataChanged';
  path: string;
  /**
   * czxid for created, mzxid for dataChanged, read right after the notification (a notification
   * itself carries no zxid); null for deletions, or when the node changed again or vanished before
   * the read.
   */
  zxid: string | null;
  /** when the monitor received the notification */
  time: string;
}

const eventsQuery = z.object({ path: znodePath.default('/') });
const LOOKUP_TIMEOUT_MS = 2_000;

/**
 * `GET /api/events?path=/a`: Server-Sent Events of every change at or under a path, from one
 * persistent recursive watch per stream (ZooKeeper 3.6+). Events: `ready` once the watch is set,
 * `change` per notification, `reset` when the session expired (the watch is gone; the browser's
 * EventSource reconnects and sets a new one). The watch is removed when the browser goes away.
 */
export function eventsRouter(
  client: ZooKeeperClient,
  { heartbeatMs }: { heartbeatMs?: number } = {},
): Router {
  const router = Router();
  router.get('/api/events', async (request, response) => {
    const { query } = parseRequest(request, { query: eventsQuery });
    const path = query.path;

    // Notifications can arrive between addWatch's reply and the stream opening; they queue here.
    const queued: WatchedEvent[] = [];
    const open: { stream?: EventStream } = {};
    let delivery = Promise.resolve();
    const watcher: Watcher = (event) => {
      if (open.stream) forward(open.stream, event);
      else queued.push(event);
    };
    const forward = (target: EventStream, event: WatchedEvent): void => {
      if (event.type === 'none') {
        target.send('reset', { reason: event.state ?? 'unknown' });
        target.close();
        return;
      }
      const time = new Date().toISOString();
      // Chained, so that events leave in the order they came although the zxid lookups are async.
      delivery = delivery.then(async () => {
        const change = await describeChange(client, event, time);
        if (change) target.send('change', change);
      });
    };

    // Set the watch before answering, so a failure (no session, bad path) is a JSON error, not a stream.
    await client.addWatch(path, watcher, { mode: 'persistentRecursive' });
    const removeWatch = (): void => {
      void client.removeWatches(path, 'persistentRecursive', { watcher, local: true }).catch(() => {});
    };
    if (request.socket.destroyed) {
      removeWatch();
      return;
    }
    const stream = openEventStream(response, heartbeatMs === undefined ? {} : { heartbeatMs });
    stream.signal.addEventListener('abort', removeWatch, { once: true });
    stream.send('ready', { path });
    for (const event of queued.splice(0)) forward(stream, event);
    open.stream = stream;
  });
  return router;
}

async function describeChange(
  client: ZooKeeperClient,
  event: WatchedEvent,
  time: string,
): Promise<ChangeEvent | undefined> {
  if (event.type !== 'created' && event.type !== 'deleted' && event.type !== 'dataChanged') return undefined;
  let zxid: string | null = null;
  if (event.type !== 'deleted') {
    const stat = await client.exists(event.path, { timeoutMs: LOOKUP_TIMEOUT_MS }).catch(() => null);
    if (stat) zxid = hexZxid(event.type === 'created' ? stat.czxid : stat.mzxid);
  }
  return { type: event.type, path: event.path, zxid, time };
}

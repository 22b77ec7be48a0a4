import { Router } from 'express';
import { sameOriginReads, type EventStreams } from '@zk-cookbook/core/http';
import type { SubscriberBoard, SubscriberState } from './subscriber-board.ts';

/**
 * What the live page reads:
 * - `GET /api/subscribers`: every registered subscriber and the values it reported
 * - `GET /api/subscribers/events`: Server-Sent Events — `subscribers` (all of them) first, then
 *   `subscriber` (one, whole) whenever it reports something, `removed` when it deregisters
 */
export function viewerRouter(board: SubscriberBoard, streams: EventStreams): Router {
  const router = Router();
  router.get('/api/subscribers', (_request, response) => {
    response.set('Cache-Control', 'no-store').json({ subscribers: board.subscribers() });
  });
  router.get('/api/subscribers/events', sameOriginReads(), (_request, response) => {
    const stream = streams.reserve().open(response);
    const onUpdated = (state: SubscriberState): void => stream.send('subscriber', state);
    const onRemoved = (instanceId: string): void => stream.send('removed', { instanceId });
    board.on('updated', onUpdated);
    board.on('removed', onRemoved);
    stream.signal.addEventListener(
      'abort',
      () => {
        board.off('updated', onUpdated);
        board.off('removed', onRemoved);
      },
      { once: true },
    );
    stream.send('subscribers', { subscribers: board.subscribers() });
  });
  return router;
}

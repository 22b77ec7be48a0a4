import { Router } from 'express';
import { z } from 'zod';
import { HttpError, parseRequest, sameOriginReads, type EventStreams } from '@zk-cookbook/core/http';
import type { RoundCoordinator } from '../rounds/round-coordinator.ts';
import type { TaskView, WorkerBoard, WorkerState } from './worker-board.ts';

/** What `GET /api/workers` answers and the event stream starts with. */
export interface BoardView {
  /** false while the monitor itself is cut off from ZooKeeper: then nothing here is current */
  connected: boolean;
  lateAfterMs: number;
  workers: WorkerState[];
  task: TaskView;
}

const newRound = z.object({
  /** default: every worker alive right now */
  memberQty: z.number().int().min(1).max(64).optional(),
  workMs: z.number().int().min(0).max(60_000).default(800),
  /** keep the gate up until POST /api/rounds/:roundId/go; default false (lowered at once) */
  hold: z.boolean().default(false),
});
const roundParams = z.object({ roundId: z.string().regex(/^round-\d{10}$/, 'a round id: round-0000000007') });

/**
 * The monitor's API:
 * - `GET /api/workers`: every worker (alive, late, dead, left) with its last heartbeat; the task's checkpoint
 * - `GET /api/events`: Server-Sent Events — `board` (everything) first and after a reconnection,
 *   `worker` per change of one worker, `forgotten`, `task` per checkpoint commit, `connection`
 * - `POST /api/rounds` `{memberQty?, workMs?, hold?}`: a barrier round; `POST /api/rounds/:id/go`
 *   lowers its gate; `GET /api/rounds/latest`, `GET /api/rounds/:id`: members' reports and the verdict
 */
export function monitorRouter({
  board,
  rounds,
  streams,
  lateAfterMs,
}: {
  board: WorkerBoard;
  rounds: RoundCoordinator;
  streams: EventStreams;
  lateAfterMs: number;
}): Router {
  const router = Router();
  const view = (): BoardView => ({
    connected: board.connected,
    lateAfterMs,
    workers: board.list(),
    task: board.task(),
  });

  router.get('/api/workers', (_request, response) => {
    response.set('Cache-Control', 'no-store').json(view());
  });

  router.get('/api/events', sameOriginReads(), (_request, response) => {
    const stream = streams.reserve().open(response);
    const onWorker = (state: WorkerState): void => stream.send('worker', state);
    const onForgotten = (instanceId: string): void => stream.send('forgotten', { instanceId });
    const onTask = (task: TaskView): void => stream.send('task', task);
    const onConnection = (): void => stream.send('board', view());
    board.on('worker', onWorker);
    board.on('forgotten', onForgotten);
    board.on('task', onTask);
    board.on('connection', onConnection);
    stream.signal.addEventListener(
      'abort',
      () => {
        board.off('worker', onWorker);
        board.off('forgotten', onForgotten);
        board.off('task', onTask);
        board.off('connection', onConnection);
      },
      { once: true },
    );
    stream.send('board', view());
  });

  router.post('/api/rounds', async (request, response) => {
    const { body } = parseRequest(request, { body: newRound });
    const alive = board.list().filter((worker) => worker.liveness === 'alive').length;
    const memberQty = body.memberQty ?? alive;
    if (memberQty < 1)
      throw new HttpError(409, 'NO_WORKERS', 'no worker is alive to take part in a round', { alive });
    const roundId = await rounds.create({ memberQty, workMs: body.workMs });
    if (!body.hold) await rounds.go(roundId);
    response.status(201).json({ roundId, memberQty, workMs: body.workMs, gate: body.hold ? 'up' : 'down' });
  });

  router.post('/api/rounds/:roundId/go', async (request, response) => {
    const { params } = parseRequest(request, { params: roundParams });
    if (!(await rounds.read(params.roundId)))
      throw new HttpError(404, 'NO_SUCH_ROUND', `no round ${params.roundId}`, { roundId: params.roundId });
    await rounds.go(params.roundId);
    response.status(204).end();
  });

  router.get('/api/rounds/latest', async (_request, response) => {
    const latest = await rounds.latest();
    if (!latest) throw new HttpError(404, 'NO_SUCH_ROUND', 'no round has been run yet');
    response.set('Cache-Control', 'no-store').json(latest);
  });

  router.get('/api/rounds/:roundId', async (request, response) => {
    const { params } = parseRequest(request, { params: roundParams });
    const round = await rounds.read(params.roundId);
    if (!round)
      throw new HttpError(404, 'NO_SUCH_ROUND', `no round ${params.roundId}`, { roundId: params.roundId });
    response.set('Cache-Control', 'no-store').json(round);
  });

  return router;
}

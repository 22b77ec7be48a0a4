import { eventually, useZooKeeper } from '@zk-cookbook/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startMonitor,
  startWorker,
  type BoardView,
  type RoundView,
  type RunningMonitor,
  type RunningWorker,
} from '../src/index.ts';
import { getJson, postToMonitor, quietLogger, shippedRecords } from './support.ts';

/**
 * The monitor against three workers on the shared ensemble: it lists them with their role and
 * heartbeats, follows the task's progress, tells a graceful departure from a death, and runs barrier
 * rounds in which the workers start together and finish together.
 */
const zk = useZooKeeper('coordination-monitor');
const RECORDS = 60;

let monitor: RunningMonitor;
let workers: RunningWorker[];

beforeAll(async () => {
  monitor = await startMonitor({ connectString: zk.connectString, total: RECORDS, logger: quietLogger });
  workers = await Promise.all(
    [1, 2, 3].map((n) =>
      startWorker({
        connectString: zk.connectString,
        instanceId: `worker-${n}`,
        records: shippedRecords(RECORDS),
        recordsPerSecond: 200,
        heartbeatMs: 200,
        logger: quietLogger,
      }),
    ),
  );
});

afterAll(async () => {
  await Promise.all((workers ?? []).map((worker) => worker.close()));
  await monitor?.close();
});

const board = async (): Promise<BoardView> => (await getJson<BoardView>(`${monitor.url}/api/workers`)).body;

describe('the monitor', () => {
  it('lists every worker alive and beating, one RUNNING, and the task done', async () => {
    await eventually(async () => expect((await fetch(`${monitor.url}/readyz`)).status).toBe(200));
    const first = await eventually(
      async () => {
        const view = await board();
        expect(view.connected).toBe(true);
        expect(view.workers.map((worker) => [worker.instanceId, worker.liveness])).toEqual([
          ['worker-1', 'alive'],
          ['worker-2', 'alive'],
          ['worker-3', 'alive'],
        ]);
        const running = view.workers.filter((worker) => worker.heartbeat?.state === 'RUNNING');
        expect(running).toHaveLength(1);
        expect(view.task.checkpoint?.offset).toBe(RECORDS);
        // The leader's own report, one beat later: it applied everything.
        expect(running[0]!.heartbeat).toMatchObject({ offset: RECORDS, appliedByUs: RECORDS });
        return view;
      },
      { timeoutMs: 20_000 },
    );
    expect(first.task.total).toBe(RECORDS);
    // Beats keep coming while nothing else changes.
    await eventually(async () => {
      const later = await board();
      for (const worker of later.workers) {
        const before = first.workers.find((each) => each.instanceId === worker.instanceId)!;
        expect(worker.heartbeat!.beat).toBeGreaterThan(before.heartbeat!.beat + 2);
      }
    });
  });

  it('runs a round: held at the gate, then everyone starts together and finishes together', async () => {
    const created = await postToMonitor(monitor, '/api/rounds', { workMs: 300, hold: true });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const { roundId, memberQty } = created.body as { roundId: string; memberQty: number };
    expect(memberQty).toBe(3);
    const held = (await getJson<RoundView>(`${monitor.url}/api/rounds/${roundId}`)).body;
    expect(held.gate).toBe('up');
    expect(held.reports).toEqual([]);
    const loweredAt = Date.now();
    expect((await postToMonitor(monitor, `/api/rounds/${roundId}/go`, {})).status).toBe(204);
    const done = await eventually(
      async () => {
        const { body } = await getJson<RoundView>(`${monitor.url}/api/rounds/latest`);
        expect(body.roundId).toBe(roundId);
        expect(body.verdict).toBeDefined();
        return body;
      },
      { timeoutMs: 20_000 },
    );
    expect(done.gate).toBe('down');
    expect(done.reports.map((report) => report.instanceId)).toEqual(['worker-1', 'worker-2', 'worker-3']);
    // Nobody went past the gate before it was lowered; the clocks are this machine's.
    for (const report of done.reports) expect(report.gatePassedAt).toBeGreaterThanOrEqual(loweredAt);
    expect(done.verdict).toMatchObject({ startedTogether: true, finishedTogether: true });
    // Somebody waited at the exit for a slower member: the barrier, not chance, made them finish together.
    const slowest = Math.max(...done.reports.map((report) => report.workEndedAt));
    const waited = done.reports.filter((report) => report.workEndedAt < slowest);
    expect(waited.length).toBeGreaterThan(0);
    for (const report of waited) expect(report.leftAt).toBeGreaterThanOrEqual(slowest);
  });

  it('answers bad input with 4xx JSON errors', async () => {
    const badBody = await postToMonitor(monitor, '/api/rounds', { workMs: -5 });
    expect(badBody.status).toBe(400);
    expect(badBody.body).toMatchObject({ error: { code: 'INVALID_REQUEST' } });
    const noToken = await getJson(`${monitor.url}/api/rounds`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(noToken.status).toBe(403);
    expect((await getJson(`${monitor.url}/api/rounds/not-a-round`)).status).toBe(400);
    const unknown = await getJson(`${monitor.url}/api/rounds/round-0000099999`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: { code: 'NO_SUCH_ROUND' } });
    expect((await postToMonitor(monitor, '/api/rounds/round-0000099999/go', {})).status).toBe(404);
  });

  it('tells a graceful departure (left) from a running worker that hands over', async () => {
    const view = await board();
    const running = view.workers.find((worker) => worker.heartbeat?.state === 'RUNNING')!;
    const worker = workers.find((each) => each.instanceId === running.instanceId)!;
    await worker.close();
    workers = workers.filter((each) => each !== worker);
    await eventually(async () => {
      const after = await board();
      expect(after.workers.find((each) => each.instanceId === running.instanceId)?.liveness).toBe('left');
      expect(
        after.workers.filter((each) => each.heartbeat?.state === 'RUNNING' && each.liveness === 'alive'),
      ).toHaveLength(1);
    });
  });
});

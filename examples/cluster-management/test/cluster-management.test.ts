import { eventually, useZooKeeper } from '@zk-cookbook/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  findOverlaps,
  startCollector,
  startCoordinator,
  type ClusterSnapshot,
  type RunningCollector,
  type RunningCoordinator,
  type WorkInterval,
} from '../src/index.ts';
import { addSource, expectSettled, getJson, quietLogger } from './support.ts';

/**
 * The log-collection system on the shared ensemble: two coordinators (one leads), collectors that
 * join and leave, sources added through the API. After every change the assignment settles —
 * every source worked by exactly its assignee — and the sticky strategy moves only what it must.
 */
const zk = useZooKeeper('cluster-management');
const SOURCES = ['nginx', 'app', 'db', 'audit', 'cron', 'mail'];

const running: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const service of running.splice(0).reverse()) await service.close();
});

async function coordinator(id: string, root: string): Promise<RunningCoordinator> {
  const service = await startCoordinator({ connectString: zk.connectString, id, root, logger: quietLogger });
  running.push(service);
  await service.started;
  return service;
}

async function collector(id: string, root: string): Promise<RunningCollector> {
  const service = await startCollector({ connectString: zk.connectString, id, root, logger: quietLogger });
  running.push(service);
  await service.started;
  return service;
}

const reports = (collectors: readonly RunningCollector[]): WorkInterval[] =>
  collectors.flatMap((each) => each.collector!.workLog.report());

describe('cluster management: membership and work assignment', () => {
  it('assigns every source to one collector, and rebalances with few moves on a join and a clean leave', async () => {
    const root = '/assign';
    const first = await coordinator('coordinator-1', root);
    const second = await coordinator('coordinator-2', root);
    const collectors = [
      await collector('collector-1', root),
      await collector('collector-2', root),
      await collector('collector-3', root),
    ];
    for (const source of SOURCES) await addSource(first.url, source);
    await eventually(() => expectSettled(first, collectors, SOURCES), { timeoutMs: 15_000 });
    expect([first.coordinator.isLeader, second.coordinator.isLeader].sort()).toEqual([false, true]);
    for (const each of collectors) expect(each.collector!.working).toHaveLength(2);

    const joined = await collector('collector-4', root);
    const withNewcomer = [...collectors, joined];
    await eventually(() => expectSettled(first, withNewcomer, SOURCES), { timeoutMs: 15_000 });
    // Six sources over four collectors: the newcomer's share (one or two) moves, nothing else.
    const afterJoin = first.coordinator.recentRebalances().at(-1)!;
    expect(afterJoin.collectors).toHaveLength(4);
    expect(afterJoin.moves).toBe(joined.collector!.working.length);
    expect(afterJoin.moves).toBeGreaterThanOrEqual(1);

    const leaving = collectors[0]!;
    const itsSources = leaving.collector!.working;
    await leaving.close();
    const staying = withNewcomer.slice(1);
    await eventually(() => expectSettled(first, staying, SOURCES), { timeoutMs: 15_000 });
    expect(first.coordinator.recentRebalances().at(-1)!.moves).toBe(itsSources.length);

    // The management view noticed the join and the departure, and shows the collectors' status.
    const { body } = await getJson<ClusterSnapshot>(`${second.url}/api/cluster`);
    expect(body.events.filter((event) => event.type === 'joined').map((event) => event.machine)).toContain(
      'collector-4',
    );
    expect(body.events.filter((event) => event.type === 'left').map((event) => event.machine)).toContain(
      'collector-1',
    );
    await eventually(async () => {
      const { body: view } = await getJson<ClusterSnapshot>(`${second.url}/api/cluster`);
      const shown = view.machines.filter((machine) => machine.status?.role === 'collector');
      expect(shown.map((machine) => machine.id)).toEqual(['collector-2', 'collector-3', 'collector-4']);
      for (const machine of shown)
        expect(machine.status!.working).toEqual(view.assignment.collectors[machine.id]);
    });
    expect(findOverlaps(reports(withNewcomer))).toEqual([]);
  }, 60_000);

  it('the next coordinator takes over when the leader leaves, and its writes carry its own fencing token', async () => {
    const root = '/failover';
    const first = await coordinator('coordinator-1', root);
    const collectors = [await collector('collector-1', root), await collector('collector-2', root)];
    const second = await coordinator('coordinator-2', root);
    for (const source of SOURCES.slice(0, 4)) await addSource(first.url, source);
    await eventually(() => expectSettled(first, collectors, SOURCES.slice(0, 4)), { timeoutMs: 15_000 });
    expect(first.coordinator.isLeader).toBe(true);
    const before = first.coordinator.currentAssignment();

    await first.close();
    await eventually(() => expect(second.coordinator.isLeader).toBe(true), { timeoutMs: 15_000 });
    await addSource(second.url, 'late');
    await eventually(() => expectSettled(second, collectors, [...SOURCES.slice(0, 4), 'late']), {
      timeoutMs: 15_000,
    });
    const after = second.coordinator.currentAssignment();
    expect(after.coordinator).toBe('coordinator-2');
    expect(after.generation).toBeGreaterThan(before.generation);
    expect(BigInt(after.fencingToken)).toBeGreaterThan(BigInt(before.fencingToken));
  }, 60_000);

  it('a removed source is put down by its collector', async () => {
    const root = '/remove';
    const lead = await coordinator('coordinator-1', root);
    const collectors = [await collector('collector-1', root), await collector('collector-2', root)];
    for (const source of SOURCES.slice(0, 3)) await addSource(lead.url, source);
    await eventually(() => expectSettled(lead, collectors, SOURCES.slice(0, 3)), { timeoutMs: 15_000 });
    const removed = await fetch(`${lead.url}/api/sources/db`, { method: 'DELETE' });
    expect(removed.status).toBe(204);
    await eventually(() => expectSettled(lead, collectors, ['nginx', 'app']), { timeoutMs: 15_000 });
    const ended = reports(collectors).filter((interval) => interval.source === 'db');
    expect(ended.length).toBeGreaterThan(0);
    for (const interval of ended) expect(interval.endReason).toBe('released');
  }, 60_000);

  it('answers bad input with a 4xx JSON error', async () => {
    const lead = await coordinator('coordinator-1', '/bad-input');
    const badId = await getJson<{ error: { code: string } }>(`${lead.url}/api/sources/-dash-first`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path: '/var/log/x' }),
    });
    expect(badId.status).toBe(400);
    const noPath = await getJson<{ error: { code: string } }>(`${lead.url}/api/sources/web`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ file: 'x' }),
    });
    expect(noPath.status).toBe(400);
    expect(noPath.body.error.code).toBeTruthy();
    const broken = await getJson(`${lead.url}/api/sources/web`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: '{"path":',
    });
    expect(broken.status).toBe(400);
    const missing = await getJson<{ error: { code: string } }>(`${lead.url}/api/sources/none`, {
      method: 'DELETE',
    });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('NO_SUCH_SOURCE');
  }, 30_000);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ZooKeeperClient } from '../../client/index.ts';
import {
  eventually,
  startCuratorPeer,
  useZooKeeper,
  type JsonLinePeer,
} from '../../../test-support/index.ts';
import { sleep } from '../core/deadline.ts';
import type { Lease } from '../core/lease.ts';
import { LeaderSelector } from './leader-selector.ts';

/**
 * Wire compatibility with Apache Curator 5.4.0's LeaderSelector (a JVM): TypeScript and Curator
 * selectors on one path take turns, never lead at the same time, and read the same participants.
 * The Curator side records each takeLeadership interval (LeaderCommands.RecordingListener).
 */
const zk = useZooKeeper('leader-selector-interop');
let curator: JsonLinePeer;

beforeAll(async () => {
  curator = await startCuratorPeer();
  for (const client of ['c1', 'c2']) await curator.call('client.open', { client, connect: zk.connectString });
}, 60_000);

afterAll(async () => {
  await curator?.close();
});

type Interval = [number, number];

function overlaps(intervals: readonly Interval[]): number {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  let count = 0;
  for (let i = 1; i < sorted.length; i++) if (sorted[i]![0] < sorted[i - 1]![1]) count++;
  return count;
}

const selectorStarted = (name: string) =>
  curator.waitForEvent('selector', (data) => data.name === name && data.phase === 'start', 15_000);
const selectorEnded = (name: string) =>
  curator.waitForEvent('selector', (data) => data.name === name && data.phase === 'end', 15_000);

async function ourView(client: ZooKeeperClient, path: string): Promise<{ id: string; isLeader: boolean }[]> {
  const participants = await new LeaderSelector(client, path, () => {}).participants();
  return participants.map(({ id, isLeader }) => ({ id, isLeader }));
}

describe('LeaderSelector and Curator LeaderSelector on one path', () => {
  it('take turns in both directions and agree on the participants', async () => {
    const path = '/interop/selector';
    const client = await zk.connect();
    const terms: { lease: Lease; startedAt: number; endedAt?: number }[] = [];
    let finish: () => void = () => {};
    const ours = new LeaderSelector(
      client,
      path,
      async (lease) => {
        const term: (typeof terms)[number] = { lease, startedAt: Date.now() };
        terms.push(term);
        await new Promise<void>((resolve) => (finish = resolve));
        term.endedAt = Date.now();
      },
      { id: 'ts' },
    );
    ours.start();
    await eventually(() => expect(terms).toHaveLength(1));
    await curator.call('leader.selectorCreate', { client: 'c1', name: 'cur', path, id: 'cur' });
    await curator.call('leader.selectorStart', { name: 'cur' });
    await eventually(async () => expect(await ourView(client, path)).toHaveLength(2));
    const expected = [
      { id: 'ts', isLeader: true },
      { id: 'cur', isLeader: false },
    ];
    expect(await ourView(client, path)).toEqual(expected);
    // Each side reads through its own server, which may lag a moment behind the latest create.
    await eventually(async () =>
      expect(await curator.call('leader.selectorParticipants', { name: 'cur' })).toEqual(expected),
    );
    expect(await curator.call('leader.selectorHasLeadership', { name: 'cur' })).toBe(false);

    // TypeScript → Curator: our term ends, Curator's takeLeadership starts.
    const curatorStarts = selectorStarted('cur');
    finish();
    const started = await curatorStarts;
    expect(Number(started.at)).toBeGreaterThanOrEqual(terms[0]!.endedAt!);
    console.info(`selector hand-over TypeScript → Curator: ${Number(started.at) - terms[0]!.endedAt!} ms`);
    expect(ours.hasLeadership).toBe(false);
    await eventually(() => expect(ours.isQueued).toBe(false));
    expect(ours.requeue()).toBe(true);
    await eventually(async () =>
      expect(await ourView(client, path)).toEqual([
        { id: 'cur', isLeader: true },
        { id: 'ts', isLeader: false },
      ]),
    );
    await eventually(async () =>
      expect(await curator.call('leader.selectorParticipants', { name: 'cur' })).toEqual(
        await ourView(client, path),
      ),
    );

    // Curator → TypeScript.
    const curatorEnds = selectorEnded('cur');
    expect(await curator.call('leader.selectorRelease', { name: 'cur' })).toBe(true);
    const ended = await curatorEnds;
    await eventually(() => expect(terms).toHaveLength(2));
    expect(terms[1]!.startedAt).toBeGreaterThanOrEqual(Number(ended.at));
    console.info(`selector hand-over Curator → TypeScript: ${terms[1]!.startedAt - Number(ended.at)} ms`);
    expect(terms[1]!.lease.fencingToken).toBeGreaterThan(terms[0]!.lease.fencingToken);
    finish();
    await curator.call('leader.selectorClose', { name: 'cur' });
    await ours.close();
  });

  it('read each other’s anonymous participants the same way (the host address Curator writes)', async () => {
    const path = '/interop/selector-anonymous';
    const client = await zk.connect();
    let finish: () => void = () => {};
    const ours = new LeaderSelector(client, path, () => new Promise<void>((resolve) => (finish = resolve)));
    ours.start();
    await eventually(async () => expect(await ourView(client, path)).toHaveLength(1));
    await curator.call('leader.selectorCreate', { client: 'c2', name: 'anon', path });
    await curator.call('leader.selectorStart', { name: 'anon' });
    await eventually(async () => expect(await ourView(client, path)).toHaveLength(2));
    const theirs = await eventually(async () => {
      const seen = await curator.call<{ id: string }[]>('leader.selectorParticipants', { name: 'anon' });
      expect(seen).toEqual(await ourView(client, path));
      return seen;
    });
    for (const { id } of theirs) expect(id).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const curatorStarts = selectorStarted('anon');
    finish();
    await curatorStarts;
    await curator.call('leader.selectorClose', { name: 'anon' });
    await ours.close();
  });

  it('never lead at the same time under contention: 2 TypeScript + 2 Curator selectors with autoRequeue', async () => {
    const path = '/interop/selector-contention';
    const ourIntervals: Interval[] = [];
    const selectors = await Promise.all(
      [1, 2].map(async (index) => {
        const client = await zk.connect();
        return new LeaderSelector(
          client,
          path,
          async (lease) => {
            const start = Date.now();
            await sleep(20, lease.signal).catch(() => {});
            ourIntervals.push([start, Date.now()]);
          },
          { id: `ts${index}`, autoRequeue: true },
        );
      }),
    );
    for (const index of [1, 2]) {
      await curator.call('leader.selectorCreate', {
        client: `c${index}`,
        name: `cur${index}`,
        path,
        id: `cur${index}`,
        autoRequeue: true,
        holdMs: 20,
      });
    }
    for (const selector of selectors) selector.start();
    for (const index of [1, 2]) await curator.call('leader.selectorStart', { name: `cur${index}` });
    const curatorIntervals = async (): Promise<Interval[]> =>
      (
        await Promise.all(
          [1, 2].map((index) =>
            curator.call<Interval[]>('leader.selectorIntervals', { name: `cur${index}` }),
          ),
        )
      ).flat();
    await eventually(
      async () => {
        expect(ourIntervals.length).toBeGreaterThanOrEqual(10);
        expect((await curatorIntervals()).length).toBeGreaterThanOrEqual(10);
      },
      { timeoutMs: 20_000 },
    );
    await Promise.all(selectors.map((selector) => selector.close()));
    for (const index of [1, 2]) await curator.call('leader.selectorClose', { name: `cur${index}` });
    const all = [...ourIntervals, ...(await curatorIntervals())];
    expect(overlaps(all)).toBe(0);
    console.info(
      `selector contention: ${ourIntervals.length} TypeScript + ${all.length - ourIntervals.length} Curator terms, no overlap`,
    );
  });
});

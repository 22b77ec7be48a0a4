import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startCuratorPeer,
  startNodePeer,
  useZooKeeper,
  type JsonLinePeer,
} from '../../../test-support/index.ts';
import { RangeIdGenerator } from './range-id-generator.ts';
import { SequentialIdGenerator } from './sequential-id-generator.ts';

/**
 * Our ID generators next to Curator 5.4.0 on the same counter node / parent: a Curator
 * DistributedAtomicLong incrementing the range generator's counter, and Curator creating sequential
 * nodes under the sequential generator's parent. Also drives the benchmark's peer commands
 * (shared/interop/node/commands-naming.ts, shared/interop/curator/NamingCommands.java).
 */
const zk = useZooKeeper('naming-interop');
let curator: JsonLinePeer;
let node: JsonLinePeer;

beforeAll(async () => {
  [curator, node] = await Promise.all([startCuratorPeer(), startNodePeer('naming')]);
  for (const name of ['a', 'b'])
    await curator.call('client.open', { client: name, connect: zk.connectString });
  await node.call('client.open', { connect: zk.connectString });
}, 120_000);

afterAll(async () => {
  await Promise.all([curator?.close(), node?.close()]);
});

interface LoopResult {
  count: number;
  elapsedMs: number;
  ids?: string[];
}

describe('ID generators with Curator on the same nodes', () => {
  it('range leases and Curator DistributedAtomicLong increments never hand out the same ID', async () => {
    const path = '/interop/ids/counter';
    const clients = await Promise.all([1, 2].map(() => zk.connect()));
    const ours = clients.map((client) => new RangeIdGenerator(client, path, { rangeSize: 25 }));
    const [fromUs, fromCurator, fromPeer] = await Promise.all([
      Promise.all(
        ours.map(async (generator) => {
          const ids: string[] = [];
          for (let i = 0; i < 300; i++) ids.push(String(await generator.nextId()));
          return ids;
        }),
      ),
      Promise.all(
        ['a', 'b'].map((name) =>
          curator.call<LoopResult>(
            'naming.atomicLongLoop',
            { client: name, path, count: 60, collect: true },
            { actor: name, timeoutMs: 60_000 },
          ),
        ),
      ),
      node.call<LoopResult>('naming.rangeLoop', {
        path,
        rangeSize: 10,
        count: 200,
        concurrency: 4,
        collect: true,
      }),
    ]);
    const all = [...fromUs.flat(), ...fromCurator.flatMap((result) => result.ids!), ...fromPeer.ids!];
    expect(all).toHaveLength(600 + 120 + 200);
    expect(new Set(all).size).toBe(all.length);
  });

  it('sequential-node IDs from us and from Curator under one parent are all distinct', async () => {
    const path = '/interop/ids/sequence';
    const ours = new SequentialIdGenerator(await zk.connect(), path);
    const [fromUs, fromCurator, fromPeer] = await Promise.all([
      Promise.all(Array.from({ length: 50 }, () => ours.nextId().then(String))),
      curator.call<LoopResult>(
        'naming.sequentialLoop',
        { client: 'a', path, count: 50, collect: true },
        { actor: 'a' },
      ),
      node.call<LoopResult>('naming.sequentialLoop', { path, count: 50, concurrency: 5, collect: true }),
    ]);
    const all = [...fromUs, ...fromCurator.ids!, ...fromPeer.ids!];
    expect(all).toHaveLength(150);
    expect(new Set(all).size).toBe(150);
    await ours.close();
  });

  it('the benchmark commands report IDs per second on both sides', async () => {
    const [range, sequential, curatorAtomic, curatorSequential] = await Promise.all([
      node.call<LoopResult>('naming.rangeLoop', {
        path: '/interop/ids/bench-range',
        count: 20_000,
        concurrency: 8,
      }),
      node.call<LoopResult>('naming.sequentialLoop', {
        path: '/interop/ids/bench-seq',
        count: 200,
        concurrency: 8,
      }),
      curator.call<LoopResult>(
        'naming.atomicLongLoop',
        { client: 'a', path: '/interop/ids/bench-atomic', count: 200 },
        { actor: 'a' },
      ),
      curator.call<LoopResult>(
        'naming.sequentialLoop',
        { client: 'b', path: '/interop/ids/bench-seq-java', count: 200 },
        { actor: 'b' },
      ),
    ]);
    for (const result of [range, sequential, curatorAtomic, curatorSequential]) {
      expect(result.elapsedMs).toBeGreaterThan(0);
    }
    expect([range.count, sequential.count, curatorAtomic.count, curatorSequential.count]).toEqual([
      20_000, 200, 200, 200,
    ]);
    const perSecond = (result: LoopResult): number => Math.round((result.count / result.elapsedMs) * 1000);
    console.info(
      `IDs/s — ours: range-leasing ${perSecond(range)}, sequential ${perSecond(sequential)}; ` +
        `Curator: DistributedAtomicLong ${perSecond(curatorAtomic)}, sequential ${perSecond(curatorSequential)}`,
    );
    // Leasing ranges hands out IDs from memory: far more per second than one write per ID.
    expect(perSecond(range)).toBeGreaterThan(perSecond(curatorAtomic));
  });
});

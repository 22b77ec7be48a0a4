import { describe, expect, it } from 'vitest';
import { useZooKeeper } from '../../../test-support/index.ts';
import { DistributedAtomicLong } from '../counter/distributed-atomic-long.ts';
import { RangeIdGenerator } from './range-id-generator.ts';

const zk = useZooKeeper('range-ids');

describe('RangeIdGenerator', () => {
  it('reserves a range with one compare-and-set on an 8-byte counter and hands it out locally', async () => {
    const client = await zk.connect();
    const ids = new RangeIdGenerator(client, '/ids/invoices', { rangeSize: 100 });
    expect(await ids.nextId()).toBe(1n);
    expect(await ids.nextId()).toBe(2n);
    expect(ids.currentRange).toEqual({ first: 1n, last: 100n });
    expect(ids.remaining).toBe(98);
    const { data, stat } = await client.getData('/ids/invoices');
    expect(data.toString('hex')).toBe('0000000000000064');
    // Handing out the rest of the range writes nothing.
    for (let i = 3; i <= 100; i++) expect(await ids.nextId()).toBe(BigInt(i));
    expect((await client.exists('/ids/invoices'))!.version).toBe(stat.version);
    expect(await ids.nextId()).toBe(101n);
    expect(ids.stats).toEqual({ rangesReserved: 2, rangesWasted: 0 });
    // Another generator continues after the last reservation.
    const other = new RangeIdGenerator(await zk.connect(), '/ids/invoices', { rangeSize: 100 });
    expect(await other.nextId()).toBe(201n);
  });

  it('serves many concurrent callers in one process from shared ranges, each ID once', async () => {
    const ids = new RangeIdGenerator(await zk.connect(), '/ids/burst', { rangeSize: 7 });
    const taken = await Promise.all(Array.from({ length: 500 }, () => ids.nextId()));
    expect(new Set(taken).size).toBe(500);
    // One process alone: its ranges are back to back, so the IDs are exactly 1…500.
    expect([...taken].sort((a, b) => (a < b ? -1 : 1))).toEqual(
      Array.from({ length: 500 }, (_, i) => BigInt(i + 1)),
    );
    expect(ids.stats.rangesReserved).toBe(Math.ceil(500 / 7));
  });

  it('never repeats an ID across generators, nor with a Curator-style atomic increment on the same counter', async () => {
    const clients = await Promise.all([1, 2, 3, 4].map(() => zk.connect()));
    const generators = clients
      .slice(0, 3)
      .map((client) => new RangeIdGenerator(client, '/ids/shared', { rangeSize: 10 }));
    const atomic = new DistributedAtomicLong(clients[3]!, '/ids/shared', {
      retry: { maxAttempts: Infinity },
    });
    const [fromGenerators, fromAtomic] = await Promise.all([
      Promise.all(
        generators.map(async (generator) => {
          const mine: bigint[] = [];
          for (let i = 0; i < 150; i++) mine.push(await generator.nextId());
          return mine;
        }),
      ),
      (async () => {
        const mine: bigint[] = [];
        for (let i = 0; i < 30; i++) mine.push((await atomic.increment()).postValue);
        return mine;
      })(),
    ]);
    const all = [...fromGenerators.flat(), ...fromAtomic];
    expect(all).toHaveLength(480);
    expect(new Set(all).size).toBe(480);
    for (const mine of fromGenerators) expect([...mine].sort((a, b) => (a < b ? -1 : 1))).toEqual(mine);
  });

  it('fails clearly on a counter node that holds something else', async () => {
    const client = await zk.connect();
    await client.create('/ids/not-a-counter', 'text');
    const ids = new RangeIdGenerator(client, '/ids/not-a-counter');
    await expect(ids.nextId()).rejects.toMatchObject({ code: 'CORRUPT_DATA' });
  });

  it('rejects bad input clearly', async () => {
    const client = await zk.connect();
    for (const rangeSize of [0, -5, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new RangeIdGenerator(client, '/ids/bad', { rangeSize })).toThrow(
        /rangeSize must be a positive integer/,
      );
    }
    expect(() => new RangeIdGenerator(client, 'ids')).toThrow(/invalid path/);
    const ids = new RangeIdGenerator(client, '/ids/bad');
    await expect(ids.nextId({ timeoutMs: -1 })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    expect(await ids.nextId()).toBe(1n);
    ids.close();
    await expect(ids.nextId()).rejects.toMatchObject({ code: 'CLOSED' });
  });
});

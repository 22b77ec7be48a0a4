import { describe, expect, it } from 'vitest';
import { childrenOrNone, eventually, useZooKeeper } from '../../../test-support/index.ts';
import { SequentialIdGenerator } from './sequential-id-generator.ts';

const zk = useZooKeeper('sequential-ids');

describe('SequentialIdGenerator', () => {
  it('hands out unique, increasing IDs from the sequence suffix and deletes the ID nodes', async () => {
    const client = await zk.connect();
    const ids = new SequentialIdGenerator(client, '/ids/orders');
    const taken: number[] = [];
    for (let i = 0; i < 10; i++) taken.push(await ids.nextId());
    // One generator alone on its parent: consecutive (deleting ID nodes does not advance the counter).
    expect(taken).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await ids.close();
    expect(await childrenOrNone(client, '/ids/orders')).toEqual([]);
  });

  it('keeps its parent persistent: an empty parent is not reaped, so the counter never restarts', async () => {
    const client = await zk.connect();
    const ids = new SequentialIdGenerator(client, '/ids/persistent-parent');
    const before = await ids.nextId();
    await ids.close();
    // A container emptied after ours is reaped: the server's container sweep has run since.
    await client.create('/ids/reference', undefined, { mode: 'container' });
    await client.create('/ids/reference/child');
    await client.delete('/ids/reference/child');
    await eventually(async () => expect(await client.exists('/ids/reference')).toBeNull(), {
      timeoutMs: 15_000,
    });
    expect(await client.exists('/ids/persistent-parent')).not.toBeNull();
    const again = new SequentialIdGenerator(client, '/ids/persistent-parent');
    expect(await again.nextId()).toBeGreaterThan(before);
    await again.close();
  });

  it('keepNodes leaves an audit trail: one node per ID, with its data', async () => {
    const client = await zk.connect();
    const ids = new SequentialIdGenerator(client, '/ids/audited', {
      prefix: 'ticket-',
      keepNodes: true,
      data: 'node-7',
    });
    const id = await ids.nextId();
    const { children } = await client.getChildren('/ids/audited');
    expect(children).toHaveLength(1);
    expect(children[0]).toMatch(new RegExp(`^_c_[0-9a-f-]{36}-ticket-${String(id).padStart(10, '0')}$`));
    expect((await client.getData(`/ids/audited/${children[0]}`)).data.toString()).toBe('node-7');
    await ids.close();
  });

  it('never hands out an ID twice among concurrent clients and callers', async () => {
    const clients = await Promise.all([1, 2, 3, 4].map(() => zk.connect()));
    const generators = clients.map((client) => new SequentialIdGenerator(client, '/ids/concurrent'));
    const all = (
      await Promise.all(
        generators.map((generator) => Promise.all(Array.from({ length: 25 }, () => generator.nextId()))),
      )
    ).flat();
    expect(all).toHaveLength(100);
    expect(new Set(all).size).toBe(100);
    await Promise.all(generators.map((generator) => generator.close()));
    await clients[0]!.sync('/ids/concurrent'); // the other generators deleted through their clients
    expect(await childrenOrNone(clients[0]!, '/ids/concurrent')).toEqual([]);
  });

  it('rejects bad input clearly', async () => {
    const client = await zk.connect();
    expect(() => new SequentialIdGenerator(client, 'ids')).toThrow(/invalid path/);
    expect(() => new SequentialIdGenerator(client, '/ids/bad', { prefix: 'a/b' })).toThrow(/prefix/);
    const ids = new SequentialIdGenerator(client, '/ids/bad');
    await expect(ids.nextId({ timeoutMs: -1 })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await ids.close();
    await expect(ids.nextId()).rejects.toMatchObject({ code: 'CLOSED' });
  });
});

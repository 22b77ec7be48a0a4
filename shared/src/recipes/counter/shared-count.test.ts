import { describe, expect, it } from 'vitest';
import type { ZooKeeperClient } from '../../client/index.ts';
import { expireSession } from '../../ensemble/index.ts';
import { StateRecorder, eventually, useZooKeeper } from '../../../test-support/index.ts';
import { RecipeError } from '../core/errors.ts';
import { SharedCount, type VersionedValue } from './shared-count.ts';

const zk = useZooKeeper('shared-count');

/** Ends a client's session on the servers (through a server it is not connected to). */
async function expire(client: ZooKeeperClient): Promise<void> {
  const others = zk.ensembleConnectString.split(',').filter((server) => server !== client.connectedServer);
  await expireSession(others.join(','), {
    sessionId: client.sessionId,
    sessionPassword: client.sessionPassword,
  });
}

describe('SharedCount', () => {
  it('creates the node with the seed as 4 big-endian bytes, and does not overwrite an existing count', async () => {
    const client = await zk.connect();
    const count = new SharedCount(client, '/counts/seeded', 258);
    await count.start();
    expect(count.count).toBe(258);
    expect((await client.getData('/counts/seeded')).data.toString('hex')).toBe('00000102');
    const second = new SharedCount(await zk.connect(), '/counts/seeded', 7);
    await second.start();
    expect(second.count).toBe(258);
    await Promise.all([count.close(), second.close()]);
  });

  it('sets, compare-and-sets by version, and increments; the local copy follows every write', async () => {
    const client = await zk.connect();
    const count = new SharedCount(client, '/counts/ops', 0);
    await count.start();
    await count.setCount(-2);
    expect((await client.getData('/counts/ops')).data.toString('hex')).toBe('fffffffe');
    const seen: VersionedValue<number> = count.versionedValue;
    expect(seen.value).toBe(-2);
    expect(await count.trySetCount(seen, 10)).toBe(true);
    expect(count.count).toBe(10);
    // The same expectation again is stale now: refused, nothing written.
    expect(await count.trySetCount(seen, 99)).toBe(false);
    expect(count.count).toBe(10);
    const result = await count.increment(5);
    expect(result).toEqual({ preValue: 10, postValue: 15, version: count.versionedValue.version });
    expect(count.count).toBe(15);
    await count.close();
  });

  it('hears changes made by other clients through its watch, in order', async () => {
    const client = await zk.connect();
    const writer = await zk.connect();
    const count = new SharedCount(client, '/counts/watched', 1);
    await count.start();
    const changes: number[] = [];
    count.on('change', ({ value }) => changes.push(value));
    const other = new SharedCount(writer, '/counts/watched', 1);
    await other.start();
    await other.increment();
    await eventually(() => expect(count.count).toBe(2));
    await writer.setData('/counts/watched', Buffer.from([0, 0, 0, 42]));
    await eventually(() => expect(count.count).toBe(42));
    expect(changes).toEqual([2, 42]);
    await Promise.all([count.close(), other.close()]);
  });

  it('loses no increment among concurrent clients: 5 clients × 20 increments = 100', async () => {
    const clients = await Promise.all(Array.from({ length: 5 }, () => zk.connect()));
    const counts = clients.map((client) => new SharedCount(client, '/counts/concurrent', 0));
    await Promise.all(counts.map((count) => count.start()));
    await Promise.all(
      counts.map(async (count) => {
        for (let i = 0; i < 20; i++) await count.increment();
      }),
    );
    await eventually(() => expect(counts.map((count) => count.count)).toEqual([100, 100, 100, 100, 100]));
    await Promise.all(counts.map((count) => count.close()));
  });

  it('re-reads after its session expires: a change made meanwhile is seen', async () => {
    const client = await zk.connect({ sessionTimeoutMs: 4000 });
    const writer = await zk.connect();
    const count = new SharedCount(client, '/counts/expiry', 1);
    await count.start();
    const connection: string[] = [];
    count.on('connection', (event) => connection.push(event));
    const states = new StateRecorder(client);
    await expire(client);
    await states.waitFor('lost');
    await writer.setData('/counts/expiry', Buffer.from([0, 0, 0, 77]));
    await states.waitFor('connected');
    await eventually(() => expect(count.count).toBe(77));
    expect(connection).toContain('lost');
    // The watch is armed again on the new session.
    await writer.setData('/counts/expiry', Buffer.from([0, 0, 0, 78]));
    await eventually(() => expect(count.count).toBe(78));
    await count.close();
  });

  it('keeps the last count while the node is deleted and follows it when it comes back', async () => {
    const client = await zk.connect();
    const count = new SharedCount(client, '/counts/deleted', 5);
    await count.start();
    await client.delete('/counts/deleted');
    await client.create('/counts/deleted', Buffer.from([0, 0, 0, 9]));
    await eventually(() => expect(count.count).toBe(9));
    await count.close();
  });

  it('reads an empty node as 0 (Kazoo ensure_path) and refuses other lengths as CORRUPT_DATA', async () => {
    const client = await zk.connect();
    await client.create('/counts/empty', '');
    const empty = new SharedCount(client, '/counts/empty', 3);
    await empty.start();
    expect(empty.count).toBe(0);
    await empty.close();
    await client.create('/counts/text', 'seven');
    const corrupt = new SharedCount(client, '/counts/text');
    const error = await corrupt.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecipeError);
    expect(error).toMatchObject({ code: 'CORRUPT_DATA', path: '/counts/text' });
    expect((error as Error).message).toMatch(/expected 4 bytes .* found 5: 736576656e/);
  });

  it('rejects bad input clearly', async () => {
    const client = await zk.connect();
    expect(() => new SharedCount(client, 'no-slash')).toThrow(/invalid path/);
    expect(() => new SharedCount(client, '/counts/bad', 1.5)).toThrow(/32-bit integer/);
    expect(() => new SharedCount(client, '/counts/bad', 2 ** 31)).toThrow(/32-bit integer/);
    const count = new SharedCount(client, '/counts/bad');
    await expect(count.increment()).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    expect(() => count.count).toThrow(/start\(\) first/);
    await count.start();
    await expect(count.start()).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(count.setCount(Number.NaN)).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(count.increment(0.5)).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(count.increment(1, { timeoutMs: -1 })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(count.trySetCount({ version: -3, value: 0 }, 1)).rejects.toMatchObject({
      code: 'BAD_ARGUMENT',
    });
    await count.close();
    await expect(count.increment()).rejects.toMatchObject({ code: 'CLOSED' });
  });
});

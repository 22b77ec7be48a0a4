import { describe, expect, it } from 'vitest';
import { op } from '../../client/index.ts';
import { connectCuttable, eventually, useZooKeeper } from '../../../test-support/index.ts';
import { EventModel } from '../../../test-support/cache-events.ts';
import { NodeCache } from './node-cache.ts';

const zk = useZooKeeper('node-cache');

describe.each(['auto', 'oneShot'] as const)('NodeCache (watchMode %s)', (watchMode) => {
  it('loads the node and reports created, changed and deleted', async () => {
    const client = await zk.connect();
    const writer = await zk.connect();
    const path = `/flags-${watchMode}`;
    await client.create(path, 'v1');
    const cache = new NodeCache(client, path, { watchMode });
    const model = new EventModel(cache);
    let initial: string[] = [];
    cache.on('initialized', (nodes) => (initial = [...nodes.keys()]));
    await cache.start();
    expect(initial).toEqual([path]);
    expect(cache.get()?.data.toString()).toBe('v1');
    expect(cache.get()?.stat.version).toBe(0);

    await writer.setData(path, 'v2');
    await eventually(() => expect(cache.get()?.data.toString()).toBe('v2'));
    expect(cache.get()?.stat.version).toBe(1);
    // Children do not concern a node cache.
    await writer.create(`${path}/child`, 'c');
    await writer.delete(`${path}/child`);
    await writer.delete(path);
    await eventually(() => expect(cache.get()).toBeUndefined());
    await writer.create(path, 'v3');
    await eventually(() => expect(cache.get()?.data.toString()).toBe('v3'));
    expect(model.log).toEqual(['initialized', `changed ${path}`, `deleted ${path}`, `created ${path}`]);
    expect(model.violations).toEqual([]);
    await cache.close();
    expect(client.watchCount).toBe(0);
  });

  it('starts on a missing node and reports its creation', async () => {
    const client = await zk.connect();
    const writer = await zk.connect();
    const path = `/missing-${watchMode}`;
    const cache = new NodeCache(client, path, { watchMode });
    const model = new EventModel(cache);
    await cache.start();
    expect(cache.get()).toBeUndefined();
    expect(cache.isInitialized).toBe(true);
    await writer.create(path, 'here');
    await eventually(() => expect(cache.get()?.data.toString()).toBe('here'));
    expect(model.log).toEqual(['initialized', `created ${path}`]);
    await cache.close();
    expect(client.watchCount).toBe(0);
  });

  it('tells a delete-and-recreate from a change, also across a dropped connection (CURATOR-391)', async () => {
    const { client, proxy, cut, restore } = await connectCuttable(zk);
    try {
      const writer = await zk.connect();
      const path = `/reborn-${watchMode}`;
      await writer.create(path, 'same');
      await client.sync(path); // so the first read sees the writer's node
      const cache = new NodeCache(client, path, { watchMode });
      const model = new EventModel(cache);
      await cache.start();
      const first = cache.get()!;

      await writer.multi([op.delete(path), op.create(path, 'same')]);
      await eventually(() => expect(cache.get()?.stat.czxid).toBeGreaterThan(first.stat.czxid));
      const second = cache.get()!;

      await cut();
      await writer.delete(path);
      await writer.create(path, 'same'); // identical data and version: only czxid tells
      restore();
      await eventually(() => expect(cache.get()?.stat.czxid).toBeGreaterThan(second.stat.czxid));
      await eventually(() => expect(model.log).toContain('resynced reconnected'));
      expect(model.log).toEqual([
        'initialized',
        `deleted ${path}`,
        `created ${path}`,
        `deleted ${path}`,
        `created ${path}`,
        'resynced reconnected',
      ]);
      await cache.close();
      expect(client.watchCount).toBe(0);
    } finally {
      await proxy.close();
    }
  });

  it('after its session expired, re-reads the node on the new session and keeps watching', async () => {
    const { client, proxy, recorder, cut, restore, expire } = await connectCuttable(zk);
    try {
      const writer = await zk.connect();
      const path = `/expiry-${watchMode}`;
      await writer.create(path, 'before');
      await client.sync(path);
      const cache = new NodeCache(client, path, { watchMode });
      const model = new EventModel(cache);
      await cache.start();
      const oldSession = client.sessionId;

      await cut();
      await expire();
      await writer.setData(path, 'while expired');
      restore();
      await recorder.waitFor('lost');
      await recorder.waitFor('connected');
      // The cache's server may apply the write a little after the resync, so the order may vary.
      await eventually(
        () => {
          expect(model.log).toContain('resynced newSession');
          expect(cache.get()?.data.toString()).toBe('while expired');
        },
        { timeoutMs: 15_000 },
      );
      expect(client.sessionId).not.toBe(oldSession);
      expect([...model.log].sort()).toEqual(['initialized', `changed ${path}`, 'resynced newSession'].sort());

      // The watch is back on the new session: a later change still arrives.
      await writer.setData(path, 'after');
      await eventually(() => expect(cache.get()?.data.toString()).toBe('after'));
      expect(model.violations).toEqual([]);
      expect(client.watchCount).toBeGreaterThan(0);
      await cache.close();
      expect(client.watchCount).toBe(0);
    } finally {
      await proxy.close();
    }
  });
});

describe('NodeCache', () => {
  it('validates its path', async () => {
    const client = await zk.connect();
    expect(() => new NodeCache(client, 'relative')).toThrow(/invalid path/);
  });

  it('iterates its events', async () => {
    const client = await zk.connect();
    const writer = await zk.connect();
    await client.create('/iterated', '1');
    const cache = new NodeCache(client, '/iterated');
    const stop = new AbortController();
    const types: string[] = [];
    const reading = (async () => {
      for await (const event of cache.events({ signal: stop.signal })) {
        types.push(event.type);
        if (event.type === 'changed') stop.abort();
      }
    })();
    await cache.start();
    await writer.setData('/iterated', '2');
    await reading;
    expect(types).toEqual(['initialized', 'changed']);
    await cache.close();
  });
});

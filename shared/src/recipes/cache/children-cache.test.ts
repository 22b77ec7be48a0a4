import { describe, expect, it } from 'vitest';
import { deleteRecursive, type ZooKeeperClient } from '../../client/index.ts';
import { connectCuttable, eventually, useZooKeeper } from '../../../test-support/index.ts';
import { ChildrenCache } from './children-cache.ts';
import { EventModel, randomMutations, readTree, viewOf } from '../../../test-support/cache-events.ts';

const zk = useZooKeeper('children-cache');

/** The children of `parent` as a ChildrenCache should hold them, read through `client`. */
async function childrenOf(client: ZooKeeperClient, parent: string) {
  const tree = await readTree(client, parent, 1);
  tree.delete(parent);
  return tree;
}

describe.each(['auto', 'oneShot'] as const)('ChildrenCache (watchMode %s)', (watchMode) => {
  it('loads the children with their data, then reports each addition, update and removal', async () => {
    const client = await zk.connect();
    const writer = await zk.connect();
    const parent = `/workers-${watchMode}`;
    await client.create(parent, 'parent data is not a child');
    await client.create(`${parent}/w1`, 'one');
    await client.create(`${parent}/w2`, 'two');
    const cache = new ChildrenCache(client, parent, { watchMode });
    const model = new EventModel(cache);
    let initial: string[] = [];
    cache.on('initialized', (nodes) => (initial = [...nodes.keys()]));
    await cache.start();
    expect(initial).toEqual([`${parent}/w1`, `${parent}/w2`]);
    expect([...cache.children()].map(([name, node]) => `${name}=${node.data.toString()}`)).toEqual([
      'w1=one',
      'w2=two',
    ]);
    expect(cache.get('w1')?.data.toString()).toBe('one');
    expect(cache.get(`${parent}/w2`)?.data.toString()).toBe('two');
    expect(cache.get(parent)).toBeUndefined();
    expect(cache.get('/elsewhere/w1')).toBeUndefined();

    await writer.create(`${parent}/w3`, 'three');
    await writer.setData(`${parent}/w1`, 'uno');
    await writer.create(`${parent}/w1/grandchild`, 'ignored');
    await writer.setData(parent, 'parent changes are not reported');
    await writer.delete(`${parent}/w2`);
    await eventually(() => expect([...cache.children().keys()]).toEqual(['w1', 'w3']));
    await eventually(() => expect(cache.get('w1')?.data.toString()).toBe('uno'));
    // Events about different nodes need not come in write order (one-shot mode reads a new child in
    // two steps), so compare them as a set.
    expect(model.log[0]).toBe('initialized');
    expect(model.changesSince(1)).toEqual([
      `changed ${parent}/w1`,
      `created ${parent}/w3`,
      `deleted ${parent}/w2`,
    ]);
    expect([...cache.snapshot().keys()]).toEqual([`${parent}/w1`, `${parent}/w3`]);

    // The parent goes: every child is reported deleted, the parent itself never.
    await deleteRecursive(writer, parent);
    await eventually(() => expect(cache.children().size).toBe(0));
    expect(model.log.slice(-2).sort()).toEqual([`deleted ${parent}/w1`, `deleted ${parent}/w3`]);
    await cache.close();
    expect(client.watchCount).toBe(0);
  });

  it('matches the children after random mutations below and around them', async () => {
    const client = await zk.connect();
    const writer = await zk.connect();
    const parent = `/random-${watchMode}`;
    await client.create(parent);
    const cache = new ChildrenCache(client, parent, { watchMode });
    const model = new EventModel(cache);
    await cache.start();
    await randomMutations(writer, parent, { operations: 200, seed: 3, depth: 2 });
    const children = async () => {
      const tree = await readTree(client, parent, 1);
      tree.delete(parent);
      return tree;
    };
    await eventually(async () => expect(viewOf(cache.snapshot().values())).toEqual(await children()));
    expect(model.view()).toEqual(await children());
    expect(model.violations).toEqual([]);
    await cache.close();
  });

  it('after a dropped connection reports exactly what changed among the children meanwhile', async () => {
    const { client, proxy, cut, restore } = await connectCuttable(zk);
    try {
      const writer = await zk.connect();
      const parent = `/disconnect-${watchMode}`;
      await writer.create(parent);
      for (const name of ['changed', 'gone', 'reborn', 'untouched']) {
        await writer.create(`${parent}/${name}`, name);
      }
      await client.sync(parent);
      const cache = new ChildrenCache(client, parent, { watchMode });
      const model = new EventModel(cache);
      await cache.start();
      const sessionId = client.sessionId;
      const mark = model.log.length;

      await cut();
      await writer.setData(`${parent}/changed`, 'changed again');
      await writer.delete(`${parent}/gone`);
      await writer.delete(`${parent}/reborn`);
      await writer.create(`${parent}/reborn`, 'reborn'); // same data and version: only czxid differs
      await writer.create(`${parent}/new`, 'new');
      await writer.create(`${parent}/untouched/grandchild`, 'not a child');
      restore();

      await model.waitForResync(mark, 'reconnected', () => childrenOf(writer, parent));
      expect(client.sessionId).toBe(sessionId);
      expect(model.changesSince(mark)).toEqual([
        `changed ${parent}/changed`,
        `created ${parent}/new`,
        `created ${parent}/reborn`,
        `deleted ${parent}/gone`,
        `deleted ${parent}/reborn`,
      ]);
      expect(model.violations).toEqual([]);
      expect(viewOf(cache.snapshot().values())).toEqual(await childrenOf(writer, parent));
      await cache.close();
      expect(client.watchCount).toBe(0);
    } finally {
      await proxy.close();
    }
  });

  it('after its session expired, reports the differences and keeps watching on the new session', async () => {
    const { client, proxy, recorder, cut, restore, expire } = await connectCuttable(zk);
    try {
      const writer = await zk.connect();
      const parent = `/expiry-${watchMode}`;
      await writer.create(parent);
      await writer.create(`${parent}/a`, 'a');
      await writer.create(`${parent}/b`, 'b');
      await client.sync(parent);
      const cache = new ChildrenCache(client, parent, { watchMode });
      const model = new EventModel(cache);
      await cache.start();
      const oldSession = client.sessionId;
      const mark = model.log.length;

      await cut();
      await expire();
      await writer.setData(`${parent}/a`, 'a2');
      await writer.delete(`${parent}/b`);
      await writer.create(`${parent}/c`, 'c');
      restore();
      await recorder.waitFor('lost');
      await model.waitForResync(mark, 'newSession', () => childrenOf(writer, parent));
      expect(client.sessionId).not.toBe(oldSession);
      expect(model.changesSince(mark)).toEqual([
        `changed ${parent}/a`,
        `created ${parent}/c`,
        `deleted ${parent}/b`,
      ]);

      await writer.create(`${parent}/d`, 'd');
      await eventually(() => expect(cache.get('d')?.data.toString()).toBe('d'));
      expect(model.violations).toEqual([]);
      await cache.close();
      expect(client.watchCount).toBe(0);
    } finally {
      await proxy.close();
    }
  });
});

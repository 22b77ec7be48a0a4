import { describe, expect, it } from 'vitest';
import { deleteRecursive } from '../../client/index.ts';
import { eventually, useZooKeeper } from '../../testing/index.ts';
import { ChildrenCache } from './children-cache.ts';
import { EventModel, randomMutations, readTree, viewOf } from './cache-test-support.ts';

const zk = useZooKeeper('children-cache');

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
});

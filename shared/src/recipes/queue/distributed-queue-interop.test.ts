import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  childrenOrNone,
  eventually,
  startCuratorPeer,
  startNodePeer,
  useZooKeeper,
  type JsonLinePeer,
} from '../../../test-support/index.ts';
import { DistributedDelayQueue } from './distributed-delay-queue.ts';
import { DistributedIdQueue } from './distributed-id-queue.ts';
import { DistributedPriorityQueue } from './distributed-priority-queue.ts';
import { DistributedQueue } from './distributed-queue.ts';
import { stringSerializer } from './queue-serializer.ts';
import { SimpleDistributedQueue } from './simple-distributed-queue.ts';

/**
 * Wire compatibility with Apache Curator 5.4.0's queues (QueueBuilder and SimpleDistributedQueue,
 * in a JVM: shared/interop/curator/QueueCommands.java) on the same paths of the same ensemble.
 */
const zk = useZooKeeper('queue-interop');
let curator: JsonLinePeer;

beforeAll(async () => {
  curator = await startCuratorPeer();
  await curator.call('client.open', { connect: zk.connectString });
}, 60_000);

afterAll(async () => {
  await curator?.close();
});

const curatorConsumed = (name: string): Promise<string[]> =>
  curator.call<string[]>('queue.consumed', { name });

describe('DistributedQueue and Curator DistributedQueue', () => {
  it('TypeScript producer → Curator consumer, putMulti included, in order', async () => {
    const queue = new DistributedQueue(await zk.connect(), '/iq/ts-to-curator', {
      serializer: stringSerializer,
    });
    await queue.put('a');
    await queue.putMulti(['b', 'c']);
    await queue.put('d');
    await curator.call('queue.create', { name: 'c1', path: '/iq/ts-to-curator', consume: true, quiet: true });
    await eventually(async () => expect(await curatorConsumed('c1')).toEqual(['a', 'b', 'c', 'd']));
    await curator.call('queue.close', { name: 'c1' });
    // Curator deleted the items through its own connection, maybe on another server.
    await eventually(async () => expect(await queue.size()).toBe(0));
  });

  it('Curator producer → TypeScript consumer, byte-identical envelopes', async () => {
    const client = await zk.connect();
    await curator.call('queue.create', { name: 'p1', path: '/iq/curator-to-ts' });
    await curator.call('queue.put', { name: 'p1', item: 'hello' });
    await curator.call('queue.putMulti', { name: 'p1', items: ['m1', 'm2'] });
    await curator.call('queue.put', { name: 'p1', item: 'ünïcødé' });
    await curator.call('queue.close', { name: 'p1' });
    await client.sync('/iq/curator-to-ts'); // Curator wrote through its own connection
    const [first, second] = (await client.getChildren('/iq/curator-to-ts')).children.sort();
    const ours = new DistributedQueue(client, '/iq/ours-for-comparison', { serializer: stringSerializer });
    const hello = await ours.put('hello');
    const multi = await ours.putMulti(['m1', 'm2']);
    expect((await client.getData(`/iq/curator-to-ts/${first}`)).data).toEqual(
      (await client.getData(hello.path)).data,
    );
    expect((await client.getData(`/iq/curator-to-ts/${second}`)).data).toEqual(
      (await client.getData(multi.path)).data,
    );
    const seen: string[] = [];
    await new DistributedQueue(client, '/iq/curator-to-ts', { serializer: stringSerializer }).consume(
      (item) => void seen.push(item),
      { limit: 3 },
    ).done;
    expect(seen).toEqual(['hello', 'm1', 'm2', 'ünïcødé']);
  });

  it('with one lockPath, Curator and TypeScript consumers share a queue without double processing', async () => {
    const path = '/iq/shared';
    const lockPath = '/iq/shared-claims';
    const client = await zk.connect();
    const producer = new DistributedQueue(client, path, { serializer: stringSerializer });
    await curator.call('queue.create', { name: 'p2', path });
    const items = Array.from({ length: 60 }, (_, index) => `item-${index}`);
    for (const [index, item] of items.entries()) {
      if (index % 2 === 0) await producer.put(item);
      else await curator.call('queue.put', { name: 'p2', item });
    }
    await curator.call('queue.close', { name: 'p2' });
    await curator.call('queue.create', {
      name: 'c2',
      path,
      lockPath,
      consume: true,
      processMs: 5,
      quiet: true,
    });
    const ours: string[] = [];
    const consumerClient = await zk.connect();
    const consumer = new DistributedQueue(consumerClient, path, {
      serializer: stringSerializer,
      lockPath,
    }).consume(async (item) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      ours.push(item);
    });
    expect(consumer.mode).toBe('at-least-once');
    // Done means: every item handed to a handler, and every claim let go by whoever took it — both
    // consumers delete their claim only after the handler returned and the item was deleted.
    await eventually(
      async () => {
        expect(ours.length + (await curatorConsumed('c2')).length).toBe(60);
        expect(await childrenOrNone(client, path)).toEqual([]);
        expect(await childrenOrNone(client, lockPath)).toEqual([]);
      },
      { timeoutMs: 20_000 },
    );
    await consumer.stop();
    const theirs = await curatorConsumed('c2');
    await curator.call('queue.close', { name: 'c2' });
    expect([...ours, ...theirs].sort()).toEqual([...items].sort());
    expect(ours.length).toBeGreaterThan(0);
    expect(theirs.length).toBeGreaterThan(0);
    // Our consumer leaves no claim once stopped. Curator's may: a consumer working from a stale list
    // claims an item someone else already took, finds it gone and deletes the claim — unless
    // queue.close() interrupts it in between; that claim then lasts as long as Curator's session.
    await client.sync(lockPath);
    for (const name of await childrenOrNone(client, lockPath)) {
      const stat = await client.exists(`${lockPath}/${name}`);
      expect(stat?.ephemeralOwner, `claim ${name}`).not.toBe(consumerClient.sessionId);
    }
  });
});

describe('variants and Curator', () => {
  it('priority queues agree on the order, whoever put the items', async () => {
    const path = '/iq/priority';
    const client = await zk.connect();
    const ours = new DistributedPriorityQueue(client, path, { serializer: stringSerializer });
    await curator.call('queue.create', { name: 'pp', path, kind: 'priority' });
    const puts: [string, number, 'ts' | 'curator'][] = [
      ['p5', 5, 'curator'],
      ['p-1', -1, 'ts'],
      ['p0', 0, 'curator'],
      ['p3', 3, 'ts'],
      ['p-100', -100, 'curator'],
      ['p2147483647', 2147483647, 'ts'],
      ['p0-again', 0, 'ts'],
    ];
    for (const [item, priority, by] of puts) {
      if (by === 'ts') await ours.put(item, priority);
      else await curator.call('queue.put', { name: 'pp', item, priority });
    }
    await curator.call('queue.close', { name: 'pp' });
    await client.sync(path); // some puts went through Curator's connection
    const expected = ['p-100', 'p-1', 'p0', 'p0-again', 'p3', 'p5', 'p2147483647'];
    const ourOrder = await Promise.all(
      (await ours.itemNames()).map(async (name) => {
        const consumerView = await client.getData(`${path}/${name}`);
        return consumerView.data.subarray(9, -1).toString();
      }),
    );
    expect(ourOrder).toEqual(expected);
    await curator.call('queue.create', { name: 'pc', path, kind: 'priority', consume: true, quiet: true });
    await eventually(async () => expect(await curatorConsumed('pc')).toEqual(expected));
    await curator.call('queue.close', { name: 'pc' });
  });

  it('a TypeScript delay item reaches a Curator consumer when due; a Curator id item is removed by id here', async () => {
    const client = await zk.connect();
    const dueAt = Date.now() + 800;
    await new DistributedDelayQueue(client, '/iq/delay', { serializer: stringSerializer }).put(
      'later',
      dueAt,
    );
    await curator.call('queue.create', { name: 'dc', path: '/iq/delay', kind: 'delay', consume: true });
    const event = await curator.waitForEvent('queueItem', (data) => data.name === 'dc', 10_000);
    expect(Date.now()).toBeGreaterThanOrEqual(dueAt);
    expect(event.item).toBe('later');
    await curator.call('queue.close', { name: 'dc' });

    await curator.call('queue.create', { name: 'ip', path: '/iq/ids', kind: 'id' });
    await curator.call('queue.put', { name: 'ip', item: 'keep', id: 'other' });
    await curator.call('queue.put', { name: 'ip', item: 'drop', id: 'my/id|1' });
    await curator.call('queue.close', { name: 'ip' });
    const ids = new DistributedIdQueue(client, '/iq/ids', { serializer: stringSerializer });
    await client.sync('/iq/ids');
    expect(await ids.itemNames()).toEqual(['queue-|other|0000000000', 'queue-|my_id_1|0000000001']);
    expect(await ids.remove('my/id|1')).toBe(1);
    const seen: string[] = [];
    await ids.consume((item) => void seen.push(item), { limit: 1 }).done;
    expect(seen).toEqual(['keep']);
  });
});

describe('SimpleDistributedQueue and Curator SimpleDistributedQueue', () => {
  it('exchange raw items both ways', async () => {
    const client = await zk.connect();
    const ours = new SimpleDistributedQueue(client, '/iq/simple');
    await ours.offer('from-ts-1');
    await ours.offer('from-ts-2');
    // A poll on a server that has not applied our offers yet finds nothing (and takes nothing).
    await eventually(async () =>
      expect(await curator.call('queue.simplePoll', { path: '/iq/simple' })).toBe('from-ts-1'),
    );
    expect(await curator.call('queue.simpleTake', { path: '/iq/simple' })).toBe('from-ts-2');
    expect(await curator.call('queue.simplePoll', { path: '/iq/simple' })).toBeNull();
    const waiting = ours.take({ timeoutMs: 10_000 });
    await curator.call('queue.simpleOffer', { path: '/iq/simple', item: 'from-curator' });
    expect(String(await waiting)).toBe('from-curator');
    await curator.call('queue.simpleOffer', { path: '/iq/simple', item: 'raw' });
    await client.sync('/iq/simple');
    const [name] = await ours.itemNames();
    expect((await client.getData(`/iq/simple/${name}`)).data.toString()).toBe('raw');
  });
});

describe('benchmark commands (queue.produce / queue.consume) on both peers', () => {
  it('put and take the same number of items and report elapsed milliseconds', async () => {
    const node = await startNodePeer('queue-bench');
    try {
      await node.call('client.open', { connect: zk.connectString });
      for (const [peer, path] of [
        [curator, '/iq/bench-curator'],
        [node, '/iq/bench-node'],
      ] as const) {
        const produced = await peer.call<number>('queue.produce', { path, count: 50, size: 32 });
        expect(await new DistributedQueue(await zk.connect(), path).size()).toBe(50);
        const consumed = await peer.call<number>('queue.consume', { path, count: 50, timeoutMs: 20_000 });
        expect(produced).toBeGreaterThan(0);
        expect(consumed).toBeGreaterThan(0);
        expect(await new DistributedQueue(await zk.connect(), path).size()).toBe(0);
      }
    } finally {
      await node.close();
    }
  });
});

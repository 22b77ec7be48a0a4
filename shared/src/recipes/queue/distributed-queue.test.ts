import { describe, expect, it } from 'vitest';
import { ZooKeeperClient, op } from '../../client/index.ts';
import { childrenOrNone, eventually, useZooKeeper } from '../../../test-support/index.ts';
import { localAddress } from '../core/local-address.ts';
import { DistributedQueue } from './distributed-queue.ts';
import type { QueueItemContext } from './queue-consumer.ts';
import { stringSerializer } from './queue-serializer.ts';

const zk = useZooKeeper('distributed-queue');

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s/g, ''), 'hex');

/** Resolves when `promise` settles or `ms` passed, whichever first; for "has not happened yet" checks. */
function settledWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return Promise.race([
    promise.then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms)),
  ]);
}

describe('DistributedQueue producers', () => {
  it("writes Curator's layout: queue-<seq> persistent-sequential nodes holding the envelope", async () => {
    const client = await zk.connect();
    const queue = new DistributedQueue(client, '/q/layout', { serializer: stringSerializer });
    const first = await queue.put('hello');
    const multi = await queue.putMulti(['m1', 'm2']);
    expect(first).toEqual({ path: '/q/layout/queue-0000000000', possibleDuplicate: false });
    expect(multi.path).toBe('/q/layout/queue-0000000001');
    expect((await client.getData(first.path)).data).toEqual(hex('00010001 01 00000005 68656c6c6f 02'));
    expect((await client.getData(multi.path)).data).toEqual(
      hex('00010001 01 00000002 6d31 01 00000002 6d32 02'),
    );
    const parent = await client.getData('/q/layout');
    expect(parent.data.toString()).toBe(localAddress());
    expect(parent.stat.ephemeralOwner).toBe(0n);
    expect(await queue.itemNames()).toEqual(['queue-0000000000', 'queue-0000000001']);
  });

  it('refuses bad input before sending anything', async () => {
    const client = await zk.connect();
    expect(() => new DistributedQueue(client, 'relative')).toThrow(/invalid path/);
    expect(() => new DistributedQueue(client, '/q/bad', { maxItems: 0 })).toThrow(/maxItems/);
    expect(() => new DistributedQueue(client, '/q/bad', { lockPath: '/q/bad' })).toThrow(/lockPath/);
    const queue = new DistributedQueue(client, '/q/bad');
    await expect(queue.put(Buffer.alloc(1_048_576))).rejects.toMatchObject({
      code: 'BAD_ARGUMENT',
      message: expect.stringMatching(/item too large: 1048586 bytes.*jute\.maxbuffer/),
    });
    await expect(queue.putMulti([Buffer.alloc(600_000), Buffer.alloc(600_000)])).rejects.toMatchObject({
      code: 'BAD_ARGUMENT',
    });
    await expect(queue.putMulti([])).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(queue.put('text' as unknown as Buffer)).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(queue.put(Buffer.from('x'), { timeoutMs: -1 })).rejects.toMatchObject({
      code: 'BAD_ARGUMENT',
    });
    expect(await client.exists('/q/bad')).toBeNull();
    expect(() => queue.consume(() => {}, { mode: 'at-least-once' })).toThrow(/lockPath/);
    expect(() => queue.consume(() => {}, { mode: 'exactly-twice' as never })).toThrow(/unknown mode/);
    expect(() => queue.consume(() => {}, { limit: 0 })).toThrow(/limit/);
    expect(() => queue.consume(() => {}, { timeoutMs: -5 })).toThrow(/timeoutMs/);
    // An item just under the limit goes through.
    expect((await queue.put(Buffer.alloc(1_000_000))).path).toMatch(/queue-\d{10}$/);
  });

  it('a bounded queue makes put wait for room, and put gives up at its timeout', async () => {
    const client = await zk.connect();
    const queue = new DistributedQueue(client, '/q/bounded', { serializer: stringSerializer, maxItems: 2 });
    await queue.put('a');
    await queue.put('b');
    await expect(queue.put('late', { timeoutMs: 200 })).rejects.toMatchObject({ code: 'TIMEOUT' });
    const third = queue.put('c');
    expect(await settledWithin(third, 300)).toBe(false);
    const taken: string[] = [];
    const consumer = queue.consume((item) => void taken.push(item), { limit: 1 });
    await consumer.done;
    expect((await third).path).toMatch(/queue-\d{10}$/);
    expect(await queue.size()).toBe(2);
    expect(taken).toEqual(['a']);
  });
});

describe('DistributedQueue at-most-once consumer (Curator without lockPath)', () => {
  it('takes items in order, unpacks putMulti, skips foreign children, and removes what it took', async () => {
    const client = await zk.connect();
    const queue = new DistributedQueue(client, '/q/fifo', { serializer: stringSerializer });
    await queue.put('one');
    await client.create('/q/fifo/not-an-item', 'x');
    await queue.putMulti(['two', 'three']);
    await queue.put('four');
    const seen: [string, number, number][] = [];
    const consumer = queue.consume((item, context) => void seen.push([item, context.index, context.count]), {
      limit: 3,
    });
    expect(await consumer.done).toEqual({ handled: 3, reason: 'limit' });
    expect(consumer.mode).toBe('at-most-once');
    expect(seen).toEqual([
      ['one', 0, 1],
      ['two', 0, 2],
      ['three', 1, 2],
      ['four', 0, 1],
    ]);
    expect((await client.getChildren('/q/fifo')).children).toEqual(['not-an-item']);
  });

  it('waits for items put later, and stops on stop(), on its signal and at its timeout', async () => {
    const client = await zk.connect();
    const queue = new DistributedQueue(client, '/q/waiting', { serializer: stringSerializer });
    const seen: string[] = [];
    const consumer = queue.consume((item) => void seen.push(item));
    await queue.put('later');
    await eventually(() => expect(seen).toEqual(['later']));
    expect(await consumer.stop()).toEqual({ handled: 1, reason: 'stopped' });
    const controller = new AbortController();
    const aborted = queue.consume(() => {}, { signal: controller.signal });
    controller.abort();
    expect(await aborted.done).toEqual({ handled: 0, reason: 'aborted' });
    expect(await queue.consume(() => {}, { timeoutMs: 150 }).done).toEqual({ handled: 0, reason: 'timeout' });
    expect(client.watchCount).toBe(0);
  });

  it('shares the items among concurrent consumers: each taken exactly once in a no-fault run', async () => {
    const producer = await zk.connect();
    const queue = new DistributedQueue(producer, '/q/shared', { serializer: stringSerializer });
    for (let index = 0; index < 40; index++) await queue.put(`item-${index}`);
    const clients = await Promise.all([1, 2, 3].map(() => zk.connect()));
    const seen: string[] = [];
    const consumers = clients.map((client) =>
      new DistributedQueue(client, '/q/shared', { serializer: stringSerializer }).consume((item) => {
        seen.push(item);
      }),
    );
    await eventually(() => expect(seen).toHaveLength(40));
    await Promise.all(consumers.map((consumer) => consumer.stop()));
    expect(new Set(seen).size).toBe(40);
  });

  it('reports a corrupt envelope, drops the node as Curator does, and carries on', async () => {
    const client = await zk.connect();
    const queue = new DistributedQueue(client, '/q/corrupt', { serializer: stringSerializer });
    await queue.put('before');
    await client.create('/q/corrupt/queue-', 'raw bytes', { mode: 'persistentSequential' });
    await client.create('/q/corrupt/queue-', hex('00010002 01 00000001 41 02'), {
      mode: 'persistentSequential',
    });
    await queue.put('after');
    const seen: string[] = [];
    const corrupt: string[] = [];
    const consumer = queue.consume((item) => void seen.push(item), { limit: 4 });
    consumer.on('corrupt', ({ itemName, error }) => corrupt.push(`${itemName}: ${error.message}`));
    await consumer.done;
    expect(seen).toEqual(['before', 'after']);
    expect(corrupt).toEqual([
      expect.stringMatching(/^queue-0000000001: corrupt queue item envelope at byte 0: version 0x72617720/),
      expect.stringMatching(/^queue-0000000002: .*version 0x00010002/),
    ]);
    expect(await queue.size()).toBe(0);
  });
});

describe('DistributedQueue at-least-once consumer (Curator lockPath mode)', () => {
  it('claims the item with an ephemeral <lockPath>/<item> node, deletes item then claim', async () => {
    const client = await zk.connect();
    const queue = new DistributedQueue(client, '/q/locked', {
      serializer: stringSerializer,
      lockPath: '/q/locked-claims',
    });
    await queue.put('job');
    let claimSeen: { owner: bigint; itemExists: boolean } | undefined;
    const consumer = queue.consume(
      async (_item, context) => {
        const claim = await client.exists(`/q/locked-claims/${context.itemName}`);
        claimSeen = {
          owner: claim!.ephemeralOwner,
          itemExists: (await client.exists(context.itemPath)) !== null,
        };
      },
      { limit: 1 },
    );
    expect(consumer.mode).toBe('at-least-once');
    await consumer.done;
    expect(claimSeen).toEqual({ owner: client.sessionId, itemExists: true });
    expect(await queue.size()).toBe(0);
    expect(await childrenOrNone(client, '/q/locked-claims')).toEqual([]);
    expect((await client.getData('/q/locked-claims')).data.toString()).toBe(localAddress());
  });

  it('requeues a failed item as a new node with the same bytes, or deletes it with errorMode "delete"', async () => {
    const client = await zk.connect();
    const options = { serializer: stringSerializer, lockPath: '/q/failing-claims' };
    const queue = new DistributedQueue(client, '/q/failing', options);
    await queue.putMulti(['a', 'b']);
    const attempts: string[] = [];
    const failures: string[] = [];
    const consumer = queue.consume(
      (item) => {
        attempts.push(item);
        if (item === 'b' && attempts.length < 3) throw new Error('not yet');
      },
      { limit: 2 },
    );
    consumer.on('itemFailed', ({ itemName, action }) => failures.push(`${itemName} ${action}`));
    await consumer.done;
    expect(attempts).toEqual(['a', 'b', 'a', 'b']);
    expect(failures).toEqual(['queue-0000000000 requeued']);
    expect(await queue.size()).toBe(0);

    await queue.put('poison');
    const dropping = queue.consume(
      () => {
        throw new Error('always');
      },
      { errorMode: 'delete', limit: 1 },
    );
    const dropped: string[] = [];
    dropping.on('itemFailed', ({ action }) => dropped.push(action));
    await dropping.done;
    expect(dropped).toEqual(['deleted']);
    expect(await queue.size()).toBe(0);
  });

  it('skips an item another consumer has claimed, and takes it once that consumer dies mid-item', async () => {
    const dying = await ZooKeeperClient.connect(zk.connectString, { sessionTimeoutMs: 4000 });
    const survivor = await zk.connect();
    const options = { serializer: stringSerializer, lockPath: '/q/crash-claims' };
    await new DistributedQueue(survivor, '/q/crash', options).put('precious');
    let started!: () => void;
    const inHandler = new Promise<void>((resolve) => (started = resolve));
    new DistributedQueue(dying, '/q/crash', options).consume(() => {
      started();
      return new Promise(() => {}); // never finishes: the process "crashes" mid-item
    });
    await inHandler;
    const seen: string[] = [];
    const other = new DistributedQueue(survivor, '/q/crash', options).consume((item) => void seen.push(item));
    expect(
      await settledWithin(
        eventually(() => expect(seen).toHaveLength(1), { timeoutMs: 400 }),
        500,
      ),
    ).toBe(true);
    expect(seen).toEqual([]);
    await dying.close(); // the session ends, and the claim with it
    await eventually(() => expect(seen).toEqual(['precious']));
    await other.stop();
    expect(await new DistributedQueue(survivor, '/q/crash', options).size()).toBe(0);
  });
});

describe('DistributedQueue exactly-once consumer', () => {
  it("commits the handler's operations atomically with the fenced acknowledgement", async () => {
    const client = await zk.connect();
    await client.create('/effects', '');
    const queue = new DistributedQueue(client, '/q/once', {
      serializer: stringSerializer,
      lockPath: '/q/once-claims',
    });
    await queue.put('x');
    const contexts: QueueItemContext[] = [];
    const consumer = queue.consume(
      (item, context) => {
        contexts.push(context);
        return [op.create(`/effects/${item}`, context.fencingToken!.toString())];
      },
      { mode: 'exactly-once', limit: 1 },
    );
    await consumer.done;
    const effect = await client.getData('/effects/x');
    expect(BigInt(effect.data.toString())).toBe(contexts[0]!.fencingToken);
    expect(contexts[0]).toMatchObject({ itemKey: '/q/once/queue-0000000000', mode: 'exactly-once' });
    expect(await queue.size()).toBe(0);
    expect(await childrenOrNone(client, '/q/once-claims')).toEqual([]);
  });

  it('refuses the acknowledgement of a consumer whose claim was taken over: its effects are never applied', async () => {
    const client = await zk.connect();
    const admin = await zk.connect();
    await admin.create('/effects-fenced', '');
    const options = { serializer: stringSerializer, lockPath: '/q/fenced-claims' };
    const queue = new DistributedQueue(client, '/q/fenced', options);
    await queue.put('y');
    let release!: () => void;
    const proceed = new Promise<void>((resolve) => (release = resolve));
    let claimedAs: bigint | undefined;
    const fenced: string[] = [];
    const stale = queue.consume(
      async (item, context) => {
        claimedAs = context.fencingToken;
        await proceed; // ignores its signal, like a consumer paused past its session timeout
        return [op.create(`/effects-fenced/${item}-stale`)];
      },
      { mode: 'exactly-once' },
    );
    stale.on('fenced', ({ reason }) => fenced.push(reason));
    await eventually(() => expect(claimedAs).toBeDefined());
    // What a second consumer does once the first one's claim is gone: its claim moves the item's version on.
    await admin.delete('/q/fenced-claims/queue-0000000000');
    const { data, stat } = await admin.getData('/q/fenced/queue-0000000000');
    await admin.multi([
      op.create('/q/fenced-claims/queue-0000000000', '', { mode: 'ephemeral' }),
      op.setData('/q/fenced/queue-0000000000', data, stat.version),
    ]);
    release();
    await eventually(() => expect(fenced).toEqual([expect.stringMatching(/acknowledgement refused/)]));
    await stale.stop();
    expect(await childrenOrNone(admin, '/effects-fenced')).toEqual([]);
    expect(await queue.size()).toBe(1);
  });

  it('aborts the in-flight item when the connection is suspended and processes it again afterwards', async () => {
    const client = await zk.connect();
    await client.create('/effects-suspended', '');
    const queue = new DistributedQueue(client, '/q/suspended', {
      serializer: stringSerializer,
      lockPath: '/q/suspended-claims',
    });
    await queue.put('z');
    let attempts = 0;
    const consumer = queue.consume(
      async (item, { signal }) => {
        attempts++;
        if (attempts === 1) {
          client.dropConnection();
          if (!signal.aborted) await new Promise((resolve) => signal.addEventListener('abort', resolve));
          return [op.create(`/effects-suspended/${item}-first`)];
        }
        return [op.create(`/effects-suspended/${item}-second`)];
      },
      { mode: 'exactly-once', limit: 1 },
    );
    const fenced: string[] = [];
    consumer.on('fenced', ({ reason }) => fenced.push(reason));
    await consumer.done;
    expect(attempts).toBe(2);
    expect(fenced).toEqual([expect.stringMatching(/suspended/)]);
    expect((await client.getChildren('/effects-suspended')).children).toEqual(['z-second']);
  });
});

import { describe, expect, it } from 'vitest';
import { eventually, useZooKeeper } from '../../../test-support/index.ts';
import { DistributedDelayQueue } from './distributed-delay-queue.ts';
import { DistributedIdQueue } from './distributed-id-queue.ts';
import { DistributedPriorityQueue } from './distributed-priority-queue.ts';
import { stringSerializer } from './queue-serializer.ts';

const zk = useZooKeeper('queue-variants');

describe('DistributedPriorityQueue', () => {
  it('names items as Curator does and consumers take the lowest priority first', async () => {
    const client = await zk.connect();
    const queue = new DistributedPriorityQueue(client, '/pq/order', { serializer: stringSerializer });
    await queue.put('five', 5);
    await queue.put('minus-one', -1);
    await queue.put('zero', 0);
    await queue.put('five-again', 5);
    await queue.putMulti(['min-a', 'min-b'], -2147483648);
    expect(await queue.itemNames()).toEqual([
      'queue-0800000000000000004',
      'queue-0FFFFFFFF0000000001',
      'queue-1000000000000000002',
      'queue-1000000050000000000',
      'queue-1000000050000000003',
    ]);
    const seen: string[] = [];
    await queue.consume((item) => void seen.push(item), { limit: 5 }).done;
    expect(seen).toEqual(['min-a', 'min-b', 'minus-one', 'zero', 'five', 'five-again']);
  });

  it('lets an urgent item put while consuming jump ahead', async () => {
    const client = await zk.connect();
    const queue = new DistributedPriorityQueue(client, '/pq/urgent', {
      serializer: stringSerializer,
      lockPath: '/pq/urgent-claims',
    });
    for (let index = 0; index < 5; index++) await queue.put(`slow-${index}`, 10);
    const seen: string[] = [];
    const consumer = queue.consume(async (item) => {
      seen.push(item);
      if (item === 'slow-0') await queue.put('urgent', 1);
    });
    await eventually(() => expect(seen).toHaveLength(6));
    await consumer.stop();
    expect(seen.slice(0, 2)).toEqual(['slow-0', 'urgent']);
  });

  it('refuses priorities that are not 32-bit integers', async () => {
    const queue = new DistributedPriorityQueue(await zk.connect(), '/pq/bad');
    await expect(queue.put(Buffer.from('x'), 2 ** 31)).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(queue.put(Buffer.from('x'), 0.5)).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
  });
});

describe('DistributedDelayQueue', () => {
  it('holds an item back until it is due, and takes due items first', async () => {
    const client = await zk.connect();
    const queue = new DistributedDelayQueue(client, '/dq/basic', { serializer: stringSerializer });
    const dueAt = Date.now() + 700;
    const later = await queue.put('later', dueAt);
    await queue.put('now', 0);
    expect(later.path).toBe(`/dq/basic/queue-|${dueAt.toString(16).toUpperCase()}|0000000000`);
    expect(DistributedDelayQueue.dueTimeOf('queue-|1A213C55D94|0000000000')).toBe(0x1a213c55d94);
    const seen: [string, number][] = [];
    await queue.consume((item) => void seen.push([item, Date.now()]), { limit: 2 }).done;
    expect(seen.map(([item]) => item)).toEqual(['now', 'later']);
    expect(seen[1]![1]).toBeGreaterThanOrEqual(dueAt);
    expect(seen[1]![1] - dueAt).toBeLessThan(3000); // taken when due, not at some later poll
  });

  it('refuses a negative or fractional due time', async () => {
    const queue = new DistributedDelayQueue(await zk.connect(), '/dq/bad');
    await expect(queue.put(Buffer.from('x'), -1)).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(queue.put(Buffer.from('x'), 1.5)).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
  });
});

describe('DistributedIdQueue', () => {
  it('writes ids into names as Curator does, keeps creation order, and removes by id', async () => {
    const client = await zk.connect();
    const queue = new DistributedIdQueue(client, '/iq/basic', { serializer: stringSerializer });
    expect((await queue.put('first', 'my/id|1')).path).toBe('/iq/basic/queue-|my_id_1|0000000000');
    await queue.put('second', 'b');
    await queue.put('third', 'my_id_1');
    await queue.put('fourth', 'a');
    expect(await queue.remove('my/id|1')).toBe(2);
    expect(await queue.remove('nobody')).toBe(0);
    const seen: [string, string][] = [];
    await queue.consume(
      (item, context) => void seen.push([item, DistributedIdQueue.idOf(context.itemName)]),
      {
        limit: 2,
      },
    ).done;
    expect(seen).toEqual([
      ['second', 'b'],
      ['fourth', 'a'],
    ]);
  });

  it('keeps the id when a failed item is requeued (CURATOR-224)', async () => {
    const client = await zk.connect();
    const queue = new DistributedIdQueue(client, '/iq/requeue', {
      serializer: stringSerializer,
      lockPath: '/iq/requeue-claims',
    });
    await queue.put('job', 'job-7');
    let attempts = 0;
    const names: string[] = [];
    await queue.consume(
      (_item, context) => {
        names.push(context.itemName);
        if (++attempts === 1) throw new Error('first attempt fails');
      },
      { limit: 2 },
    ).done;
    expect(names).toEqual(['queue-|job-7|0000000000', 'queue-|job-7|0000000001']);
  });

  it('does not remove an item a consumer has claimed', async () => {
    const client = await zk.connect();
    const queue = new DistributedIdQueue(client, '/iq/claimed', {
      serializer: stringSerializer,
      lockPath: '/iq/claimed-claims',
    });
    await queue.put('busy', 'x');
    let release!: () => void;
    const hold = new Promise<void>((resolve) => (release = resolve));
    let claimed = false;
    const consumer = queue.consume(async () => {
      claimed = true;
      await hold;
    });
    await eventually(() => expect(claimed).toBe(true));
    expect(await queue.remove('x')).toBe(0);
    release();
    await consumer.stop();
  });

  it('refuses an empty id and a path containing |', async () => {
    const client = await zk.connect();
    expect(() => new DistributedIdQueue(client, '/iq/a|b')).toThrow(/may not contain/);
    await expect(new DistributedIdQueue(client, '/iq/ok').put(Buffer.from('x'), '')).rejects.toMatchObject({
      code: 'BAD_ARGUMENT',
    });
  });
});

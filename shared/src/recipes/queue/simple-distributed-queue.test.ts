import { describe, expect, it } from 'vitest';
import { ZooKeeperClient } from '../../client/index.ts';
import { StateRecorder, eventually, useZooKeeper } from '../../../test-support/index.ts';
import { RecipeError } from '../core/errors.ts';
import { SimpleDistributedQueue } from './simple-distributed-queue.ts';

const zk = useZooKeeper('simple-distributed-queue');

describe('SimpleDistributedQueue', () => {
  it('stores raw bytes in qn-<seq> nodes under a container, head first', async () => {
    const client = await zk.connect();
    const queue = new SimpleDistributedQueue(client, '/sq/layout');
    expect(await queue.offer('raw')).toBe('/sq/layout/qn-0000000000');
    await queue.offer(Buffer.from([0, 1, 2]));
    expect((await client.getData('/sq/layout/qn-0000000000')).data.toString()).toBe('raw');
    expect(await queue.itemNames()).toEqual(['qn-0000000000', 'qn-0000000001']);
    expect(await queue.size()).toBe(2);
  });

  it('peek/element read the head, poll/remove take it, as the Java class does', async () => {
    const client = await zk.connect();
    const queue = new SimpleDistributedQueue(client, '/sq/methods');
    expect(await queue.peek()).toBeNull();
    expect(await queue.poll()).toBeNull();
    await expect(queue.element()).rejects.toMatchObject({ code: 'EMPTY' });
    await expect(queue.remove()).rejects.toBeInstanceOf(RecipeError);
    await queue.offer('a');
    await queue.offer('b');
    await client.create('/sq/methods/foreign', 'ignored');
    expect(String(await queue.peek())).toBe('a');
    expect(String(await queue.element())).toBe('a');
    expect(String(await queue.remove())).toBe('a');
    expect(String(await queue.poll())).toBe('b');
    expect(await queue.poll()).toBeNull();
    expect((await client.getChildren('/sq/methods')).children).toEqual(['foreign']);
  });

  it('take waits for an offer; poll and take give up at their timeout', async () => {
    const client = await zk.connect();
    const queue = new SimpleDistributedQueue(client, '/sq/take');
    const waiting = queue.take();
    await new SimpleDistributedQueue(await zk.connect(), '/sq/take').offer('wake up');
    expect(String(await waiting)).toBe('wake up');
    const started = Date.now();
    expect(await queue.poll({ timeoutMs: 200 })).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    await expect(queue.take({ timeoutMs: 100 })).rejects.toMatchObject({ code: 'TIMEOUT' });
    const controller = new AbortController();
    const aborted = queue.take({ signal: controller.signal });
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ code: 'ABORTED' });
    await eventually(() => expect(client.watchCount).toBe(0));
  });

  it('hands each item to exactly one of several concurrent takers', async () => {
    const takers = await Promise.all([1, 2, 3, 4].map(() => zk.connect()));
    const results = Promise.all(
      takers.flatMap((client) =>
        [1, 2, 3, 4, 5].map(() => new SimpleDistributedQueue(client, '/sq/race').take({ timeoutMs: 20_000 })),
      ),
    );
    const producer = new SimpleDistributedQueue(await zk.connect(), '/sq/race');
    for (let index = 0; index < 20; index++) await producer.offer(`item-${index}`);
    const taken = (await results).map(String);
    expect(new Set(taken).size).toBe(20);
  });

  it('a waiting take survives a dropped connection and an expired session', async () => {
    const client = await zk.connect({ sessionTimeoutMs: 4000 });
    const recorder = new StateRecorder(client);
    const queue = new SimpleDistributedQueue(client, '/sq/faults');
    const waiting = queue.take({ timeoutMs: 25_000 });
    await eventually(() => expect(client.watchCount).toBe(1));
    client.dropConnection();
    await recorder.waitFor('reconnected');
    // Expire the session as the servers would: join it from a second connection and close it.
    const intruder = await ZooKeeperClient.connect(zk.connectString, {
      session: { sessionId: client.sessionId, password: client.sessionPassword },
      renewSessionOnExpiry: false,
      logger: {},
    });
    await intruder.close();
    await recorder.waitFor('lost');
    await recorder.waitFor('connected', { count: 1 });
    await eventually(() => expect(client.watchCount).toBe(1));
    await new SimpleDistributedQueue(await zk.connect(), '/sq/faults').offer('after the faults');
    expect(String(await waiting)).toBe('after the faults');
    recorder.stop();
  });

  it('refuses an oversize item and a bad path before sending', async () => {
    const client = await zk.connect();
    expect(() => new SimpleDistributedQueue(client, 'nope')).toThrow(/invalid path/);
    const queue = new SimpleDistributedQueue(client, '/sq/big');
    await expect(queue.offer(Buffer.alloc(1_048_576))).rejects.toMatchObject({
      code: 'BAD_ARGUMENT',
      message: expect.stringMatching(/item too large/),
    });
    expect(await client.exists('/sq/big')).toBeNull();
  });
});

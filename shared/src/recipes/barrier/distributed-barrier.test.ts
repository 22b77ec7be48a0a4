import { describe, expect, it } from 'vitest';
import type { ZooKeeperClient } from '../../client/index.ts';
import { expireSession } from '../../ensemble/index.ts';
import { StateRecorder, eventually, useZooKeeper } from '../../../test-support/index.ts';
import { localAddress } from '../core/local-address.ts';
import { DistributedBarrier } from './distributed-barrier.ts';

const zk = useZooKeeper('barrier');

async function expire(client: ZooKeeperClient): Promise<void> {
  const others = zk.ensembleConnectString.split(',').filter((server) => server !== client.connectedServer);
  await expireSession(others.join(','), {
    sessionId: client.sessionId,
    sessionPassword: client.sessionPassword,
  });
}

describe('DistributedBarrier', () => {
  it('is up while its node exists: a persistent node with the host address, parents as containers', async () => {
    const client = await zk.connect();
    const barrier = new DistributedBarrier(client, '/barriers/deploy/freeze');
    expect(await barrier.isSet()).toBe(false);
    await barrier.setBarrier();
    await barrier.setBarrier();
    expect(await barrier.isSet()).toBe(true);
    const { data, stat } = await client.getData('/barriers/deploy/freeze');
    expect(data.toString()).toBe(localAddress());
    expect(stat.ephemeralOwner).toBe(0n);
    await barrier.removeBarrier();
    await barrier.removeBarrier();
    expect(await barrier.isSet()).toBe(false);
  });

  it('holds every waiter until the barrier is removed, then releases them all', async () => {
    const setter = new DistributedBarrier(await zk.connect(), '/barriers/hold');
    await setter.setBarrier();
    const waiters = await Promise.all([1, 2, 3].map(() => zk.connect()));
    const released: number[] = [];
    const waiting = waiters.map((client, index) =>
      new DistributedBarrier(client, '/barriers/hold').waitOnBarrier().then(() => released.push(index)),
    );
    await eventually(() => expect(waiters.every((client) => client.watchCount === 1)).toBe(true));
    expect(released).toEqual([]);
    await setter.removeBarrier();
    await Promise.all(waiting);
    expect(released.sort()).toEqual([0, 1, 2]);
    // A barrier that is not up does not hold anyone.
    await new DistributedBarrier(waiters[0]!, '/barriers/hold').waitOnBarrier({ timeoutMs: 0 });
  });

  it('times out or is aborted with a RecipeError, leaving no watch behind', async () => {
    const client = await zk.connect();
    const barrier = new DistributedBarrier(client, '/barriers/timeout');
    await barrier.setBarrier();
    const started = Date.now();
    await expect(barrier.waitOnBarrier({ timeoutMs: 200 })).rejects.toMatchObject({
      code: 'TIMEOUT',
      path: '/barriers/timeout',
    });
    expect(Date.now() - started).toBeLessThan(2000);
    await expect(barrier.waitOnBarrier({ timeoutMs: 0 })).rejects.toMatchObject({ code: 'TIMEOUT' });
    const controller = new AbortController();
    const pending = barrier.waitOnBarrier({ signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
    expect(client.watchCount).toBe(0);
  });

  it('a waiter whose session expires keeps waiting and sees a removal made while it was gone', async () => {
    const setter = new DistributedBarrier(await zk.connect(), '/barriers/expiry');
    await setter.setBarrier();
    const client = await zk.connect({ sessionTimeoutMs: 4000 });
    const states = new StateRecorder(client);
    let released = false;
    const waiting = new DistributedBarrier(client, '/barriers/expiry').waitOnBarrier().then(() => {
      released = true;
    });
    waiting.catch(() => {}); // reported by the await below; never left unhandled if an assertion fails first
    await eventually(() => expect(client.watchCount).toBe(1));
    await expire(client);
    await states.waitFor('lost');
    expect(released).toBe(false);
    await setter.removeBarrier();
    await states.waitFor('connected');
    await waiting;
    expect(released).toBe(true);
  });

  it('rejects bad input clearly', async () => {
    const client = await zk.connect();
    expect(() => new DistributedBarrier(client, 'relative')).toThrow(/invalid path/);
    expect(() => new DistributedBarrier(client, '/trailing/')).toThrow(/invalid path/);
    await expect(
      new DistributedBarrier(client, '/barriers/bad').waitOnBarrier({ timeoutMs: -1 }),
    ).rejects.toMatchObject({
      code: 'BAD_ARGUMENT',
    });
  });
});

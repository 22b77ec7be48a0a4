import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  childrenOrNone,
  eventually,
  startCuratorPeer,
  useZooKeeper,
  type JsonLinePeer,
} from '../../../test-support/index.ts';
import { DistributedBarrier } from './distributed-barrier.ts';
import { DistributedDoubleBarrier, READY_NODE } from './double-barrier.ts';

/** Our barriers and Curator 5.4.0's on the same paths of the same ensemble. */
const zk = useZooKeeper('barrier-interop');
let curator: JsonLinePeer;

beforeAll(async () => {
  curator = await startCuratorPeer();
  for (const name of ['j1', 'j2'])
    await curator.call('client.open', { client: name, connect: zk.connectString });
}, 120_000);

afterAll(async () => {
  await curator?.close();
});

describe('DistributedDoubleBarrier with Curator DistributedDoubleBarrier', () => {
  it('two TypeScript and two Curator members enter together and leave together', async () => {
    const path = '/interop/double';
    const clients = await Promise.all([1, 2].map(() => zk.connect()));
    const ours = clients.map((client) => new DistributedDoubleBarrier(client, path, 4));
    for (const name of ['j1', 'j2']) {
      await curator.call('barrier.double.create', { client: name, name, path, memberQty: 4 });
    }
    const entered: string[] = [];
    const ourEnters = ours.map((barrier, index) => barrier.enter().then(() => entered.push(`ts${index}`)));
    const javaEnter = curator
      .call('barrier.double.enter', { name: 'j1' }, { actor: 'j1', timeoutMs: 30_000 })
      .then(() => entered.push('j1'));
    // Three of four are in: nobody passes.
    await eventually(async () => expect((await clients[0]!.getChildren(path)).children).toHaveLength(3));
    await eventually(() => expect(clients.map((client) => client.watchCount)).toEqual([1, 1]));
    expect(entered).toEqual([]);
    expect(await clients[0]!.exists(`${path}/${READY_NODE}`)).toBeNull();
    // The fourth (Curator) member arrives: everyone passes.
    const lastEnter = curator
      .call('barrier.double.enter', { name: 'j2' }, { actor: 'j2', timeoutMs: 30_000 })
      .then(() => entered.push('j2'));
    await Promise.all([...ourEnters, javaEnter, lastEnter]);
    expect(entered.sort()).toEqual(['j1', 'j2', 'ts0', 'ts1']);

    // Leaving: the TypeScript members and one Curator member wait for the last Curator member.
    const left: string[] = [];
    const leaving = [
      ...ours.map((barrier, index) =>
        barrier.leave({ timeoutMs: 30_000 }).then(() => left.push(`ts${index}`)),
      ),
      curator
        .call('barrier.double.leave', { name: 'j1' }, { actor: 'j1', timeoutMs: 30_000 })
        .then(() => left.push('j1')),
    ];
    await eventually(async () => {
      const { children } = await clients[0]!.getChildren(path);
      // Only the lowest of the leavers and the Curator member still inside keep a node.
      expect(children.filter((child) => child !== READY_NODE).length).toBeLessThanOrEqual(2);
    });
    expect(left).toEqual([]);
    await curator.call('barrier.double.leave', { name: 'j2' }, { actor: 'j2', timeoutMs: 30_000 });
    await Promise.all(leaving);
    expect(left.sort()).toEqual(['j1', 'ts0', 'ts1']);
    await clients[0]!.sync(path); // Curator's j2 left last, through its own connection
    expect(await childrenOrNone(clients[0]!, path)).toEqual([]);
  });
});

describe('DistributedBarrier with Curator DistributedBarrier', () => {
  it('a Curator barrier holds our waiter, and our barrier holds Curator’s', async () => {
    const path = '/interop/single';
    const client = await zk.connect();
    const ours = new DistributedBarrier(client, path);
    await curator.call('barrier.single.create', { client: 'j1', name: 's1', path });
    await curator.call('barrier.single.set', { name: 's1' });
    await client.sync(path); // Curator set it through its own connection
    let released = false;
    const waiting = ours.waitOnBarrier({ timeoutMs: 20_000 }).then(() => (released = true));
    await eventually(() => expect(client.watchCount).toBe(1));
    expect(released).toBe(false);
    await curator.call('barrier.single.remove', { name: 's1' });
    await waiting;

    await ours.setBarrier();
    // Curator's connection may be on a server that has not applied our set yet: a stale "no barrier"
    // lets it through at once. Asked again, it must be held.
    await eventually(async () =>
      expect(await curator.call('barrier.single.wait', { name: 's1', timeoutMs: 200 }, { actor: 's1' })).toBe(
        false,
      ),
    );
    const curatorWaits = curator.call(
      'barrier.single.wait',
      { name: 's1', timeoutMs: 20_000 },
      { actor: 's1' },
    );
    await ours.removeBarrier();
    expect(await curatorWaits).toBe(true);
  });
});

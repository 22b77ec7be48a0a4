import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ZooKeeperClient } from '../../client/index.ts';
import {
  eventually,
  startCuratorPeer,
  useZooKeeper,
  type JsonLinePeer,
} from '../../../test-support/index.ts';
import { LeaderLatch, type LeaderParticipant } from './leader-latch.ts';

/**
 * Wire compatibility with Apache Curator 5.4.0's LeaderLatch (a JVM): TypeScript and Curator
 * latches on one path elect exactly one leader between them, hand leadership over in both
 * directions, and read the same participants.
 */
const zk = useZooKeeper('leader-latch-interop');
let curator: JsonLinePeer;

beforeAll(async () => {
  curator = await startCuratorPeer();
  for (const client of ['c1', 'c2', 'c3']) {
    await curator.call('client.open', { client, connect: zk.connectString });
  }
}, 60_000);

afterAll(async () => {
  await curator?.close();
});

type Seen = Pick<LeaderParticipant, 'id' | 'isLeader'>;

const curatorLatch = {
  async start(name: string, client: string, path: string, id: string): Promise<void> {
    await curator.call('leader.latchCreate', { client, name, path, id });
    await curator.call('leader.latchStart', { name });
  },
  hasLeadership: (name: string) => curator.call<boolean>('leader.latchHasLeadership', { name }),
  participants: (name: string) => curator.call<Seen[]>('leader.latchParticipants', { name }),
  close: (name: string) =>
    curator.call<{ closingAt: number; closedAt: number }>('leader.latchClose', { name }, { actor: name }),
  becameLeader: (name: string) =>
    curator.waitForEvent('leader', (data) => data.name === name && data.isLeader === true, 15_000),
};

async function ourView(client: ZooKeeperClient, path: string): Promise<Seen[]> {
  const participants = await new LeaderLatch(client, path).participants();
  return participants.map(({ id, isLeader }) => ({ id, isLeader }));
}

describe('LeaderLatch and Curator LeaderLatch on one path', () => {
  it('elect exactly one leader, hand over in both directions, and agree on the participants', async () => {
    const path = '/interop/latch';
    const client = await zk.connect();
    const ours = new LeaderLatch(client, path, { id: 'ts-1' });
    await ours.start();
    const first = await ours.waitForLeadership({ timeoutMs: 5000 });
    expect(first.path).toMatch(/\/_c_[0-9a-f-]{36}-latch-\d{10}$/);

    // Curator creates the latch node in the background after start(): queue one after the other.
    await curatorLatch.start('cur-1', 'c1', path, 'cur-1');
    await eventually(async () => expect(await ourView(client, path)).toHaveLength(2));
    await curatorLatch.start('cur-2', 'c2', path, 'cur-2');
    await eventually(async () => expect(await ourView(client, path)).toHaveLength(3));
    const expected = [
      { id: 'ts-1', isLeader: true },
      { id: 'cur-1', isLeader: false },
      { id: 'cur-2', isLeader: false },
    ];
    expect(await ourView(client, path)).toEqual(expected);
    // Each side reads through its own server, which may lag a moment behind the latest create.
    await eventually(async () => expect(await curatorLatch.participants('cur-1')).toEqual(expected));
    expect(await curatorLatch.hasLeadership('cur-1')).toBe(false);
    expect(
      await curator.call('leader.latchAwait', { name: 'cur-1', timeoutMs: 300 }, { actor: 'cur-1' }),
    ).toBe(false);

    // TypeScript → Curator.
    const curatorLeads = curatorLatch.becameLeader('cur-1');
    const closingAt = Date.now();
    await ours.close();
    const handedOver = await curatorLeads;
    console.info(`latch hand-over TypeScript → Curator: ${Number(handedOver.at) - closingAt} ms`);
    expect(await curatorLatch.hasLeadership('cur-1')).toBe(true);
    expect(await curatorLatch.hasLeadership('cur-2')).toBe(false);

    // A new TypeScript participant queues behind the Curator ones.
    const second = new LeaderLatch(await zk.connect(), path, { id: 'ts-2' });
    await second.start();
    const secondClient = await zk.connect();
    await eventually(async () =>
      expect(await ourView(secondClient, path)).toEqual([
        { id: 'cur-1', isLeader: true },
        { id: 'cur-2', isLeader: false },
        { id: 'ts-2', isLeader: false },
      ]),
    );
    expect(second.hasLeadership).toBe(false);
    await eventually(async () =>
      expect(await curatorLatch.participants('cur-2')).toEqual(await ourView(secondClient, path)),
    );

    const nextCuratorLeads = curatorLatch.becameLeader('cur-2');
    await curatorLatch.close('cur-1');
    await nextCuratorLeads;
    expect(second.hasLeadership).toBe(false);

    // Curator → TypeScript.
    const { closingAt: curatorClosingAt } = await curatorLatch.close('cur-2');
    const lease = await second.waitForLeadership({ timeoutMs: 5000 });
    console.info(`latch hand-over Curator → TypeScript: ${Date.now() - curatorClosingAt} ms (upper bound)`);
    expect(lease.fencingToken).toBeGreaterThan(first.fencingToken);
    await secondClient.sync(path); // Curator's nodes were deleted through its own connection
    expect(await ourView(secondClient, path)).toEqual([{ id: 'ts-2', isLeader: true }]);
    await second.close();
  });

  it('Curator reads a TypeScript latch without id as empty data, and the reverse', async () => {
    const path = '/interop/latch-anonymous';
    const client = await zk.connect();
    const ours = new LeaderLatch(client, path);
    await ours.start();
    await curatorLatch.start('anon', 'c3', path, '');
    await eventually(async () => expect(await ourView(client, path)).toHaveLength(2));
    const expected = [
      { id: '', isLeader: true },
      { id: '', isLeader: false },
    ];
    await eventually(async () => expect(await curatorLatch.participants('anon')).toEqual(expected));
    expect(await ourView(client, path)).toEqual(expected);
    // Curator's node carries the same name pattern and empty data.
    const curatorPath = await curator.call<string>('leader.latchOurPath', { name: 'anon' });
    expect(curatorPath).toMatch(/\/_c_[0-9a-f-]{36}-latch-\d{10}$/);
    expect((await client.getData(curatorPath)).data).toHaveLength(0);
    const curatorLeads = curatorLatch.becameLeader('anon');
    await ours.close();
    await curatorLeads;
    await curatorLatch.close('anon');
  });

  it('keep exactly one leader through rounds of closing the leader and rejoining (2 TypeScript + 2 Curator)', async () => {
    const path = '/interop/latch-rounds';
    const observer = await zk.connect();
    const ours = new Map<string, LeaderLatch>();
    let generation = 0;
    const join = async (side: 'ts' | 'cur', slot: number): Promise<string> => {
      const name = `${side}${slot}-g${generation++}`;
      if (side === 'ts') {
        const latch = new LeaderLatch(await zk.connect(), path, { id: name });
        await latch.start();
        ours.set(name, latch);
      } else {
        await curatorLatch.start(name, `c${slot}`, path, name);
      }
      return name;
    };
    const members = [await join('ts', 1), await join('cur', 1), await join('ts', 2), await join('cur', 2)];
    for (let round = 0; round < 6; round++) {
      const leaderId = await eventually(async () => {
        const [leader] = await ourView(observer, path);
        const holders: string[] = [];
        for (const name of members) {
          const leads = name.startsWith('ts')
            ? ours.get(name)!.hasLeadership
            : await curatorLatch.hasLeadership(name);
          if (leads) holders.push(name);
        }
        expect(holders).toEqual([leader!.id]);
        return leader!.id;
      });
      members.splice(members.indexOf(leaderId), 1);
      if (leaderId.startsWith('ts')) {
        await ours.get(leaderId)!.close();
        ours.delete(leaderId);
      } else {
        await curatorLatch.close(leaderId);
      }
      const slot = Number(leaderId[leaderId.startsWith('ts') ? 2 : 3]);
      members.push(await join(leaderId.startsWith('ts') ? 'ts' : 'cur', slot));
    }
    for (const name of members) {
      if (name.startsWith('ts')) await ours.get(name)!.close();
      else await curatorLatch.close(name);
    }
  });
});

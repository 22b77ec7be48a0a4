import { describe, expect, it } from 'vitest';
import type { ZooKeeperClient } from '../../client/index.ts';
import { expireSession } from '../../ensemble/index.ts';
import { StateRecorder, eventually, useZooKeeper } from '../../../test-support/index.ts';
import { localAddress } from '../core/local-address.ts';
import { GroupMember } from './group-member.ts';
import { GroupMembersView } from './group-members-view.ts';

const zk = useZooKeeper('group-member');

async function expire(client: ZooKeeperClient): Promise<void> {
  const others = zk.ensembleConnectString.split(',').filter((server) => server !== client.connectedServer);
  await expireSession(others.join(','), {
    sessionId: client.sessionId,
    sessionPassword: client.sessionPassword,
  });
}

function asText(members: Map<string, Buffer>): Record<string, string> {
  return Object.fromEntries([...members].map(([id, data]) => [id, data.toString()]));
}

describe('GroupMember', () => {
  it('members see each other: Curator’s layout, payloads, our own entry included', async () => {
    const clients = await Promise.all([1, 2].map(() => zk.connect()));
    const a = new GroupMember(clients[0]!, '/groups/basic', 'member-a', 'payload-a');
    const b = new GroupMember(clients[1]!, '/groups/basic', 'member-b');
    await a.start();
    await b.start();
    await eventually(() =>
      expect(asText(a.currentMembers)).toEqual({ 'member-a': 'payload-a', 'member-b': localAddress() }),
    );
    expect(asText(b.currentMembers)).toEqual({ 'member-a': 'payload-a', 'member-b': localAddress() });
    const { stat } = await clients[0]!.getData('/groups/basic/member-a');
    expect(stat.ephemeralOwner).toBe(clients[0]!.sessionId);
    expect(a.isMember).toBe(true);
    await Promise.all([a.close(), b.close()]);
  });

  it('reports joins, payload changes and departures', async () => {
    const observer = new GroupMember(await zk.connect(), '/groups/events', 'observer', 'o');
    const events: string[] = [];
    observer.on('memberJoined', (id, data) => events.push(`joined ${id} ${data.toString()}`));
    observer.on('memberChanged', (id, data) => events.push(`changed ${id} ${data.toString()}`));
    observer.on('memberLeft', (id) => events.push(`left ${id}`));
    await observer.start();
    const other = new GroupMember(await zk.connect(), '/groups/events', 'worker', 'v1');
    await other.start();
    await eventually(() => expect(events).toContain('joined worker v1'));
    await other.setPayload('v2');
    await eventually(() => expect(events).toContain('changed worker v2'));
    await other.close();
    await eventually(() => expect(events).toContain('left worker'));
    expect(events).toEqual(['joined observer o', 'joined worker v1', 'changed worker v2', 'left worker']);
    expect([...observer.currentMembers.keys()]).toEqual(['observer']);
    await observer.close();
  });

  it('after a real session expiry the member is gone, then re-joins on the new session by itself', async () => {
    const observer = new GroupMember(await zk.connect(), '/groups/expiry', 'observer');
    const seen: string[] = [];
    observer.on('memberJoined', (id) => seen.push(`joined ${id}`));
    observer.on('memberLeft', (id) => seen.push(`left ${id}`));
    await observer.start();
    const client = await zk.connect({ sessionTimeoutMs: 4000 });
    const states = new StateRecorder(client);
    const member = new GroupMember(client, '/groups/expiry', 'fragile', 'still-me');
    const own: string[] = [];
    member.on('joined', (path) => own.push(`joined ${path}`));
    member.on('membershipLost', (path) => own.push(`lost ${path}`));
    await member.start();
    await eventually(() => expect(seen).toContain('joined fragile'));
    await expire(client);
    await states.waitFor('lost');
    await eventually(() =>
      expect(seen).toEqual(['joined observer', 'joined fragile', 'left fragile', 'joined fragile']),
    );
    expect(asText(observer.currentMembers)).toMatchObject({ fragile: 'still-me' });
    expect(own).toEqual([
      'joined /groups/expiry/fragile',
      'lost /groups/expiry/fragile',
      'joined /groups/expiry/fragile',
    ]);
    const { stat } = await client.getData('/groups/expiry/fragile');
    expect(stat.ephemeralOwner).toBe(client.sessionId);
    await Promise.all([member.close(), observer.close()]);
  });

  it('a view of a group that does not exist yet is empty until members come', async () => {
    const client = await zk.connect();
    const view = new GroupMembersView(client, '/groups/later');
    await view.start({ timeoutMs: 5000 });
    expect(view.members.size).toBe(0);
    const member = new GroupMember(await zk.connect(), '/groups/later', 'first');
    await member.start();
    await eventually(() => expect([...view.members.keys()]).toEqual(['first']));
    await member.close();
    await eventually(() => expect(view.members.size).toBe(0));
    await view.close();
    expect(client.watchCount).toBe(0);
  });

  it('rejects bad input clearly', async () => {
    const client = await zk.connect();
    for (const id of ['', 'a/b', '..', 'x\u0000']) {
      expect(() => new GroupMember(client, '/groups/bad', id)).toThrow(/memberId|invalid path/);
    }
    expect(() => new GroupMember(client, 'groups', 'a')).toThrow(/invalid path/);
    expect(() => new GroupMembersView(client, '')).toThrow(/invalid path/);
  });
});

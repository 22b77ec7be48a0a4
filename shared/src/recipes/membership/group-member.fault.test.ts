import { afterAll, describe, expect, it } from 'vitest';
import { ZooKeeperClient } from '../../client/index.ts';
import {
  childrenOrNone,
  eventually,
  startNodePeer,
  useDedicatedEnsemble,
  type JsonLinePeer,
} from '../../../test-support/index.ts';

/**
 * Group membership heals itself — three members in three processes, while the leader is killed, a
 * member's server is paused (SIGSTOP) for longer than the session timeout, and a member's session is
 * expired. After each fault every member is back in the group, its node owned by its *current*
 * session and holding its payload, and every member's view lists all three.
 *
 * Member 1 may only talk to server 1, so pausing that server costs it its session (it cannot move
 * to another server): its node is removed by the ensemble, and comes back once the server resumes.
 */
const dedicated = useDedicatedEnsemble({ servers: 3, tickTimeMs: 200 });
const peers: JsonLinePeer[] = [];
afterAll(async () => {
  await Promise.all(peers.map((peer) => peer.close()));
});

const GROUP = '/groups/safety';
const IDS = ['member-1', 'member-2', 'member-3'];

describe('GroupMember safety', () => {
  it('every member is back, on its current session, after a leader kill, a paused server and an expiry', async () => {
    const ensemble = dedicated.ensemble;
    const admin = await ZooKeeperClient.connect(ensemble.connectString, {
      logger: {},
      sessionTimeoutMs: 4000,
      requestTimeoutMs: 2000,
    });
    const started = await Promise.all(IDS.map((id) => startNodePeer(id)));
    peers.push(...started);
    const events: string[] = [];
    for (const [index, peer] of peers.entries()) {
      peer.on('event', (event) => {
        if (event.event === 'membership') events.push(`${IDS[index]} ${String(event.data.event)}`);
      });
      await peer.call('client.open', {
        client: 'c',
        connect: index === 0 ? ensemble.connectStringOf([1]) : ensemble.connectString,
        sessionTimeoutMs: 4000,
      });
      await peer.call('membership.join', {
        client: 'c',
        name: 'm',
        path: GROUP,
        id: IDS[index],
        payload: `payload-${index + 1}`,
      });
    }
    const sessionOf = (peer: JsonLinePeer) =>
      peer.call<{ sessionId: string; password: string; server: string }>('client.session', { client: 'c' });

    /** The invariant: all three present, each owned by its member's current session, views complete. */
    const allPresent = async (): Promise<void> => {
      await eventually(
        async () => {
          const { children } = await admin.getChildren(GROUP);
          expect(children.sort()).toEqual(IDS);
          for (const [index, peer] of peers.entries()) {
            const { data, stat } = await admin.getData(`${GROUP}/${IDS[index]}`);
            expect(data.toString()).toBe(`payload-${index + 1}`);
            expect(stat.ephemeralOwner).toBe(BigInt(`0x${(await sessionOf(peer)).sessionId}`));
            expect(
              Object.keys(
                await peer.call<Record<string, string>>('membership.members', { name: 'm' }),
              ).sort(),
            ).toEqual(IDS);
          }
        },
        { timeoutMs: 30_000, intervalMs: 100 },
      );
    };

    await allPresent();
    // 1. The leader dies; the survivors elect a new one; the old one comes back as a follower.
    const leader = await ensemble.waitForQuorum();
    await ensemble.kill(leader.id);
    await ensemble.waitForQuorum();
    await ensemble.restart(leader.id);
    await allPresent();

    // 2. Member 1's only server hangs for longer than the session timeout: the ensemble expires the
    //    session and removes the node; member 1 re-joins on a new session once the server is back.
    const joinedBefore = events.filter((event) => event === 'member-1 joined').length;
    const lost = peers[0]!.waitForEvent('connectionState', (data) => data.state === 'lost', 20_000);
    await ensemble.pause(1);
    await lost;
    await eventually(async () => expect(await admin.exists(`${GROUP}/member-1`)).toBeNull(), {
      timeoutMs: 20_000,
    });
    await ensemble.resume(1);
    await ensemble.waitForQuorum();
    await allPresent();
    expect(events.filter((event) => event === 'member-1 joined')).toHaveLength(joinedBefore + 1);

    // 3. Member 2's session is expired: its node goes, and comes back on the new session by itself.
    const victim = await sessionOf(peers[1]!);
    await ensemble.expireSession({
      sessionId: BigInt(`0x${victim.sessionId}`),
      sessionPassword: Buffer.from(victim.password, 'base64'),
      connectedServer: victim.server,
    });
    await eventually(() => expect(events.filter((event) => event === 'member-2 joined')).toHaveLength(2), {
      timeoutMs: 20_000,
    });
    expect(events).toContain('member-2 membershipLost');
    await allPresent();
    expect((await sessionOf(peers[1]!)).sessionId).not.toBe(victim.sessionId);

    await Promise.all(peers.map((peer) => peer.call('membership.leave', { name: 'm' })));
    await eventually(async () => expect(await childrenOrNone(admin, GROUP)).toEqual([]));
    await admin.close();
    console.info(`membership safety: events ${JSON.stringify(events)}`);
  });
});

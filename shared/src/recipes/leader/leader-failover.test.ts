import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startNodePeer, useZooKeeper, type JsonLinePeer } from '../../../test-support/index.ts';

/**
 * How long an election goes without a leader: from the leader closing gracefully, and from its
 * process being killed (SIGKILL), until the next participant — in another process — starts acting
 * as leader. Participants run in Node peer processes (shared/interop/node/commands-leader.ts), whose
 * timestamped events the benchmark reuses to compare with Curator (LeaderCommands.java).
 *
 * A graceful close deletes the leader's node at once, so the successor hears of it within a round
 * trip or two. A killed leader's node stays until the servers expire its session, so that failover
 * takes about one session timeout.
 */
const zk = useZooKeeper('leader-failover');
const SESSION_TIMEOUT_MS = 2000;
const peers: JsonLinePeer[] = [];
/** two long-lived participant processes, and one per recipe to be killed */
let sides: JsonLinePeer[] = [];
const doomed = new Map<string, JsonLinePeer>();

beforeAll(async () => {
  const started = await Promise.all(
    ['side-a', 'side-b', 'latch-doomed', 'selector-doomed'].map(async (name) => {
      const peer = await startNodePeer(name);
      peers.push(peer);
      await peer.call('client.open', { connect: zk.connectString, sessionTimeoutMs: SESSION_TIMEOUT_MS });
      return peer;
    }),
  );
  sides = started.slice(0, 2);
  doomed.set('latch', started[2]!);
  doomed.set('selector', started[3]!);
}, 60_000);

afterAll(async () => {
  await Promise.all(peers.map((peer) => peer.close()));
});

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** The commands that make a participant of each recipe join, and the event that says it leads. */
const recipes = {
  latch: {
    async join(peer: JsonLinePeer, name: string, path: string): Promise<void> {
      await peer.call('leader.latchCreate', { name, path, id: name });
      await peer.call('leader.latchStart', { name });
    },
    leads: (peer: JsonLinePeer, name: string) =>
      peer.waitForEvent('leader', (data) => data.name === name && data.isLeader === true, 20_000),
    close: (peer: JsonLinePeer, name: string) =>
      peer.call<{ closingAt: number }>('leader.latchClose', { name }),
    participants: (peer: JsonLinePeer, name: string) =>
      peer.call<unknown[]>('leader.latchParticipants', { name }),
  },
  selector: {
    async join(peer: JsonLinePeer, name: string, path: string): Promise<void> {
      await peer.call('leader.selectorCreate', { name, path, id: name, holdMs: -1 });
      await peer.call('leader.selectorStart', { name });
    },
    leads: (peer: JsonLinePeer, name: string) =>
      peer.waitForEvent('selector', (data) => data.name === name && data.phase === 'start', 20_000),
    close: (peer: JsonLinePeer, name: string) =>
      peer.call<{ closingAt: number }>('leader.selectorClose', { name }),
    participants: (peer: JsonLinePeer, name: string) =>
      peer.call<unknown[]>('leader.selectorParticipants', { name }),
  },
};

describe.each(['latch', 'selector'] as const)('Leader failover (%s)', (kind) => {
  const recipe = recipes[kind];

  it('after a graceful close, the next participant leads within milliseconds', async () => {
    const path = `/failover/${kind}-graceful`;
    let leaderSide = 0;
    let leaderName = `${kind}-a0`;
    const firstLeads = recipe.leads(sides[0]!, leaderName);
    await recipe.join(sides[0]!, leaderName, path);
    await firstLeads;
    let standbyName = `${kind}-b0`;
    await recipe.join(sides[1]!, standbyName, path);
    const samples: number[] = [];
    for (let round = 1; round <= 6; round++) {
      const standbySide = 1 - leaderSide;
      await eventually(async () =>
        expect(await recipe.participants(sides[standbySide]!, standbyName)).toHaveLength(2),
      );
      const nextLeads = recipe.leads(sides[standbySide]!, standbyName);
      const { closingAt } = await recipe.close(sides[leaderSide]!, leaderName);
      const { at } = await nextLeads;
      samples.push(Number(at) - closingAt);
      // The old leader rejoins at the back of the line.
      const rejoining = `${kind}-${'ab'[leaderSide]}${round}`;
      await recipe.join(sides[leaderSide]!, rejoining, path);
      [leaderSide, leaderName, standbyName] = [standbySide, standbyName, rejoining];
    }
    console.info(
      `${kind} failover after a graceful close: median ${median(samples)} ms, samples ${samples.join(', ')} ms`,
    );
    expect(median(samples)).toBeLessThan(500);
  });

  it('after the leader process is killed, the next participant leads once the session expires', async () => {
    const path = `/failover/${kind}-killed`;
    const leader = doomed.get(kind)!;
    const standby = sides[0]!;
    const doomedLeads = recipe.leads(leader, 'doomed');
    await recipe.join(leader, 'doomed', path);
    await doomedLeads;
    await recipe.join(standby, 'standby', path);
    await eventually(async () => expect(await recipe.participants(standby, 'standby')).toHaveLength(2));
    const standbyLeads = recipe.leads(standby, 'standby');
    const killedAt = Date.now();
    leader.kill();
    const { at } = await standbyLeads;
    const failoverMs = Number(at) - killedAt;
    console.info(
      `${kind} failover after SIGKILL of the leader: ${failoverMs} ms (session timeout ${SESSION_TIMEOUT_MS} ms)`,
    );
    // The node lives as long as the session: never before about a session timeout, and soon after.
    expect(failoverMs).toBeGreaterThanOrEqual(SESSION_TIMEOUT_MS * 0.6);
    expect(failoverMs).toBeLessThan(SESSION_TIMEOUT_MS + 5000);
  });
});

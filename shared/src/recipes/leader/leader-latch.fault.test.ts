import { afterAll, describe, expect, it } from 'vitest';
import { ZooKeeperClient } from '../../client/index.ts';
import {
  eventually,
  startNodePeer,
  useDedicatedEnsemble,
  type JsonLinePeer,
} from '../../../test-support/index.ts';
import { LeaderLatch } from './leader-latch.ts';

/**
 * One leader at a time, under faults: six latch participants in three processes (two sessions
 * each) on a real ensemble, while the server of the elected leader is paused (SIGSTOP) past the
 * session timeout, the elected leader's session is expired, and the ZooKeeper leader is killed.
 *
 * Whoever leads writes a guarded resource (shared/interop/node/guarded-resource.ts) with its
 * fencing token — a versioned write that the resource refuses once a newer token was seen — and
 * steps down after a few writes, so that leadership keeps moving. A term's span is the range of its
 * accepted writes in ZooKeeper's total order (their zxids). "One leader at a time acts" means: no
 * write was refused or lost a version race, and the spans of different tokens never interleave, in
 * token order. After every fault, new terms begin (liveness).
 */
const dedicated = useDedicatedEnsemble({ servers: 3, tickTimeMs: 200 });
const peers: JsonLinePeer[] = [];
afterAll(async () => {
  await Promise.all(peers.map((peer) => peer.close()));
});

interface Term {
  holder: string;
  token: string;
  zxids: string[];
  outcomes: string[];
  endReason: string;
  failure?: string;
  startedAt: number;
  endedAt: number;
}

describe('LeaderLatch safety', () => {
  it('one leader acts at a time while the ZooKeeper leader dies, the leader’s server pauses and its session expires', async () => {
    const ensemble = dedicated.ensemble;
    const admin = await ZooKeeperClient.connect(ensemble.connectString, { logger: {} });
    const latchPath = '/safety/latch';
    const resourcePath = '/safety/resource';
    await admin.create('/safety');
    await admin.create(resourcePath, JSON.stringify({ token: '0', writes: 0 }));

    const terms: Term[] = [];
    const participants = new Map<string, { peer: JsonLinePeer; client: string }>();
    const processes = await Promise.all([1, 2, 3].map((p) => startNodePeer(`node-${p}`)));
    peers.push(...processes);
    for (const [index, peer] of processes.entries()) {
      peer.on('event', (event) => {
        if (event.event === 'term') terms.push(event.data as unknown as Term);
      });
      for (const c of [1, 2]) {
        const client = `c${c}`;
        await peer.call('client.open', { client, connect: ensemble.connectString, sessionTimeoutMs: 4000 });
        participants.set(`p${index + 1}-${client}`, { peer, client });
      }
    }
    const loops = [...participants].map(([holder, { peer, client }]) =>
      peer.call<number>(
        'leader.latchLeadLoop',
        {
          client,
          holder,
          path: latchPath,
          resourcePath,
          durationMs: 60_000,
          writesPerTerm: 6,
          writeIntervalMs: 25,
        },
        { actor: client, timeoutMs: 90_000 },
      ),
    );
    const currentLeader = async (): Promise<{ holder: string; peer: JsonLinePeer; client: string }> => {
      const leader = await new LeaderLatch(admin, latchPath).leader();
      const participant = leader ? participants.get(leader.id) : undefined;
      if (!participant) throw new Error(`no leader right now (${leader?.id ?? 'none'})`);
      return { holder: leader!.id, ...participant };
    };
    const session = (peer: JsonLinePeer, client: string) =>
      peer.call<{ sessionId: string; password: string; server: string }>('client.session', { client });
    /** Waits for `more` terms that began after `since` (ms): leadership moves on. */
    const newTerms = async (more: number, since = Date.now()): Promise<Term[]> =>
      eventually(
        () => {
          const later = terms.filter((term) => term.startedAt >= since && term.zxids.length > 0);
          expect(later.length).toBeGreaterThanOrEqual(more);
          return later;
        },
        { timeoutMs: 25_000 },
      );
    /** How long after each fault the first term with a newer token began. */
    const takeovers: Record<string, number> = {};
    /** The victim's term ends and, after it, a participant with a newer token acts. */
    const takenOver = async (fault: string, victim: string, faultAt: number): Promise<void> => {
      const ended = await eventually(
        () => {
          const term = terms.find((t) => t.holder === victim && t.endedAt >= faultAt);
          expect(term).toBeDefined();
          return term!;
        },
        { timeoutMs: 25_000 },
      );
      const successor = await eventually(
        () => {
          const newer = terms.filter(
            (term) =>
              BigInt(term.token) > BigInt(ended.token) && term.zxids.length > 0 && term.startedAt >= faultAt,
          );
          expect(newer.length).toBeGreaterThan(0);
          return newer.reduce((a, b) => (a.startedAt < b.startedAt ? a : b));
        },
        { timeoutMs: 25_000 },
      );
      takeovers[fault] = successor.startedAt - faultAt;
    };

    await newTerms(6, 0);

    // 1. The elected leader's server hangs (SIGSTOP) for longer than the session timeout.
    const paused = await eventually(async () => {
      const { holder, peer, client } = await currentLeader();
      const { server } = await session(peer, client);
      return { holder, member: ensemble.members.find((member) => member.address === server)! };
    });
    let faultAt = Date.now();
    await ensemble.pause(paused.member.id);
    await newTerms(3, faultAt);
    await ensemble.resume(paused.member.id);
    await ensemble.waitForQuorum();
    await takenOver('pause', paused.holder, faultAt);
    await newTerms(4, Date.now());

    // 2. The elected leader's session is expired by the servers.
    const victim = await eventually(async () => {
      const { holder, peer, client } = await currentLeader();
      return { holder, ...(await session(peer, client)) };
    });
    faultAt = Date.now();
    await ensemble.expireSession({
      sessionId: BigInt(`0x${victim.sessionId}`),
      sessionPassword: Buffer.from(victim.password, 'base64'),
      connectedServer: victim.server,
    });
    await takenOver('expiry', victim.holder, faultAt);
    await newTerms(4, Date.now());

    // 3. The ZooKeeper leader dies; the two survivors elect a new one and the election goes on.
    const zkLeader = await ensemble.waitForQuorum();
    faultAt = Date.now();
    await ensemble.kill(zkLeader.id);
    await ensemble.waitForQuorum();
    const afterKill = await newTerms(4, faultAt);
    takeovers.kill = Math.min(...afterKill.map((term) => term.startedAt)) - faultAt;

    for (const [holder, { peer }] of participants) await peer.call('leader.latchStopLoop', { holder });
    const perParticipant = await Promise.all(loops);
    await admin.close();

    // Every participant led at some point despite the faults.
    expect(perParticipant.every((count) => count > 0)).toBe(true);
    // No write was refused by the fence or lost a version race: no deposed leader ever acted.
    const outcomes = terms.flatMap((term) => term.outcomes);
    expect(outcomes.filter((outcome) => outcome !== 'ok')).toEqual([]);
    // Terms in ZooKeeper order: all writes of one token come before any write of the next token.
    // (A leader back on its session after a disconnection leads again with the same token: one term.)
    const byToken = new Map<string, bigint[]>();
    for (const term of terms) {
      const zxids = byToken.get(term.token) ?? [];
      zxids.push(...term.zxids.map((zxid) => BigInt(zxid)));
      byToken.set(term.token, zxids);
    }
    const spans = [...byToken]
      .filter(([, zxids]) => zxids.length > 0)
      .map(([token, zxids]) => ({
        token: BigInt(token),
        first: zxids.reduce((a, b) => (a < b ? a : b)),
        last: zxids.reduce((a, b) => (a > b ? a : b)),
      }))
      .sort((a, b) => (a.first < b.first ? -1 : 1));
    for (let i = 1; i < spans.length; i++) {
      expect(
        spans[i]!.first,
        `term of token ${spans[i]!.token} interleaves with the one before`,
      ).toBeGreaterThan(spans[i - 1]!.last);
      expect(spans[i]!.token).toBeGreaterThan(spans[i - 1]!.token);
    }
    // The faults did end terms, and the leases said why.
    const reasons = new Map<string, number>();
    for (const term of terms) reasons.set(term.endReason, (reasons.get(term.endReason) ?? 0) + 1);
    expect(reasons.get('released')).toBeGreaterThan(0);
    expect((reasons.get('suspended') ?? 0) + (reasons.get('lost') ?? 0)).toBeGreaterThan(0);
    console.info(
      `latch safety: ${terms.length} terms, ${spans.length} tokens with writes, ${outcomes.length} guarded writes; end reasons ${JSON.stringify(Object.fromEntries(reasons))}; first newer term after each fault (ms) ${JSON.stringify(takeovers)}`,
    );
  });
});

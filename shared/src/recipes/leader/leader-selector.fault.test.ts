import { afterAll, describe, expect, it } from 'vitest';
import { ZooKeeperClient } from '../../client/index.ts';
import {
  eventually,
  startNodePeer,
  useDedicatedEnsemble,
  type JsonLinePeer,
} from '../../../test-support/index.ts';
import { sleep } from '../core/deadline.ts';

/**
 * LeaderSelector under faults: six selectors (autoRequeue) in three processes on a real ensemble.
 * The leader's callback writes a guarded resource with its fencing token until the test ends its
 * term (selectorRelease) or the term is interrupted. When
 * the leader's session is expired, and when its server is paused (SIGSTOP) past the session
 * timeout, the callback's signal must abort — its term ends as "interrupted" — and another
 * participant must take over with a newer token; no two terms may ever act at once (no refused or
 * conflicting write; the zxid spans of the terms never interleave).
 */
const dedicated = useDedicatedEnsemble({ servers: 3, tickTimeMs: 200 });
const peers: JsonLinePeer[] = [];
afterAll(async () => {
  await Promise.all(peers.map((peer) => peer.close()));
});

interface TermEvent {
  name: string;
  phase: 'start' | 'end';
  at: number;
  token: string;
  interrupted?: boolean;
  endReason?: string;
  zxids?: string[];
  outcomes?: string[];
}

describe('LeaderSelector safety', () => {
  it('the callback’s signal aborts when its session expires or its server hangs, and another participant takes over', async () => {
    const ensemble = dedicated.ensemble;
    const admin = await ZooKeeperClient.connect(ensemble.connectString, { logger: {} });
    const path = '/safety/selector';
    const resourcePath = '/safety/resource';
    await admin.create('/safety');
    await admin.create(resourcePath, JSON.stringify({ token: '0', writes: 0 }));

    const events: TermEvent[] = [];
    const participants = new Map<string, { peer: JsonLinePeer; client: string }>();
    const processes = await Promise.all([1, 2, 3].map((p) => startNodePeer(`node-${p}`)));
    peers.push(...processes);
    for (const [index, peer] of processes.entries()) {
      peer.on('event', (event) => {
        if (event.event === 'selector') events.push(event.data as unknown as TermEvent);
      });
      for (const c of [1, 2]) {
        const client = `c${c}`;
        const name = `p${index + 1}-${client}`;
        await peer.call('client.open', { client, connect: ensemble.connectString, sessionTimeoutMs: 4000 });
        await peer.call('leader.selectorCreate', {
          client,
          name,
          path,
          id: name,
          autoRequeue: true,
          holdMs: -1,
          resourcePath,
          writeIntervalMs: 20,
        });
        participants.set(name, { peer, client });
      }
    }
    for (const [name, { peer }] of participants) await peer.call('leader.selectorStart', { name });

    const ends = (): TermEvent[] => events.filter((event) => event.phase === 'end');
    const ended = (term: TermEvent): TermEvent | undefined =>
      ends().find((event) => event.name === term.name && event.token === term.token);
    /** The term running now: the latest start (by its own clock) that has no end yet. */
    const leading = (after?: TermEvent): Promise<TermEvent> =>
      eventually(
        () => {
          const starts = events.filter((event) => event.phase === 'start').sort((a, b) => a.at - b.at);
          const latest = starts.at(-1);
          expect(latest && !ended(latest)).toBe(true);
          if (after) expect(BigInt(latest!.token)).toBeGreaterThan(BigInt(after.token));
          return latest!;
        },
        { timeoutMs: 20_000 },
      );
    const sessionOf = (name: string) => {
      const { peer, client } = participants.get(name)!;
      return peer.call<{ sessionId: string; password: string; server: string }>('client.session', { client });
    };
    /** Lets `count` terms run briefly and end normally: leadership moves on. */
    const rotate = async (count: number): Promise<void> => {
      for (let i = 0; i < count; i++) {
        const term = await leading();
        await sleep(100); // let it write a few times
        await participants.get(term.name)!.peer.call('leader.selectorRelease', { name: term.name });
        await leading(term);
      }
    };
    /** How long after each fault the callback was interrupted, and the next term began. */
    const timings: Record<string, { interruptedMs: number; takeoverMs: number }> = {};
    /** The term running at the fault is interrupted, and someone else takes over with a newer token. */
    const interruptedAndTakenOver = async (
      fault: string,
      victim: TermEvent,
      faultAt: number,
    ): Promise<TermEvent> => {
      const end = await eventually(
        () => {
          expect(ended(victim)).toBeDefined();
          return ended(victim)!;
        },
        { timeoutMs: 20_000 },
      );
      const successor = await leading(victim);
      expect(successor.name).not.toBe(victim.name);
      timings[fault] = { interruptedMs: end.at - faultAt, takeoverMs: successor.at - faultAt };
      return end;
    };

    await rotate(4);

    // 1. The leader's session is expired: its callback's signal aborts, someone else leads.
    const expired = await leading();
    const expiredSession = await sessionOf(expired.name);
    let faultAt = Date.now();
    await ensemble.expireSession({
      sessionId: BigInt(`0x${expiredSession.sessionId}`),
      sessionPassword: Buffer.from(expiredSession.password, 'base64'),
      connectedServer: expiredSession.server,
    });
    const afterExpiry = await interruptedAndTakenOver('expiry', expired, faultAt);
    expect(afterExpiry.interrupted).toBe(true);
    expect(['suspended', 'lost']).toContain(afterExpiry.endReason);
    await rotate(3);

    // 2. The leader's server hangs past the session timeout.
    const stalled = await leading();
    const { server } = await sessionOf(stalled.name);
    const pausedMember = ensemble.members.find((member) => member.address === server)!;
    faultAt = Date.now();
    await ensemble.pause(pausedMember.id);
    const afterPause = await interruptedAndTakenOver('pause', stalled, faultAt);
    await ensemble.resume(pausedMember.id);
    await ensemble.waitForQuorum();
    expect(afterPause.interrupted).toBe(true);
    expect(afterPause.endReason).toBe('suspended');
    await rotate(3);

    // 3. The ZooKeeper leader dies while a selector leads; the two survivors carry on.
    const zkLeader = await ensemble.waitForQuorum();
    await ensemble.kill(zkLeader.id);
    await ensemble.waitForQuorum();
    await rotate(6);

    await Promise.all(
      [...participants].map(([name, { peer }]) => peer.call('leader.selectorClose', { name })),
    );
    await admin.close();

    const terms = ends();
    // Nobody acted after its term ended: no refused or conflicting write.
    const outcomes = terms.flatMap((term) => term.outcomes ?? []);
    expect(outcomes.filter((outcome) => outcome !== 'ok')).toEqual([]);
    // Terms in ZooKeeper order never interleave, and tokens grow with them.
    const spans = terms
      .filter((term) => (term.zxids?.length ?? 0) > 0)
      .map((term) => ({ ...term, first: BigInt(term.zxids![0]!), last: BigInt(term.zxids!.at(-1)!) }))
      .sort((a, b) => (a.first < b.first ? -1 : 1));
    for (let i = 1; i < spans.length; i++) {
      expect(
        spans[i]!.first,
        `term ${i} (${spans[i]!.name}) interleaves with the one before`,
      ).toBeGreaterThan(spans[i - 1]!.last);
      expect(BigInt(spans[i]!.token)).toBeGreaterThan(BigInt(spans[i - 1]!.token));
    }
    // autoRequeue: the fault victims came back and led again.
    for (const victim of [expired, stalled]) {
      expect(
        spans.some((span) => span.name === victim.name && BigInt(span.token) > BigInt(victim.token)),
      ).toBe(true);
    }
    console.info(
      `selector safety: ${terms.length} terms, ${outcomes.length} guarded writes, ${terms.filter((t) => t.interrupted).length} interrupted (${terms
        .filter((t) => t.interrupted)
        .map((t) => t.endReason)
        .join(', ')}); after each fault (ms) ${JSON.stringify(timings)}`,
    );
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import { ZooKeeperClient } from '../../client/index.ts';
import {
  eventually,
  startNodePeer,
  useDedicatedEnsemble,
  type JsonLinePeer,
} from '../../../test-support/index.ts';
import { ReadWriteLock, type LockKind } from './read-write-lock.ts';

/**
 * The read/write lock's promise under session expiry — a writer is never inside together with anyone
 * else — with readers and writers in two processes (three sessions each) on a real ensemble, while
 * the session of a write holder and then that of a read holder are expired by the servers.
 *
 * Every hold writes an activity node a few times while its lease lasts; the zxids of its writes place
 * it in ZooKeeper's total order as the interval [first write, last write]. No write interval may meet
 * any other interval; read intervals may (and do) overlap each other.
 */
const dedicated = useDedicatedEnsemble({ servers: 3, tickTimeMs: 200 });
const peers: JsonLinePeer[] = [];
afterAll(async () => {
  await Promise.all(peers.map((peer) => peer.close()));
});

interface Hold {
  holder: string;
  kind: LockKind;
  zxids: string[];
  endReason: string;
  failure?: string;
}

/**
 * Each process has a slow writer and a slow reader (long holds: the ones whose sessions are expired
 * mid-hold) and a quick participant that alternates reads and writes.
 */
const ROLES: Record<string, { kinds: LockKind[]; holdMs: number }> = {
  c1: { kinds: ['write'], holdMs: 150 },
  c2: { kinds: ['read'], holdMs: 150 },
  c3: { kinds: ['read', 'write', 'read'], holdMs: 10 },
};
const SLOW_ROLE: Record<LockKind, string> = { write: 'c1', read: 'c2' };

describe('ReadWriteLock safety', () => {
  it('no writer overlaps any reader or writer while holders’ sessions expire', async () => {
    const ensemble = dedicated.ensemble;
    const admin = await ZooKeeperClient.connect(ensemble.connectString, { logger: {} });
    const path = '/safety/rwlock';
    const activityPath = '/safety/activity';
    await admin.create('/safety');
    await admin.create(activityPath, '');

    const holds: Hold[] = [];
    const contenders = new Map<string, { peer: JsonLinePeer; client: string }>();
    // One peer at a time: starting several at once on a loaded 2-core machine can outlast their start timeout.
    for (const p of [1, 2]) {
      const peer = await startNodePeer(`node-${p}`);
      peers.push(peer);
      peer.on('event', (event) => {
        if (event.event === 'hold') holds.push(event.data as unknown as Hold);
      });
      for (const client of Object.keys(ROLES)) {
        await peer.call('client.open', { client, connect: ensemble.connectString, sessionTimeoutMs: 4000 });
        contenders.set(`p${p}-${client}`, { peer, client });
      }
    }
    const loops = [...contenders].map(([holder, { peer, client }]) =>
      peer.call<number>(
        'rwlock.holdLoop',
        { client, holder, path, ...ROLES[client], activityPath, durationMs: 60_000, writesPerHold: 3 },
        { actor: client, timeoutMs: 90_000 },
      ),
    );
    const progress = async (more: number): Promise<void> => {
      const target = holds.length + more;
      await eventually(() => expect(holds.length).toBeGreaterThanOrEqual(target), { timeoutMs: 20_000 });
    };
    /**
     * Expires the session of a slow `kind` holder while it holds, and returns its name. A hold may end
     * on its own just before the expiry lands; then another holder is picked (the next hold event of
     * the victim tells which happened).
     */
    const expireHolderOf = async (kind: LockKind): Promise<string> => {
      const lock = new ReadWriteLock(admin, path);
      for (let attempt = 1; ; attempt++) {
        const victim = await eventually(
          async () => {
            const inLine = await lock.participants();
            const firstWriter = inLine.findIndex((participant) => participant.kind === 'write');
            const holding =
              kind === 'write'
                ? inLine.slice(0, 1)
                : inLine.slice(0, firstWriter < 0 ? undefined : firstWriter);
            const chosen = holding.find(
              (participant) =>
                participant.kind === kind && contenders.get(participant.id)?.client === SLOW_ROLE[kind],
            );
            if (!chosen) throw new Error(`no slow ${kind} holder right now (${JSON.stringify(inLine)})`);
            const { peer, client } = contenders.get(chosen.id)!;
            const session = await peer.call<{ sessionId: string; password: string; server: string }>(
              'client.session',
              { client },
            );
            return { holder: chosen.id, ...session };
          },
          { timeoutMs: 15_000, intervalMs: 5 },
        );
        const seenBefore = holds.length;
        await ensemble.expireSession({
          sessionId: BigInt(`0x${victim.sessionId}`),
          sessionPassword: Buffer.from(victim.password, 'base64'),
          connectedServer: victim.server,
        });
        const next = await eventually(() => {
          const hold = holds.slice(seenBefore).find((each) => each.holder === victim.holder);
          if (!hold) throw new Error(`no hold of ${victim.holder} ended since the expiry`);
          return hold;
        });
        if (next.endReason !== 'released') return victim.holder;
        if (attempt === 5) throw new Error(`5 expiries of ${kind} holders all came just after a release`);
      }
    };

    await progress(15);
    const expiredWriter = await expireHolderOf('write');
    await progress(15);
    const expiredReader = await expireHolderOf('read');
    await progress(15);
    // Enough: end the loops now rather than after their full duration.
    await Promise.all(peers.map((peer) => peer.call('rwlock.stop', { path })));

    const perContender = await Promise.all(loops);
    await admin.close();

    expect(perContender.every((count) => count > 0)).toBe(true);
    const intervals = holds
      .filter((hold) => hold.zxids.length > 0)
      .map((hold) => ({ ...hold, first: BigInt(hold.zxids[0]!), last: BigInt(hold.zxids.at(-1)!) }));
    const meet = (a: { first: bigint; last: bigint }, b: { first: bigint; last: bigint }): boolean =>
      a.first <= b.last && b.first <= a.last;
    const writes = intervals.filter((hold) => hold.kind === 'write');
    const reads = intervals.filter((hold) => hold.kind === 'read');
    const violations = writes.flatMap((write) =>
      intervals
        .filter((other) => other !== write && meet(write, other))
        .map(
          (other) =>
            `${write.holder} writing [${write.first}, ${write.last}] met ${other.kind} ${other.holder}`,
        ),
    );
    expect(violations).toEqual([]);
    expect(writes.length).toBeGreaterThan(10);
    // Readers did hold together, so the check above is not passing for want of concurrency.
    const sharedReads = reads.filter((read) => reads.some((other) => other !== read && meet(read, other)));
    expect(sharedReads.length).toBeGreaterThan(0);
    // The expiries ended the victims' holds, and the recipe said so.
    const interrupted = holds.filter((hold) => hold.endReason === 'suspended' || hold.endReason === 'lost');
    expect(interrupted.map((hold) => hold.holder)).toEqual(
      expect.arrayContaining([expiredWriter, expiredReader]),
    );
    console.info(
      `read/write lock safety: ${writes.length} write and ${reads.length} read holds with writes, ` +
        `${sharedReads.length} reads shared; interrupted ${JSON.stringify(interrupted.map((hold) => `${hold.kind} ${hold.holder}: ${hold.endReason}`))}`,
    );
  });
});

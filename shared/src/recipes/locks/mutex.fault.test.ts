import { describe, expect, it } from 'vitest';
import { ZooKeeperClient } from '../../client/index.ts';
import {
  eventually,
  peerSession,
  runFaultDrill,
  useDedicatedEnsemble,
  useNodePeers,
  type JsonLinePeer,
  type PeerSession,
} from '../../../test-support/index.ts';
import { Mutex } from './mutex.ts';

/**
 * Mutual exclusion under faults, with contenders in three processes (two sessions each) on a real
 * ensemble while the leader is killed, a holder's server is paused (SIGSTOP) and a holder's session
 * is expired.
 *
 * Each hold writes a guarded resource (see shared/interop/node/guarded-resource.ts) with a versioned
 * write carrying its fencing token. A hold's interval is the span of its accepted writes in
 * ZooKeeper's total order (their zxids); mutual exclusion means no two intervals interleave, and no
 * write is ever fenced off or loses a version race.
 */
const dedicated = useDedicatedEnsemble({ servers: 3, tickTimeMs: 200 });
const nodePeers = useNodePeers();

interface Hold {
  holder: string;
  token: string;
  zxids: string[];
  outcomes: string[];
  endReason: string;
  failure?: string;
}

describe('Mutex safety', () => {
  it('no two holds interleave while the leader dies, a holder’s server pauses and a holder’s session expires', async () => {
    const ensemble = dedicated.ensemble;
    const admin = await ZooKeeperClient.connect(ensemble.connectString, { logger: {} });
    const lockPath = '/safety/mutex';
    const resourcePath = '/safety/resource';
    await admin.create('/safety');
    await admin.create(resourcePath, JSON.stringify({ token: '0', writes: 0 }));

    const holds: Hold[] = [];
    const contenders = new Map<string, { peer: JsonLinePeer; client: string }>();
    const peers = await nodePeers.start(['node-1', 'node-2', 'node-3']);
    for (const [index, peer] of peers.entries()) {
      const p = index + 1;
      peer.on('event', (event) => {
        if (event.event === 'hold') holds.push(event.data as unknown as Hold);
      });
      for (const c of [1, 2]) {
        const client = `c${c}`;
        await peer.call('client.open', { client, connect: ensemble.connectString, sessionTimeoutMs: 4000 });
        contenders.set(`p${p}-${client}`, { peer, client });
      }
    }
    const loops = [...contenders].map(([holder, { peer, client }]) =>
      peer.call<number>(
        'mutex.holdLoop',
        { client, holder, path: lockPath, resourcePath, durationMs: 30_000, writesPerHold: 2, holdMs: 10 },
        { actor: client, timeoutMs: 90_000 },
      ),
    );
    const currentHolder = async (): Promise<PeerSession> => {
      const [holder] = await new Mutex(admin, lockPath).participants();
      const contender = holder ? contenders.get(holder) : undefined;
      if (!contender) throw new Error(`no holder right now (${holder ?? 'none'})`);
      return peerSession(contender.peer, contender.client);
    };
    await runFaultDrill(ensemble, {
      progress: async () => {
        const target = holds.length + 10;
        await eventually(() => expect(holds.length).toBeGreaterThanOrEqual(target), { timeoutMs: 20_000 });
      },
      pauseTarget: currentHolder,
      expireTargets: async () => [await currentHolder()],
    });
    await Promise.all(
      peers.map((peer) => peer.call('mutex.stop', { client: 'c1', path: lockPath }, { actor: 'control' })),
    );

    const perContender = await Promise.all(loops);
    await admin.close();

    // Every contender made progress despite the faults.
    expect(perContender.every((count) => count > 0)).toBe(true);
    // No write was refused by the fence or lost a version race: no stale holder ever acted.
    const outcomes = holds.flatMap((hold) => hold.outcomes);
    expect(outcomes.filter((outcome) => outcome !== 'ok')).toEqual([]);
    // Holds in ZooKeeper order: each one's writes all come after the previous one's.
    const intervals = holds
      .filter((hold) => hold.zxids.length > 0)
      .map((hold) => ({ ...hold, first: BigInt(hold.zxids[0]!), last: BigInt(hold.zxids.at(-1)!) }))
      .sort((a, b) => (a.first < b.first ? -1 : 1));
    for (let i = 1; i < intervals.length; i++) {
      expect(
        intervals[i]!.first,
        `hold ${i} (${intervals[i]!.holder}) interleaves with the one before`,
      ).toBeGreaterThan(intervals[i - 1]!.last);
      expect(BigInt(intervals[i]!.token)).toBeGreaterThan(BigInt(intervals[i - 1]!.token));
    }
    // The faults did interrupt holds, and the lease said why.
    const ended = new Set(holds.map((hold) => hold.endReason));
    expect(ended.has('released')).toBe(true);
    expect([...ended].some((reason) => reason === 'suspended' || reason === 'lost')).toBe(true);
    console.info(
      `mutex safety: ${holds.length} holds, ${intervals.length} with writes; end reasons ${JSON.stringify(
        Object.fromEntries(
          [...ended].map((reason) => [reason, holds.filter((h) => h.endReason === reason).length]),
        ),
      )}`,
    );
  });
});

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
import { Semaphore } from './semaphore.ts';

/**
 * The semaphore's promise under faults — never more than maxLeases holders at once — with contenders
 * in three processes (two sessions each) on a real ensemble while the leader is killed, a holder's
 * server is paused (SIGSTOP) and a holder's session is expired.
 *
 * Every hold writes an activity node a few times while its lease lasts (each write carries the
 * lease's signal, so nothing is sent once the lease has ended). The zxids of a hold's writes place
 * it in ZooKeeper's total order as the interval [first write, last write]; the number of intervals
 * open at any point is the number of holders acting at once, and must never exceed maxLeases.
 */
const dedicated = useDedicatedEnsemble({ servers: 3, tickTimeMs: 200 });
const nodePeers = useNodePeers();

const MAX_LEASES = 2;

interface Hold {
  holder: string;
  token: string;
  zxids: string[];
  endReason: string;
  failure?: string;
}

/** Most intervals open at once, sweeping through their endpoints in zxid order. */
function peakOverlap(intervals: readonly { first: bigint; last: bigint }[]): number {
  const points = intervals.flatMap(({ first, last }) => [
    { at: first, step: 1 },
    { at: last, step: -1 },
  ]);
  // At one zxid an opening comes before a closing (a one-write hold is open at that point).
  points.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : b.step - a.step));
  let open = 0;
  let peak = 0;
  for (const point of points) {
    open += point.step;
    peak = Math.max(peak, open);
  }
  return peak;
}

describe('Semaphore safety', () => {
  it('never more than maxLeases holders while the leader dies, a holder’s server pauses and a holder’s session expires', async () => {
    const ensemble = dedicated.ensemble;
    const admin = await ZooKeeperClient.connect(ensemble.connectString, { logger: {} });
    const path = '/safety/semaphore';
    const activityPath = '/safety/activity';
    await admin.create('/safety');
    await admin.create(activityPath, '');

    const holds: Hold[] = [];
    const contenders = new Map<string, { peer: JsonLinePeer; client: string }>();
    const peers = await nodePeers.start(['node-1', 'node-2', 'node-3']);
    for (const [index, peer] of peers.entries()) {
      const p = index + 1;
      peer.on('event', (event) => {
        if (event.event === 'hold') holds.push(event.data as unknown as Hold);
      });
      for (const client of [1, 2].map((c) => `c${c}`)) {
        await peer.call('client.open', { client, connect: ensemble.connectString, sessionTimeoutMs: 4000 });
        contenders.set(`p${p}-${client}`, { peer, client });
      }
    }
    const loops = [...contenders].map(([holder, { peer, client }]) =>
      peer.call<number>(
        'semaphore.holdLoop',
        {
          client,
          holder,
          path,
          maxLeases: MAX_LEASES,
          activityPath,
          durationMs: 60_000,
          writesPerHold: 3,
          holdMs: 10,
        },
        { actor: client, timeoutMs: 90_000 },
      ),
    );
    const aHolder = async (): Promise<PeerSession> => {
      const [holder] = await new Semaphore(admin, path, MAX_LEASES).participants();
      const contender = holder ? contenders.get(holder) : undefined;
      if (!contender) throw new Error(`no holder right now (${holder ?? 'none'})`);
      return peerSession(contender.peer, contender.client);
    };
    await runFaultDrill(ensemble, {
      progress: async () => {
        const target = holds.length + 10;
        await eventually(() => expect(holds.length).toBeGreaterThanOrEqual(target), { timeoutMs: 20_000 });
      },
      pauseTarget: aHolder,
      expireTargets: async () => [await aHolder()],
    });
    // Enough: end the loops now rather than after their full duration.
    await Promise.all(peers.map((peer) => peer.call('semaphore.stop', { path })));

    const perContender = await Promise.all(loops);
    await admin.close();

    // Every contender made progress despite the faults.
    expect(perContender.every((count) => count > 0)).toBe(true);
    const intervals = holds
      .filter((hold) => hold.zxids.length > 0)
      .map((hold) => ({ first: BigInt(hold.zxids[0]!), last: BigInt(hold.zxids.at(-1)!) }));
    const peak = peakOverlap(intervals);
    // Never more than maxLeases at once — and the semaphore was used to the full, so the check had teeth.
    expect(peak).toBe(MAX_LEASES);
    // Fencing tokens (lease node czxids) are unique: no lease was handed out twice.
    expect(new Set(holds.map((hold) => hold.token)).size).toBe(holds.length);
    const ended = new Set(holds.map((hold) => hold.endReason));
    expect(ended.has('released')).toBe(true);
    expect([...ended].some((reason) => reason === 'suspended' || reason === 'lost')).toBe(true);
    console.info(
      `semaphore safety: ${holds.length} holds, peak ${peak} of ${MAX_LEASES}; end reasons ${JSON.stringify(
        Object.fromEntries(
          [...ended].map((reason) => [reason, holds.filter((hold) => hold.endReason === reason).length]),
        ),
      )}`,
    );
  });
});

import { describe, expect, it } from 'vitest';
import { ZooKeeperClient } from '../../client/index.ts';
import {
  eventually,
  peerSession,
  runFaultDrill,
  useDedicatedEnsemble,
  useNodePeers,
} from '../../../test-support/index.ts';

/**
 * Counters lose no increment and apply none twice — with incrementers in three processes (a
 * SharedCount and a DistributedAtomicLong client in each) while the leader is killed, an
 * incrementer's server is paused (SIGSTOP) longer than the session timeout, and incrementers'
 * sessions are expired.
 *
 * Every call is accounted for: confirmed (returned), unknown (UNKNOWN_OUTCOME: its reply was lost
 * and reading back could not settle it) or failed (gave up before anything was written). The final
 * value must lie within [confirmed, confirmed + unknown]: below means a confirmed increment was
 * lost, above means one was applied twice or a "failed" one was applied after all.
 */
const dedicated = useDedicatedEnsemble({ servers: 3, tickTimeMs: 200 });
const nodePeers = useNodePeers();

interface Tally {
  confirmed: number;
  unknown: number;
  failed: number;
  errors: string[];
}

const SHARED_COUNT = '/counters/shared';
const ATOMIC_LONG = '/counters/along';

describe('Counter safety', () => {
  it('ends within [confirmed, confirmed + unknown] through a leader kill, a paused server and expired sessions', async () => {
    const ensemble = dedicated.ensemble;
    const admin = await ZooKeeperClient.connect(ensemble.connectString, {
      logger: {},
      sessionTimeoutMs: 4000,
      requestTimeoutMs: 2000,
    });
    const peers = await nodePeers.start(['counter-1', 'counter-2', 'counter-3']);
    for (const peer of peers) {
      for (const client of ['shared', 'along']) {
        await peer.call('client.open', { client, connect: ensemble.connectString, sessionTimeoutMs: 4000 });
      }
    }
    const loops = peers.map((peer) =>
      Promise.all([
        peer.call<Tally>(
          'counter.incrementLoop',
          {
            client: 'shared',
            path: SHARED_COUNT,
            kind: 'sharedCount',
            durationMs: 90_000,
            label: 'run',
            callTimeoutMs: 5000,
          },
          { actor: 'shared', timeoutMs: 120_000 },
        ),
        peer.call<Tally>(
          'counter.incrementLoop',
          {
            client: 'along',
            path: ATOMIC_LONG,
            kind: 'atomicLong',
            durationMs: 90_000,
            label: 'run',
            callTimeoutMs: 5000,
          },
          { actor: 'along', timeoutMs: 120_000 },
        ),
      ]),
    );

    const values = async (): Promise<{ shared: number; along: bigint }> => {
      const shared = await admin.getData(SHARED_COUNT).catch(() => ({ data: Buffer.alloc(4) }));
      const along = await admin.getData(ATOMIC_LONG).catch(() => ({ data: Buffer.alloc(8) }));
      return {
        shared: shared.data.length === 4 ? shared.data.readInt32BE(0) : 0,
        along: along.data.length === 8 ? along.data.readBigInt64BE(0) : 0n,
      };
    };
    const progress = async (): Promise<void> => {
      const before = await eventually(() => values(), { timeoutMs: 20_000 });
      await eventually(
        async () => {
          const now = await values();
          expect(now.shared).toBeGreaterThan(before.shared + 20);
          expect(now.along).toBeGreaterThan(before.along + 20n);
        },
        { timeoutMs: 30_000 },
      );
    };
    await runFaultDrill(ensemble, {
      progress,
      pauseTarget: () => peerSession(peers[0]!, 'shared'),
      expireTargets: async () => [
        await peerSession(peers[1]!, 'shared'),
        await peerSession(peers[2]!, 'along'),
      ],
    });

    await Promise.all(peers.map((peer) => peer.call('counter.stop', { label: 'run' }, { actor: 'control' })));
    const results = await Promise.all(loops);
    await admin.sync('/');
    const final = await eventually(() => values());
    await admin.close();

    const sum = (tallies: Tally[]): Tally =>
      tallies.reduce(
        (total, tally) => ({
          confirmed: total.confirmed + tally.confirmed,
          unknown: total.unknown + tally.unknown,
          failed: total.failed + tally.failed,
          errors: [...total.errors, ...tally.errors],
        }),
        { confirmed: 0, unknown: 0, failed: 0, errors: [] },
      );
    const shared = sum(results.map(([tally]) => tally));
    const along = sum(results.map(([, tally]) => tally));
    for (const [tally] of results) expect(tally.confirmed).toBeGreaterThan(0);
    for (const [, tally] of results) expect(tally.confirmed).toBeGreaterThan(0);

    expect(final.shared).toBeGreaterThanOrEqual(shared.confirmed);
    expect(final.shared).toBeLessThanOrEqual(shared.confirmed + shared.unknown);
    expect(final.along).toBeGreaterThanOrEqual(BigInt(along.confirmed));
    expect(final.along).toBeLessThanOrEqual(BigInt(along.confirmed + along.unknown));
    console.info(
      `counter safety: SharedCount ${final.shared} (confirmed ${shared.confirmed}, unknown ${shared.unknown}, ` +
        `failed ${shared.failed}); DistributedAtomicLong ${final.along} (confirmed ${along.confirmed}, ` +
        `unknown ${along.unknown}, failed ${along.failed}); sample errors ${JSON.stringify([...shared.errors, ...along.errors].slice(0, 3))}`,
    );
  });
});

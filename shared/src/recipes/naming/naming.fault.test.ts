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
 * No ID ever repeats — with generators in three processes, each running a sequential-node
 * generator and a range-leasing generator (small ranges, so leases happen all the time), while the
 * leader is killed, a generator's server is paused (SIGSTOP) longer than the session timeout, and a
 * generator's session is expired. Every ID handed out is collected and checked.
 */
const dedicated = useDedicatedEnsemble({ servers: 3, tickTimeMs: 200 });
const nodePeers = useNodePeers();

interface LoopResult {
  count: number;
  failed: number;
  ids: string[];
  errors: string[];
  stats?: { rangesReserved: number; rangesWasted: number };
}

const SEQUENCE_PARENT = '/ids/sequence';
const RANGE_COUNTER = '/ids/range-counter';

describe('ID generator safety', () => {
  it('no ID repeats while the leader dies, a generator’s server pauses and a generator’s session expires', async () => {
    const ensemble = dedicated.ensemble;
    const admin = await ZooKeeperClient.connect(ensemble.connectString, {
      logger: {},
      sessionTimeoutMs: 4000,
      requestTimeoutMs: 2000,
    });
    const peers = await nodePeers.start(['ids-1', 'ids-2', 'ids-3']);
    for (const peer of peers) {
      for (const client of ['seq', 'range']) {
        await peer.call('client.open', { client, connect: ensemble.connectString, sessionTimeoutMs: 4000 });
      }
    }
    const loops = peers.map((peer) =>
      Promise.all([
        peer.call<LoopResult>(
          'naming.sequentialLoop',
          {
            client: 'seq',
            path: SEQUENCE_PARENT,
            concurrency: 2,
            collect: true,
            durationMs: 90_000,
            label: 'run',
            callTimeoutMs: 5000,
          },
          { actor: 'seq', timeoutMs: 120_000 },
        ),
        peer.call<LoopResult>(
          'naming.rangeLoop',
          {
            client: 'range',
            path: RANGE_COUNTER,
            rangeSize: 5,
            concurrency: 4,
            collect: true,
            durationMs: 90_000,
            label: 'run',
            callTimeoutMs: 5000,
          },
          { actor: 'range', timeoutMs: 120_000 },
        ),
      ]),
    );

    // Progress is read from ZooKeeper itself: the sequence parent's child version and the counter.
    const position = async (): Promise<{ sequence: number; counter: bigint }> => {
      const parent = await admin.exists(SEQUENCE_PARENT);
      const counter = await admin.getData(RANGE_COUNTER).catch(() => ({ data: Buffer.alloc(8) }));
      return {
        sequence: parent?.cversion ?? 0,
        counter: counter.data.length === 8 ? counter.data.readBigInt64BE(0) : 0n,
      };
    };
    const progress = async (): Promise<void> => {
      const before = await eventually(() => position(), { timeoutMs: 20_000 });
      await eventually(
        async () => {
          const now = await position();
          expect(now.sequence).toBeGreaterThan(before.sequence + 20);
          expect(now.counter).toBeGreaterThan(before.counter + 100n);
        },
        { timeoutMs: 30_000 },
      );
    };
    await runFaultDrill(ensemble, {
      progress,
      pauseTarget: () => peerSession(peers[0]!, 'range'),
      expireTargets: async () => [await peerSession(peers[1]!, 'seq'), await peerSession(peers[2]!, 'range')],
    });

    await Promise.all(peers.map((peer) => peer.call('naming.stop', { label: 'run' }, { actor: 'control' })));
    const results = await Promise.all(loops);
    await admin.sync(RANGE_COUNTER); // the peers reserved their ranges through their own sessions
    const finalCounter = (await position()).counter;
    await admin.close();

    const sequential = results.map(([seq]) => seq);
    const ranges = results.map(([, range]) => range);
    for (const result of [...sequential, ...ranges]) expect(result.count).toBeGreaterThan(0);

    const sequentialIds = sequential.flatMap((result) => result.ids);
    expect(sequentialIds).toHaveLength(sequential.reduce((sum, result) => sum + result.count, 0));
    expect(new Set(sequentialIds).size).toBe(sequentialIds.length);

    const rangeIds = ranges.flatMap((result) => result.ids).map(BigInt);
    expect(rangeIds).toHaveLength(ranges.reduce((sum, result) => sum + result.count, 0));
    expect(new Set(rangeIds).size).toBe(rangeIds.length);
    // Every ID handed out lies in a range the counter has passed: none came from an unreserved range.
    expect(rangeIds.every((id) => id >= 1n && id <= finalCounter)).toBe(true);

    console.info(
      `ID safety: ${sequentialIds.length} sequential IDs (${sequential.map((r) => r.failed).join('/')} failed calls), ` +
        `${rangeIds.length} range IDs (${ranges.map((r) => r.failed).join('/')} failed calls, ` +
        `ranges reserved ${ranges.map((r) => r.stats?.rangesReserved).join('/')}, ` +
        `wasted on unknown outcome ${ranges.map((r) => r.stats?.rangesWasted).join('/')}); counter at ${finalCounter}`,
    );
  });
});

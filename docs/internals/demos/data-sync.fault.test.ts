import { describe, expect, it } from 'vitest';
import { useDedicatedEnsemble } from '@zk-cookbook/core/testing';
import { restartLaggingFollower } from './data-sync.ts';

/**
 * The test only passes where the leader logs at INFO, as the harness configures it.
 * snapCount 10 makes every server roll its log and snapshot every few transactions, so purging keeps
 * only the last few dozen transactions on disk — a short lag is still in the leader's memory, a
 * long one is nowhere the leader can replay it from.
 */
describe('a restarted follower catches up with DIFF or SNAP, as the leader logs', () => {
  const dedicated = useDedicatedEnsemble({ servers: 3, extraConfig: { snapCount: 10 } });

  it('a follower three transactions behind gets DIFF from the committed log', async () => {
    const sync = await restartLaggingFollower(dedicated.ensemble, { writes: 3 });
    expect(sync.mode).toBe('DIFF');
    // The reason: the follower's last zxid lies inside what the leader keeps in memory.
    expect(sync.peerLastZxid).toBeGreaterThanOrEqual(sync.minCommittedLog);
    expect(sync.peerLastZxid).toBeLessThanOrEqual(sync.maxCommittedLog);
    expect(sync.leaderLines.join('\n')).toMatch(/Sending DIFF/);
  });

  it('a follower 700 transactions behind gets SNAP: the log files it would need outweigh a snapshot', async () => {
    const sync = await restartLaggingFollower(dedicated.ensemble, { writes: 700 });
    expect(sync.mode).toBe('SNAP');
    // Older than the 500 proposals kept in memory; the leader could replay from its log files, but
    // they are pre-allocated 64 MB apiece and it sends a snapshot instead once they exceed a third
    // (snapshotSizeFactor 0.33) of the snapshot's size.
    expect(sync.peerLastZxid).toBeLessThan(sync.minCommittedLog);
    expect(sync.leaderLines.join('\n')).toMatch(/Txnlog size: \d+ exceeds sizeLimit: \d+/);
    expect(sync.leaderLines.join('\n')).toMatch(/Sending snapshot/);
  });

  it('a follower 700 transactions behind, after the leader purged its old logs, gets SNAP', async () => {
    const sync = await restartLaggingFollower(dedicated.ensemble, { writes: 700, purgeLeaderLogs: true });
    expect(sync.mode).toBe('SNAP');
    // Older than the oldest proposal in memory, and the logs that held it are gone.
    expect(sync.peerLastZxid).toBeLessThan(sync.minCommittedLog);
    expect(sync.leaderLines.join('\n')).toMatch(/Unable to find proposals from txnlog/);
    expect(sync.leaderLines.join('\n')).toMatch(/Sending snapshot/);
  });
});

import { describe, expect, it } from 'vitest';
import { readFixture } from '../../test-support/four-letter-fixtures.ts';
import { parseMntr } from './monitor.ts';

describe('parseMntr', () => {
  it('names the metrics every server sends', () => {
    const mntr = parseMntr(readFixture('mntr-standalone'));
    expect(mntr).toMatchObject({
      version: '3.8.0-${mvngit.commit.id}, built on 2024-12-29 17:54 UTC',
      serverState: 'standalone',
      avgLatencyMs: 4.2222,
      znodeCount: 7,
      watchCount: 3,
      aliveConnections: 2,
      maxFileDescriptorCount: 20000,
    });
    expect(mntr.learners).toBeUndefined();
  });

  it('keeps every key, parsing numbers and leaving text alone', () => {
    const { metrics } = parseMntr(readFixture('mntr-standalone'));
    expect(metrics.size).toBeGreaterThan(400);
    expect(metrics.get('zk_avg_sync_processor_queue_flush_time_ms')).toBe(1.3333);
    expect(metrics.get('zk_sum_a_write_per_namespace')).toBe(8);
    expect(metrics.get('zk_server_state')).toBe('standalone');
  });

  it('reads the leader-only metrics', () => {
    expect(parseMntr(readFixture('mntr-leader'))).toMatchObject({
      serverState: 'leader',
      peerState: 'leading - broadcast',
      quorumSize: 3,
      learners: 3,
      syncedFollowers: 2,
      syncedObservers: 1,
      pendingSyncs: 0,
    });
  });

  it('has no leader metrics on a follower or an observer', () => {
    const follower = parseMntr(readFixture('mntr-follower'));
    expect(follower).toMatchObject({ serverState: 'follower', peerState: 'following - broadcast' });
    expect(follower.learners).toBeUndefined();
    expect(parseMntr(readFixture('mntr-observer')).serverState).toBe('observer');
  });

  it('rejects the answer of a server that is not serving', () => {
    expect(() => parseMntr(readFixture('mntr-not-serving'))).toThrow(/no "zk_version"/);
  });
});

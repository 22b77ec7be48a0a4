import { describe, expect, it } from 'vitest';
import { readFixture } from '../../test-support/four-letter-fixtures.ts';
import { FourLetterParseError } from './errors.ts';
import { parseServerStats } from './server-stats.ts';

describe('parseServerStats (srvr / stat)', () => {
  it('reads every field of a standalone server', () => {
    expect(parseServerStats(readFixture('srvr-standalone'))).toEqual({
      serving: true,
      version: '3.8.0-${mvngit.commit.id}, built on 2024-12-29 17:54 UTC',
      latency: { minMs: 1, avgMs: 4.2222, maxMs: 14 },
      received: 28,
      sent: 28,
      connections: 2,
      outstanding: 0,
      zxid: 3n,
      mode: 'standalone',
      nodeCount: 7,
    });
  });

  it('reads the leader-only proposal sizes and the zxid as a bigint', () => {
    const stats = parseServerStats(readFixture('srvr-leader'));
    expect(stats).toMatchObject({
      mode: 'leader',
      zxid: 0x100000000n,
      proposalSizes: { last: -1, min: -1, max: -1 },
    });
  });

  it.each([
    ['srvr-follower', 'follower'],
    ['srvr-observer', 'observer'],
    ['srvr-read-only', 'read-only'],
  ])('reads the mode from %s', (fixture, mode) => {
    const stats = parseServerStats(readFixture(fixture));
    expect(stats.serving && stats.mode).toBe(mode);
    expect(stats).not.toHaveProperty('proposalSizes');
  });

  it('tells a server without quorum apart from a broken answer', () => {
    expect(parseServerStats(readFixture('srvr-not-serving'))).toEqual({
      serving: false,
      message: 'This ZooKeeper instance is not currently serving requests',
    });
    expect(parseServerStats(readFixture('stat-not-serving'), 'stat')).toMatchObject({ serving: false });
  });

  it('adds the client list for stat, with fractional average latency', () => {
    const stats = parseServerStats(readFixture('stat-standalone'), 'stat');
    if (!stats.serving) throw new Error('expected a serving server');
    expect(stats.latency).toEqual({ minMs: 1, avgMs: 4.2222, maxMs: 14 });
    expect(stats.zxid).toBe(3n);
    expect(stats.clients).toHaveLength(2);
    expect(stats.clients?.[0]).toMatchObject({ address: '127.0.0.1:43240', received: 9, sent: 9 });
    expect(stats.clients?.[0]?.session).toBeUndefined();
  });

  it('rejects an answer without a mode', () => {
    expect(() => parseServerStats('Zookeeper version: 3.8.0\n')).toThrow(FourLetterParseError);
    expect(() => parseServerStats(readFixture('srvr-standalone').replace('standalone', 'boss'))).toThrow(
      /unknown mode "boss"/,
    );
  });
});

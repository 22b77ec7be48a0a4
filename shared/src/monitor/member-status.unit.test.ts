import { describe, expect, it } from 'vitest';
import {
  FourLetterWordError,
  parseCons,
  parseMntr,
  parseServerStats,
  parseWchs,
  type ClientConnection,
  type Mntr,
  type ServerStats,
  type WatchSummary,
} from '../fourletter/index.ts';
import { readFixture } from '../../test-support/four-letter-fixtures.ts';
import { describeMember, type FourLetterAnswers } from './member-status.ts';

const member = { id: 2, host: '127.0.0.1', port: 2182 };
const timing = { polledAt: new Date('2026-01-02T03:04:05.000Z'), pollMs: 12.4 };

const ok = <T>(value: T): PromiseFulfilledResult<T> => ({ status: 'fulfilled', value });
const failed = (reason: unknown): PromiseRejectedResult => ({ status: 'rejected', reason });
const failure = (reason: FourLetterWordError['reason'], word = 'srvr') =>
  failed(new FourLetterWordError(reason, word, member.host, member.port, `${reason} detail`));

function answers(name: 'leader' | 'follower' | 'observer' | 'standalone'): FourLetterAnswers {
  return {
    srvr: ok<ServerStats>(parseServerStats(readFixture(`srvr-${name}`))),
    mntr: ok<Mntr>(parseMntr(readFixture(`mntr-${name}`))),
    cons: ok<ClientConnection[]>(parseCons(readFixture('cons-standalone'))),
    wchs: ok<WatchSummary>(parseWchs(readFixture('wchs-standalone'))),
  };
}

describe('describeMember', () => {
  it('reads a leader: mode, zxid, epoch, counts and the leader-only sync figures', () => {
    const status = describeMember(member, answers('leader'), timing);
    expect(status).toMatchObject({
      id: 2,
      address: '127.0.0.1:2182',
      role: 'participant',
      mode: 'leader',
      up: true,
      serving: true,
      zxid: '0x100000000',
      epoch: 1,
      latency: { minMs: 0, avgMs: 0, maxMs: 0 },
      outstanding: 0,
      znodes: 5,
      ephemerals: 0,
      dataSizeBytes: 222,
      quorumSize: 3,
      syncedFollowers: 2,
      syncedObservers: 1,
      pendingSyncs: 0,
      error: null,
      polledAt: '2026-01-02T03:04:05.000Z',
      pollMs: 12,
    });
  });

  it('takes watches from wchs and lists only connections that carry a session', () => {
    const status = describeMember(member, answers('follower'), timing);
    expect(status.mode).toBe('follower');
    expect(status.syncedFollowers).toBeNull();
    expect(status.watches).toBe(2);
    expect(status.watchedPaths).toBe(2);
    // cons-standalone has one client session and one bare four-letter-word connection
    expect(status.clients).toEqual([
      {
        address: '127.0.0.1:43240',
        sessionId: '0x10000061dcc0000',
        lastOperation: 'PING',
        queued: 0,
        received: 9,
        sent: 9,
        avgLatencyMs: 4,
      },
    ]);
  });

  it('learns that an external member is an observer from its answer', () => {
    expect(describeMember(member, answers('observer'), timing)).toMatchObject({
      role: 'observer',
      mode: 'observer',
    });
  });

  it('keeps what srvr said when the other words fail, and says which failed', () => {
    const status = describeMember(
      member,
      { ...answers('follower'), mntr: failure('not-whitelisted', 'mntr'), cons: failure('timeout', 'cons') },
      timing,
    );
    expect(status).toMatchObject({
      mode: 'follower',
      serving: true,
      zxid: '0x0',
      znodes: 5,
      ephemerals: null,
    });
    expect(status.error).toBe(
      'mntr to 127.0.0.1:2182: not-whitelisted detail; cons to 127.0.0.1:2182: timeout detail',
    );
  });

  it.each([
    ['timeout', 'unresponsive'],
    ['refused', 'down'],
    ['connection', 'down'],
  ] as const)('a srvr %s makes the member %s, with nothing else known', (reason, mode) => {
    const status = describeMember(member, { ...answers('leader'), srvr: failure(reason) }, timing);
    expect(status).toMatchObject({ mode, up: false, serving: false, zxid: null, znodes: null, clients: [] });
    expect(status.error).toBe(`srvr to 127.0.0.1:2182: ${reason} detail`);
  });

  it('reports a member without quorum as up but not serving', () => {
    const notServing = readFixture('srvr-not-serving');
    const status = describeMember(
      member,
      { ...answers('leader'), srvr: ok(parseServerStats(notServing)), mntr: failure('not-serving', 'mntr') },
      timing,
    );
    expect(status).toMatchObject({ mode: 'not-serving', up: true, serving: false, zxid: null });
    expect(status.error).toBe('not serving: no quorum (electing, syncing or cut off)');
  });
});

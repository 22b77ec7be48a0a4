import { describe, expect, it } from 'vitest';
import { summarise } from './ensemble-summary.ts';
import { unknownStatus, type MemberStatus } from './member-status.ts';

function status(id: number, fields: Partial<MemberStatus>): MemberStatus {
  return { ...unknownStatus({ id, host: '127.0.0.1', port: 2180 + id }), ...fields };
}

const serving = { up: true, serving: true };

describe('summarise', () => {
  it('finds the one leader, its synced followers and the highest zxid', () => {
    const summary = summarise([
      status(1, { ...serving, mode: 'follower', zxid: '0x200000003', epoch: 2, quorumSize: 3 }),
      status(2, {
        ...serving,
        mode: 'leader',
        zxid: '0x200000004',
        epoch: 2,
        syncedFollowers: 1,
        syncedObservers: 0,
      }),
      status(3, { mode: 'down' }),
    ]);
    expect(summary).toEqual({
      members: 3,
      up: 2,
      serving: 2,
      leaderPresent: true,
      leaderId: 2,
      leaderIds: [2],
      syncedFollowers: 1,
      syncedObservers: 0,
      quorumSize: 3,
      highestZxid: '0x200000004',
      epoch: 2,
    });
  });

  it('compares zxids as numbers, not strings', () => {
    const summary = summarise([
      status(1, { ...serving, mode: 'follower', zxid: '0x9', epoch: 0 }),
      status(2, { ...serving, mode: 'follower', zxid: '0x100000000', epoch: 1 }),
    ]);
    expect(summary.highestZxid).toBe('0x100000000');
  });

  it('has no leader while electing, nor when two members claim it', () => {
    const electing = summarise([
      status(1, { up: true, mode: 'not-serving' }),
      status(2, { mode: 'unresponsive' }),
    ]);
    expect(electing).toMatchObject({
      leaderPresent: false,
      leaderId: null,
      syncedFollowers: null,
      serving: 0,
    });
    const split = summarise([
      status(1, { ...serving, mode: 'leader' }),
      status(2, { ...serving, mode: 'leader' }),
    ]);
    expect(split).toMatchObject({ leaderPresent: false, leaderId: null, leaderIds: [1, 2] });
  });

  it('counts a standalone server as the leader', () => {
    expect(summarise([status(1, { ...serving, mode: 'standalone' })])).toMatchObject({
      leaderPresent: true,
      leaderId: 1,
    });
  });
});

import { describe, expect, it } from 'vitest';
import { useDedicatedEnsemble } from '@zk-cookbook/core/testing';
import { killTheLeader } from './leader-election.ts';

describe("leader election, read from the servers' logs after the leader is killed", () => {
  const dedicated = useDedicatedEnsemble({ servers: 3 });

  it('the survivors vote, the best (zxid, sid) wins, and the new leader opens a new epoch', async () => {
    const election = await killTheLeader(dedicated.ensemble);
    const survivors = dedicated.ensemble.members
      .map((member) => member.id)
      .filter((id) => id !== election.killed);

    // Each survivor started a round proposing itself with its last zxid.
    expect(election.proposals.map((proposal) => proposal.id).sort()).toEqual(survivors);
    // Same epoch, so the larger zxid wins, and on equal zxids (the usual case) the larger sid.
    const [winner, loser] = [...election.proposals].sort((a, b) =>
      a.zxid === b.zxid ? b.id - a.id : a.zxid > b.zxid ? -1 : 1,
    );
    expect(election.elected).toBe(winner?.id);
    // The loser changed its mind: a LOOKING vote from it for the winner.
    expect(election.votes).toContainEqual(
      expect.objectContaining({ from: loser?.id, state: 'LOOKING', leader: election.elected }),
    );
    expect(election.tookMs.size).toBe(2);
    expect(election.epochAfter).toBe(election.epochBefore + 1);
  });
});

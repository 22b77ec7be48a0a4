import type { MemberStatus } from './member-status.ts';

/** The ensemble at a glance: what an operator checks first (zktop's summary line, Exhibitor's banner). */
export interface EnsembleSummary {
  readonly members: number;
  /** answered srvr */
  readonly up: number;
  /** serving client requests in some mode */
  readonly serving: number;
  /** exactly one member leads (or a standalone server serves) */
  readonly leaderPresent: boolean;
  readonly leaderId: number | null;
  /** more than one means the monitor caught an election half-way, or members disagree */
  readonly leaderIds: readonly number[];
  /** followers in sync with the leader, as the leader counts them; null without a leader */
  readonly syncedFollowers: number | null;
  readonly syncedObservers: number | null;
  /** voting members, as the servers' mntr reports them */
  readonly quorumSize: number | null;
  readonly highestZxid: string | null;
  readonly epoch: number | null;
}

export function summarise(members: readonly MemberStatus[]): EnsembleSummary {
  const leaders = members.filter((member) => member.mode === 'leader' || member.mode === 'standalone');
  const leader = leaders.length === 1 ? leaders[0] : undefined;
  const withZxid = members.filter((member) => member.zxid !== null);
  const highest = withZxid.reduce<MemberStatus | undefined>(
    (best, member) => (best === undefined || BigInt(member.zxid!) > BigInt(best.zxid!) ? member : best),
    undefined,
  );
  return {
    members: members.length,
    up: members.filter((member) => member.up).length,
    serving: members.filter((member) => member.serving).length,
    leaderPresent: leader !== undefined,
    leaderId: leader?.id ?? null,
    leaderIds: leaders.map((member) => member.id),
    syncedFollowers: leader?.syncedFollowers ?? null,
    syncedObservers: leader?.syncedObservers ?? null,
    quorumSize: members.find((member) => member.quorumSize !== null)?.quorumSize ?? null,
    highestZxid: highest?.zxid ?? null,
    epoch: highest?.epoch ?? null,
  };
}

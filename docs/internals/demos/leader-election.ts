import { readFileSync, statSync } from 'node:fs';
import { ZooKeeperClient } from '@zk-cookbook/core/client';
import type { EnsembleMember, LocalEnsemble } from '@zk-cookbook/core/ensemble';
import { quiet, type DemoLog } from './demo-log.ts';

/**
 * Leader election (Leader 选举), read from the servers' own logs. Kill the leader; each survivor
 * turns LOOKING, starts a new round voting for itself with its last zxid, and adopts any vote that
 * is better by (peerEpoch, zxid, sid) — FastLeaderElection's totalOrderPredicate. Once a quorum
 * agrees (and finalizeWait, 200 ms, brings no better vote) each becomes LEADING or FOLLOWING. The new
 * leader then starts a new epoch: the high 32 bits of every zxid it hands out.
 */
export interface Vote {
  /** the server that received the notification */
  at: number;
  /** who sent it and what it proposes */
  from: number;
  state: string;
  leader: number;
  round: number;
  peerEpoch: number;
  zxid: bigint;
}

export interface ElectionObservation {
  killed: number;
  elected: number;
  /** survivors' "New election. My id = …, proposed zxid=…" lines */
  proposals: { id: number; zxid: bigint }[];
  votes: Vote[];
  /** "LEADER ELECTION TOOK - n MS" per survivor */
  tookMs: Map<number, number>;
  epochBefore: number;
  epochAfter: number;
}

const NOTIFICATION =
  /Notification: my state:\w+; n\.sid:(\d+), n\.state:(\w+), n\.leader:(\d+), n\.round:0x([0-9a-f]+), n\.peerEpoch:0x([0-9a-f]+), n\.zxid:0x([0-9a-f]+)/;
const NEW_ELECTION = /New election\. My id = (\d+), proposed zxid=0x([0-9a-f]+)/;
const TOOK = /LEADER ELECTION TOOK - (\d+) MS/;

export async function killTheLeader(
  ensemble: LocalEnsemble,
  log: DemoLog = quiet,
): Promise<ElectionObservation> {
  const leader = await ensemble.waitForQuorum({ timeoutMs: 30_000 });
  const client = await ZooKeeperClient.connect(ensemble.connectString, { logger: {} });
  try {
    const before = await client.create('/election-', null, { mode: 'persistentSequential' });
    const epochBefore = Number((await client.exists(before))!.czxid >> 32n);
    const survivors = ensemble.members.filter((member) => member !== leader);
    const logStart = new Map(survivors.map((member) => [member.id, statSync(member.files.logFile).size]));

    await ensemble.kill(leader.id);
    log(`killed leader ${leader.id} (epoch ${epochBefore})`);
    const elected = await ensemble.waitForQuorum({ timeoutMs: 30_000 });
    const after = await client.create('/election-', null, { mode: 'persistentSequential' });
    const epochAfter = Number((await client.exists(after))!.czxid >> 32n);

    const proposals: ElectionObservation['proposals'] = [];
    const votes: Vote[] = [];
    const tookMs = new Map<number, number>();
    for (const member of survivors) {
      for (const line of linesSince(member, logStart.get(member.id) ?? 0)) {
        const proposal = NEW_ELECTION.exec(line);
        if (proposal) proposals.push({ id: Number(proposal[1]), zxid: BigInt(`0x${proposal[2]}`) });
        const vote = NOTIFICATION.exec(line);
        if (vote) {
          votes.push({
            at: member.id,
            from: Number(vote[1]),
            state: vote[2]!,
            leader: Number(vote[3]),
            round: parseInt(vote[4]!, 16),
            peerEpoch: parseInt(vote[5]!, 16),
            zxid: BigInt(`0x${vote[6]}`),
          });
        }
        const took = TOOK.exec(line);
        if (took) tookMs.set(member.id, Number(took[1]));
      }
    }
    for (const proposal of proposals)
      log(`server ${proposal.id} LOOKING, votes for itself with zxid 0x${proposal.zxid.toString(16)}`);
    for (const vote of votes) {
      log(
        `server ${vote.at} hears from ${vote.from} (${vote.state}): leader ${vote.leader}, round ${vote.round}, ` +
          `peerEpoch ${vote.peerEpoch}, zxid 0x${vote.zxid.toString(16)}`,
      );
    }
    log(
      `server ${elected.id} leads; election took ${[...tookMs.values()].join(' / ')} ms; new zxids are in epoch ${epochAfter}`,
    );
    return { killed: leader.id, elected: elected.id, proposals, votes, tookMs, epochBefore, epochAfter };
  } finally {
    await client.close();
  }
}

function linesSince(member: EnsembleMember, offset: number): string[] {
  return readFileSync(member.files.logFile, 'utf8').slice(offset).split('\n');
}

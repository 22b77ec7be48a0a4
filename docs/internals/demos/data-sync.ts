import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { delimiter } from 'node:path';
import { promisify } from 'node:util';
import { ZooKeeperClient } from '@zk-cookbook/core/client';
import {
  locateJava,
  waitUntil,
  type EnsembleMember,
  type LocalEnsemble,
  type Probe,
} from '@zk-cookbook/core/ensemble';

/**
 * How a restarted follower catches up (数据同步). The follower tells the new leader the last zxid it
 * has (peerLastZxid); the leader compares it with the proposals it still holds in memory
 * (committedLog, the last 500 or more, between minCommittedLog and maxCommittedLog) and on disk:
 *
 * - DIFF: peerLastZxid is in that window — send the missing proposals;
 * - TRUNC: the follower has a zxid the leader never committed — cut it back first;
 * - SNAP: the follower is older than everything the leader can replay — send the whole tree.
 *
 * Both sides log their choice; this demo reads those lines back from the members' server.log.
 */

export type SyncMode = 'DIFF' | 'TRUNC' | 'SNAP';

export interface SyncObservation {
  readonly mode: SyncMode;
  readonly follower: EnsembleMember;
  readonly leader: EnsembleMember;
  /** what the leader weighed, from its "Synchronizing with Learner" line */
  readonly peerLastZxid: bigint;
  readonly minCommittedLog: bigint;
  readonly maxCommittedLog: bigint;
  /** the lines each side logged about the sync, for the reader */
  readonly leaderLines: string[];
  readonly followerLines: string[];
}

export type DemoLog = (line: string) => void;

const WAIT_MS = 30_000;
const LEADER_LINE =
  /Synchronizing with Learner sid: (\d+) maxCommittedLog=0x([0-9a-f]+) minCommittedLog=0x([0-9a-f]+) lastProcessedZxid=0x[0-9a-f]+ peerLastZxid=0x([0-9a-f]+)/;
const LEADER_DETAIL =
  /Synchronizing with Learner|Using committedLog|Use txnlog|Unable to find proposals|Txnlog size|Sending (DIFF|TRUNC|snapshot|SNAP)/;
const FOLLOWER_LINE = /Getting a (diff|snapshot) from (the )?leader|Truncating log/;

/**
 * Stops one follower, writes `writes` transactions without it, optionally purges the leader's old
 * logs (as zkCleanup.sh or autopurge would), restarts the follower and reports how it was synced.
 */
export async function restartLaggingFollower(
  ensemble: LocalEnsemble,
  options: { writes: number; purgeLeaderLogs?: boolean; log?: DemoLog },
): Promise<SyncObservation> {
  const log = options.log ?? (() => {});
  const leader = await ensemble.waitForQuorum({ timeoutMs: WAIT_MS });
  const follower = ensemble.members.find(
    (member) => member.id !== leader.id && member.role === 'participant',
  );
  if (!follower) throw new Error('the demo needs a follower');
  const others = ensemble.members.filter((member) => member !== follower).map((member) => member.address);
  const client = await ZooKeeperClient.connect(others.join(','), { logger: {} });
  try {
    await client.create('/sync-demo', null).catch(() => undefined);
    await ensemble.stop(follower.id);
    log(`stopped follower ${follower.id}; writing ${options.writes} transactions without it`);
    // Pipelined in batches: hundreds of writes in a second or two.
    for (let done = 0; done < options.writes; done += 100) {
      const batch = Math.min(100, options.writes - done);
      await Promise.all(
        Array.from({ length: batch }, () =>
          client.create('/sync-demo/n-', null, { mode: 'persistentSequential' }),
        ),
      );
    }
    if (options.purgeLeaderLogs) {
      await purgeOldFiles(ensemble, leader, 3);
      log(`purged leader ${leader.id}'s data directory down to its 3 newest snapshots`);
    }
    const leaderLogStart = statSync(leader.files.logFile).size;
    await ensemble.restart(follower.id, { timeoutMs: WAIT_MS });
    const observation = await waitUntil(
      `follower ${follower.id} to log how it was synced`,
      async (): Promise<Probe<SyncObservation>> => {
        const followerLines = follower
          .logTail(2_000)
          .split('\n')
          .filter((line) => FOLLOWER_LINE.test(line));
        const leaderLines = readFileSync(leader.files.logFile, 'utf8')
          .slice(leaderLogStart)
          .split('\n')
          .filter((line) => LEADER_DETAIL.test(line));
        const weighed = leaderLines
          .map((line) => LEADER_LINE.exec(line))
          .find((match) => match?.[1] === `${follower.id}`);
        const followerLine = followerLines.at(-1);
        if (!weighed || !followerLine)
          return { done: false, observed: `${followerLines.length} follower lines` };
        return {
          done: true,
          value: {
            mode: /snapshot/.test(followerLine) ? 'SNAP' : /Truncating/.test(followerLine) ? 'TRUNC' : 'DIFF',
            follower,
            leader,
            maxCommittedLog: BigInt(`0x${weighed[2]}`),
            minCommittedLog: BigInt(`0x${weighed[3]}`),
            peerLastZxid: BigInt(`0x${weighed[4]}`),
            leaderLines: leaderLines.map(trimLogLine),
            followerLines: followerLines.map(trimLogLine),
          },
        };
      },
      { timeoutMs: WAIT_MS },
    );
    log(`follower ${follower.id} got ${observation.mode}`);
    for (const line of observation.leaderLines) log(`  leader:   ${line}`);
    for (const line of observation.followerLines) log(`  follower: ${line}`);
    return observation;
  } finally {
    await client.close();
  }
}

/** Drops the thread and class names a reader does not need: "09:17:21.714 ... LearnerHandler - Sending DIFF ...". */
function trimLogLine(line: string): string {
  return line.replace(/^(\S+) \[.*\] (INFO|WARN|ERROR) (\S+\.)?(\w+) - /, '$1 $2 $4 - ');
}

/**
 * ZooKeeper's own PurgeTxnLog, the tool behind zkCleanup.sh and autopurge: keeps the newest
 * snapshots and the logs they need, deletes the rest. Run on the live leader as autopurge would.
 */
async function purgeOldFiles(ensemble: LocalEnsemble, member: EnsembleMember, keep: number): Promise<void> {
  const directory = member.files.dataDir;
  await promisify(execFile)(locateJava(), [
    '-cp',
    ensemble.zooKeeper.classpath.join(delimiter),
    'org.apache.zookeeper.server.PurgeTxnLog',
    directory,
    directory,
    '-n',
    `${keep}`,
  ]);
}

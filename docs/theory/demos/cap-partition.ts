import { ZooKeeperClient, ZooKeeperError } from '@zk-cookbook/core/client';
import { waitUntil, type EnsembleMember, type LocalEnsemble, type Probe } from '@zk-cookbook/core/ensemble';

/**
 * CAP on a real three-server ensemble. ZooKeeper chooses consistency: only a side that holds a
 * quorum accepts writes. A server started with `readonlymode.enabled=true` trades a little of that
 * back: cut off from its quorum it keeps answering reads — from whatever it had when it was cut off.
 *
 * The steps below build that situation without a firewall, using SIGSTOP only:
 *  1. pause one follower (the future minority) until the leader drops it;
 *  2. write through the majority, which the paused follower never sees;
 *  3. pause the majority and wake the follower: it is now alone, holding old data.
 */

export const DEMO_PATH = '/cap-demo';

export interface PartitionOutcome {
  /** The server left alone with old data. */
  readonly minority: EnsembleMember;
  /** The value the quorum committed while the minority was away. */
  readonly committed: string;
  /** What the minority served to a read-only client. */
  readonly servedByMinority: string;
  /** The error code the minority answered a write with. */
  readonly writeRefusedWith: string;
}

export interface DemoLog {
  (line: string): void;
}

const quiet: DemoLog = () => {};
const WAIT_MS = 30_000;

/** Connects to the given members only, so a demo decides which side of a partition a client is on. */
export function connectTo(
  members: readonly EnsembleMember[],
  options: { canBeReadOnly?: boolean } = {},
): Promise<ZooKeeperClient> {
  return ZooKeeperClient.connect(members.map((member) => member.address).join(','), {
    canBeReadOnly: options.canBeReadOnly ?? false,
    sessionTimeoutMs: 10_000,
    logger: {},
  });
}

function errorCode(error: unknown): string {
  if (error instanceof ZooKeeperError) return error.code;
  throw error;
}

async function waitForSyncedFollowers(leader: EnsembleMember, count: number): Promise<void> {
  await waitUntil(
    `leader ${leader.id} to count ${count} synced follower(s)`,
    async (): Promise<Probe<void>> => {
      const synced = (await leader.fourLetter.mntr()).syncedFollowers;
      return synced === count
        ? { done: true, value: undefined }
        : { done: false, observed: `${synced ?? 'no'} synced followers` };
    },
    { timeoutMs: WAIT_MS },
  );
}

/**
 * Leaves one follower alone with stale data (the ensemble must run with `readOnlyMode: true`),
 * shows that it refuses writes and still serves the old value, then heals the partition.
 */
export async function partitionMinority(
  ensemble: LocalEnsemble,
  log: DemoLog = quiet,
): Promise<PartitionOutcome> {
  const leader = await ensemble.waitForQuorum();
  const minority = ensemble.participants.find((member) => member.id !== leader.id)!;
  const majority = ensemble.participants.filter((member) => member !== minority);

  const writer = await connectTo(majority);
  try {
    await writer.create(DEMO_PATH, 'v1').catch((error: unknown) => {
      if (errorCode(error) !== 'NODEEXISTS') throw error;
      return writer.setData(DEMO_PATH, 'v1');
    });
    // The minority must hold v1 before it is cut off: a sync through it waits until it has caught up.
    const probe = await connectTo([minority]);
    await probe.sync(DEMO_PATH);
    log(`server ${minority.id} has ${(await probe.getData(DEMO_PATH)).data.toString()}`);
    await probe.close();

    await ensemble.pause(minority.id);
    // Until the leader gives up on the paused follower, proposals still queue on its socket and it
    // would apply them on waking; after, it has to rejoin (and learn them) through an election.
    await waitForSyncedFollowers(leader, 1);
    log(`paused server ${minority.id}; leader ${leader.id} dropped it`);

    const committed = 'v2';
    await writer.setData(DEMO_PATH, committed);
    log(
      `majority {${majority.map((m) => m.id).join(',')}} committed ${committed} without server ${minority.id}`,
    );

    for (const member of majority) await ensemble.pause(member.id);
    await ensemble.resume(minority.id);
    log(`paused the majority, woke server ${minority.id}: it is alone`);
    // On waking it still believes in its leader; only when it notices the silence does it drop its
    // clients and restart as a read-only server. A client connected before that would be cut off.
    await waitUntil(
      `server ${minority.id} to serve read-only`,
      async (): Promise<Probe<void>> => {
        const mode = (await ensemble.modes()).get(minority.id);
        return mode === 'read-only'
          ? { done: true, value: undefined }
          : { done: false, observed: String(mode) };
      },
      { timeoutMs: WAIT_MS },
    );

    const reader = await connectTo([minority], { canBeReadOnly: true });
    try {
      const servedByMinority = (await reader.getData(DEMO_PATH)).data.toString();
      log(`read-only server ${minority.id} serves ${servedByMinority} (state ${reader.state})`);
      const writeRefusedWith = await reader.setData(DEMO_PATH, 'v3').then(
        () => 'accepted',
        (error: unknown) => errorCode(error),
      );
      log(`a write to server ${minority.id} fails with ${writeRefusedWith}`);

      for (const member of majority) await ensemble.resume(member.id);
      await ensemble.waitForQuorum({ timeoutMs: WAIT_MS });
      log('partition healed');
      return { minority, committed, servedByMinority, writeRefusedWith };
    } finally {
      await reader.close();
    }
  } finally {
    await writer.close();
  }
}

export interface SyncOutcome {
  readonly rounds: number;
  /** Reads right after another client's write, without sync, that returned an older value. */
  readonly staleWithoutSync: number;
  /** Reads after `sync` that returned an older value (ZooKeeper promises zero). */
  readonly staleAfterSync: number;
}

/**
 * One client writes through the leader, another reads through a follower. ZooKeeper promises each
 * client its own order, not other clients' writes at once: a follower may not have applied the
 * commit yet. `sync` makes the follower catch up with the leader before the read is answered.
 */
export async function readAfterOtherClientsWrite(
  ensemble: LocalEnsemble,
  rounds: number,
  log: DemoLog = quiet,
): Promise<SyncOutcome> {
  const leader = await ensemble.waitForQuorum();
  const follower = ensemble.participants.find((member) => member.id !== leader.id)!;
  const writer = await connectTo([leader]);
  const reader = await connectTo([follower]);
  try {
    const path = `${DEMO_PATH}-sync`;
    await writer.create(path, '0').catch((error: unknown) => {
      if (errorCode(error) !== 'NODEEXISTS') throw error;
      return path;
    });
    let staleWithoutSync = 0;
    let staleAfterSync = 0;
    for (let round = 1; round <= rounds; round += 1) {
      await writer.setData(path, `w${round}`);
      if ((await reader.getData(path)).data.toString() !== `w${round}`) staleWithoutSync += 1;
      await writer.setData(path, `s${round}`);
      await reader.sync(path);
      if ((await reader.getData(path)).data.toString() !== `s${round}`) staleAfterSync += 1;
    }
    log(
      `${rounds} rounds via follower ${follower.id}: ${staleWithoutSync} stale reads without sync, ` +
        `${staleAfterSync} after sync`,
    );
    return { rounds, staleWithoutSync, staleAfterSync };
  } finally {
    await Promise.all([writer.close(), reader.close()]);
  }
}

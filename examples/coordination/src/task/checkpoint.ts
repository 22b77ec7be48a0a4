import {
  ensurePath,
  isZooKeeperError,
  type CallOptions,
  type Stat,
  type ZooKeeperClient,
} from '@zk-cookbook/core/client';
import { z } from 'zod';
import { CoordinationError } from '../errors.ts';
import type { TaskLayout } from '../layout.ts';

/**
 * How far the task has got: every record up to `offset` is in the output. `token` is the fencing
 * token (LeaderLatch lease, a czxid) of the instance that wrote it, as a decimal string; "0" before
 * anyone has.
 */
export interface Checkpoint {
  readonly offset: number;
  readonly token: string;
  readonly instanceId: string;
  /** wall-clock ms of the commit, for people; nothing depends on it */
  readonly at: number;
}

/**
 * A checkpoint with the node's version at which it was read. The version is the fence: a commit
 * names it, and ZooKeeper applies the commit only if nobody has written the checkpoint since.
 */
export interface VersionedCheckpoint {
  readonly checkpoint: Checkpoint;
  readonly version: number;
  /** the zxid of the write that made it, as a decimal string */
  readonly mzxid: string;
}

const checkpointSchema = z.object({
  offset: z.number().int().min(0),
  token: z.string().regex(/^\d+$/),
  instanceId: z.string(),
  at: z.number(),
});

export const INITIAL_CHECKPOINT: Checkpoint = { offset: 0, token: '0', instanceId: '', at: 0 };

export function encodeCheckpoint(checkpoint: Checkpoint): string {
  return JSON.stringify(checkpoint);
}

export function decodeCheckpoint(data: Buffer, path: string): Checkpoint {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data.toString('utf8'));
  } catch {
    throw new CoordinationError('BAD_CHECKPOINT', 'decode checkpoint', 'not JSON', { path });
  }
  const result = checkpointSchema.safeParse(parsed);
  if (!result.success)
    throw new CoordinationError('BAD_CHECKPOINT', 'decode checkpoint', result.error.issues[0]!.message, {
      path,
    });
  return result.data;
}

export function versioned(checkpoint: Checkpoint, stat: Stat): VersionedCheckpoint {
  return { checkpoint, version: stat.version, mzxid: stat.mzxid.toString() };
}

/**
 * Reads the checkpoint as the ensemble has it now, creating the task's nodes on first use. The
 * `sync` first matters: a new leader may be connected to a follower that has not yet applied its
 * predecessor's last commit, and starting from an older checkpoint would only cost a refused
 * commit — but reading the newest one costs nothing.
 */
export async function readCheckpoint(
  client: ZooKeeperClient,
  layout: TaskLayout,
  options: CallOptions = {},
): Promise<VersionedCheckpoint> {
  for (;;) {
    try {
      await client.sync(layout.checkpoint, options);
      const { data, stat } = await client.getData(layout.checkpoint, options);
      return versioned(decodeCheckpoint(data, layout.checkpoint), stat);
    } catch (error) {
      if (!isZooKeeperError(error, 'NONODE')) throw error;
    }
    // Persistent, not containers: an empty output node must not be reaped by the server.
    await ensurePath(client, layout.output, { ...options, parentMode: 'persistent' });
    try {
      await client.create(layout.checkpoint, encodeCheckpoint(INITIAL_CHECKPOINT), options);
    } catch (error) {
      // Another instance created it first: read theirs.
      if (!isZooKeeperError(error, 'NODEEXISTS')) throw error;
    }
  }
}

/** Fencing tokens are czxids: compare them as numbers, not as strings. */
export function compareTokens(left: string, right: string): number {
  const difference = BigInt(left) - BigInt(right);
  return difference === 0n ? 0 : difference < 0n ? -1 : 1;
}

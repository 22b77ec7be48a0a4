import {
  MultiError,
  joinPath,
  op,
  type CallOptions,
  type MultiOp,
  type ZooKeeperClient,
} from '@zk-cookbook/core/client';
import { CoordinationError } from '../errors.ts';
import type { InputRecord } from '../input-log.ts';
import { OUTPUT_ENTRY_PREFIX, type TaskLayout } from '../layout.ts';
import { compareTokens, encodeCheckpoint, type Checkpoint, type VersionedCheckpoint } from './checkpoint.ts';

/** What one output entry holds: the record, and who applied it under which fencing token. */
export interface OutputEntry {
  readonly offset: number;
  readonly record: string;
  readonly token: string;
  readonly instanceId: string;
}

export interface CommitRequest {
  /** the checkpoint the batch continues from, with the version it was read (or written) at */
  from: VersionedCheckpoint;
  /** the records right after from.checkpoint.offset, in order */
  records: readonly InputRecord[];
  /** the committing instance's fencing token (its leadership lease) */
  token: string;
  instanceId: string;
}

/**
 * Applies a batch of records and moves the checkpoint past them in ONE transaction:
 *
 *   multi( setData(checkpoint, {offset + n}, version = from.version),
 *          create(output/entry-, record 1) … create(output/entry-, record n) )
 *
 * Why this gives every record exactly once, in order, whoever crashes or pauses when:
 * - all or nothing: the output never holds a record the checkpoint does not cover, nor the other
 *   way round, so a successor starting from the checkpoint neither skips nor repeats;
 * - the version check fences: the commit applies only if the checkpoint is still the one this batch
 *   continues from. An instance that was paused (SIGSTOP, a long GC) past its session and resumes
 *   with a batch in hand names an old version and is refused (BADVERSION) — even if its request
 *   reaches ZooKeeper after a successor's commits. Without the check its records would be appended a
 *   second time: output entries are sequential nodes, which never collide;
 * - an ambiguous outcome (the connection dropped before the reply) is settled by reading the
 *   checkpoint again: the batch committed if and only if the checkpoint moved past it.
 *
 * Refused commits throw CoordinationError FENCED; the caller re-reads the checkpoint.
 */
export async function commitBatch(
  client: ZooKeeperClient,
  layout: TaskLayout,
  { from, records, token, instanceId }: CommitRequest,
  options: CallOptions = {},
): Promise<VersionedCheckpoint> {
  const first = records[0];
  if (!first || first.offset !== from.checkpoint.offset + 1)
    throw new CoordinationError(
      'BAD_INPUT_LOG',
      'commitBatch',
      `a batch continuing from offset ${from.checkpoint.offset} must start at ${from.checkpoint.offset + 1}`,
    );
  // A checkpoint written under a newer token means a newer leader exists: this one must stop, even
  // though its own version might (after re-reading) match.
  if (compareTokens(from.checkpoint.token, token) > 0)
    throw new CoordinationError(
      'FENCED',
      'commitBatch',
      `checkpoint written under token ${from.checkpoint.token}, newer than ours (${token})`,
      { path: layout.checkpoint },
    );
  const next: Checkpoint = {
    offset: from.checkpoint.offset + records.length,
    token,
    instanceId,
    at: Date.now(),
  };
  const entryPath = joinPath(layout.output, OUTPUT_ENTRY_PREFIX);
  const ops: MultiOp[] = [
    op.setData(layout.checkpoint, encodeCheckpoint(next), from.version),
    ...records.map((record) => {
      const entry: OutputEntry = { offset: record.offset, record: record.text, token, instanceId };
      return op.create(entryPath, JSON.stringify(entry), { mode: 'persistentSequential' });
    }),
  ];
  try {
    const results = await client.multi(ops, options);
    const written = results[0];
    if (written?.type !== 'setData') throw new Error('multi answered without the checkpoint write');
    return {
      checkpoint: next,
      version: written.stat.version,
      mzxid: written.stat.mzxid.toString(),
    };
  } catch (error) {
    if (error instanceof MultiError && error.code === 'BADVERSION' && error.failedIndex === 0)
      throw new CoordinationError(
        'FENCED',
        'commitBatch',
        `the checkpoint moved on since version ${from.version}: another instance committed`,
        { path: layout.checkpoint, zooKeeperCode: 'BADVERSION' },
      );
    throw error;
  }
}

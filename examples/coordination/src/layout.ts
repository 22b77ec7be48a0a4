import { joinPath } from '@zk-cookbook/core/client';
import { z } from 'zod';

/**
 * The znodes of the coordination pattern under its root (default /coordination):
 *
 *   /coordination
 *     tasks
 *       <task>
 *         leader                          LeaderLatch: one _c_…-latch-<seq> [ES] per instance
 *         checkpoint  {"offset","token","instanceId","at"}   version = number of commits
 *         output
 *           entry-0000000000  {"offset","record","token","instanceId"}   one per applied record
 *     workers
 *       <instance id> [E] {"state","offset","token","beat","incarnation",…}   GroupMember, heartbeats
 *     departures
 *       <instance id>  {"incarnation","at"}   written by a graceful shutdown just before it leaves
 *     rounds
 *       round-0000000000  {"memberQty","workMs","createdAt"}
 *         gate                            DistributedBarrier: the start gun, lowered by the monitor
 *         together                        DistributedDoubleBarrier: members enter and leave together
 *         reports
 *           <instance id>  {"arrivedAt","enteredAt","workEndedAt","leftAt"}
 */
export interface CoordinationLayout {
  readonly root: string;
  readonly workers: string;
  readonly departures: string;
  readonly rounds: string;
}

export interface TaskLayout {
  readonly task: string;
  readonly leader: string;
  readonly checkpoint: string;
  readonly output: string;
}

export const DEFAULT_ROOT = '/coordination';
export const DEFAULT_TASK = 'replication';
/** Output entries are sequential nodes: `entry-0000000042`. */
export const OUTPUT_ENTRY_PREFIX = 'entry-';

export function coordinationLayout(root = DEFAULT_ROOT): CoordinationLayout {
  return {
    root,
    workers: joinPath(root, 'workers'),
    departures: joinPath(root, 'departures'),
    rounds: joinPath(root, 'rounds'),
  };
}

export function taskLayout(root: string, task: string): TaskLayout {
  const base = joinPath(joinPath(root, 'tasks'), task);
  return {
    task: base,
    leader: joinPath(base, 'leader'),
    checkpoint: joinPath(base, 'checkpoint'),
    output: joinPath(base, 'output'),
  };
}

/** Instance ids and task names become node names: letters, digits, `.`, `_`, `-`. */
export const nodeNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][\w.-]{0,63}$/, 'letters, digits, ".", "_" and "-", starting with a letter or digit');

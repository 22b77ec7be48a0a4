import { CreateFlags, OpCode } from '../jute/protocol.ts';
import { ZooKeeperError } from './errors.ts';

/**
 * How a node lives and is named:
 * - persistent: until deleted
 * - ephemeral: until the creating session ends
 * - *Sequential: the server appends a 10-digit counter unique under the parent
 * - container: deleted by the server once its last child is gone (used for recipe parents)
 * - *WithTtl: deleted by the server when unchanged for ttlMs and childless (needs the server's
 *   zookeeper.extendedTypesEnabled=true)
 */
export type CreateMode = keyof typeof CreateFlags;

export function isSequential(mode: CreateMode): boolean {
  return (
    mode === 'persistentSequential' ||
    mode === 'ephemeralSequential' ||
    mode === 'persistentSequentialWithTtl'
  );
}

export function isEphemeral(mode: CreateMode): boolean {
  return mode === 'ephemeral' || mode === 'ephemeralSequential';
}

export function isTtl(mode: CreateMode): boolean {
  return mode === 'persistentWithTtl' || mode === 'persistentSequentialWithTtl';
}

/** The largest TTL the server accepts (EphemeralType.MAX_EXTENDED_SERVER_ID bits leave 40 for the TTL). */
export const MAX_TTL_MS = 0xff_ffff_ffff;

/**
 * Containers and TTL nodes have their own opcodes; everything else is create (path only in the
 * response) or create2 (path and Stat).
 */
export function createOpCode(mode: CreateMode, withStat: boolean): number {
  if (mode === 'container') return OpCode.createContainer;
  if (isTtl(mode)) return OpCode.createTTL;
  return withStat ? OpCode.create2 : OpCode.create;
}

export function validateCreateMode(
  mode: CreateMode,
  ttlMs: number | undefined,
  context: { operation: string; path: string },
): void {
  if (!(mode in CreateFlags)) {
    throw new ZooKeeperError('BADARGUMENTS', { ...context, detail: `unknown create mode "${String(mode)}"` });
  }
  if (isTtl(mode)) {
    if (ttlMs === undefined || !Number.isInteger(ttlMs) || ttlMs <= 0 || ttlMs > MAX_TTL_MS) {
      throw new ZooKeeperError('BADARGUMENTS', {
        ...context,
        detail: `mode ${mode} needs ttlMs, an integer between 1 and ${MAX_TTL_MS}; got ${String(ttlMs)}`,
      });
    }
  } else if (ttlMs !== undefined) {
    throw new ZooKeeperError('BADARGUMENTS', {
      ...context,
      detail: `ttlMs is only valid with persistentWithTtl or persistentSequentialWithTtl, not ${mode}`,
    });
  }
}

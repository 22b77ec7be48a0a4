import { z } from 'zod';
import { ClusterManagementError } from '../errors.ts';

/**
 * The assignment node's content: which collector collects which sources, written only by the
 * coordinator that leads. `generation` counts the rebalances; `fencingToken` is the leader's token
 * (the czxid of its latch node), so a reader sees which term wrote it.
 */
export const assignmentDocument = z.object({
  generation: z.number().int().nonnegative(),
  coordinator: z.string(),
  fencingToken: z.string(),
  strategy: z.string(),
  collectors: z.record(z.string(), z.array(z.string())),
});
export type AssignmentDocument = z.infer<typeof assignmentDocument>;

/** Source → the collector it is assigned to. */
export type Owners = ReadonlyMap<string, string>;

export const EMPTY_ASSIGNMENT: AssignmentDocument = {
  generation: 0,
  coordinator: '',
  fencingToken: '0',
  strategy: '',
  collectors: {},
};

export function decodeAssignment(data: Buffer, path: string): AssignmentDocument {
  if (data.length === 0) return EMPTY_ASSIGNMENT;
  let parsed: unknown;
  try {
    parsed = JSON.parse(data.toString('utf8'));
  } catch (error) {
    throw new ClusterManagementError('BAD_ASSIGNMENT', 'decodeAssignment', (error as Error).message, {
      path,
    });
  }
  const result = assignmentDocument.safeParse(parsed);
  if (!result.success) {
    throw new ClusterManagementError('BAD_ASSIGNMENT', 'decodeAssignment', result.error.message, { path });
  }
  return result.data;
}

export function ownersOf(document: Pick<AssignmentDocument, 'collectors'>): Map<string, string> {
  const owners = new Map<string, string>();
  for (const [collector, sources] of Object.entries(document.collectors))
    for (const source of sources) owners.set(source, collector);
  return owners;
}

/** The per-collector lists of an owner map, every collector listed (an idle one with []), sorted. */
export function collectorsOf(owners: Owners, collectors: readonly string[]): Record<string, string[]> {
  const lists: Record<string, string[]> = Object.fromEntries([...collectors].sort().map((id) => [id, []]));
  for (const [source, collector] of owners) (lists[collector] ??= []).push(source);
  for (const list of Object.values(lists)) list.sort();
  return lists;
}

/** How many sources changed hands between two assignments (new and lost sources do not count). */
export function countMoves(before: Owners, after: Owners): number {
  let moves = 0;
  for (const [source, owner] of after) {
    const previous = before.get(source);
    if (previous !== undefined && previous !== owner) moves++;
  }
  return moves;
}

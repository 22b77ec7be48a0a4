import { RecipeError } from '../core/errors.ts';

/**
 * How the four Curator queue variants name their items, and in what order consumers take them.
 * Every item is a persistent-sequential child `queue-<variant part><10-digit counter>` of the queue
 * path; the variant part carries the priority, the due time or the id (curator-wire-format.md §5.2):
 *
 * | variant  | item name                               | consumers take                        |
 * |----------|-----------------------------------------|---------------------------------------|
 * | fifo     | `queue-0000000007`                      | in name order                         |
 * | priority | `queue-<0 or 1><8 hex digits><seq>`     | in name order: lowest priority first  |
 * | delay    | `queue-\|<due epoch ms, %08X>\|<seq>`   | due items, earliest due first         |
 * | id       | `queue-\|<id, / and \| as _>\|<seq>`    | in name order without the `\|id\|`    |
 *
 * Children not starting with `queue-` are not items: Curator ignores them, and so do we.
 */
export const ITEM_PREFIX = 'queue-';
const SEPARATOR = '|';

export interface ItemNaming {
  readonly variant: 'fifo' | 'priority' | 'delay' | 'id';
  /** consumers' order of item names */
  compare(a: string, b: string): number;
  /** epoch ms from which the item may be taken; 0 for every variant but delay */
  dueAt(name: string): number;
}

export function isItemName(name: string): boolean {
  return name.startsWith(ITEM_PREFIX);
}

/** Item names among `children`, in the order consumers take them. */
export function sortItems(children: readonly string[], naming: ItemNaming): string[] {
  return children.filter(isItemName).sort((a, b) => naming.compare(a, b));
}

/**
 * What a requeued item is created as: its own name without the counter, so it keeps its priority,
 * due time and id (Curator keeps only the id, CURATOR-224; a requeued priority item loses its
 * priority there).
 */
export function requeuePrefix(name: string): string {
  return name.slice(0, -10);
}

/** Java's String.compareTo for the ASCII names ZooKeeper children have here. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export const fifoNaming: ItemNaming = {
  variant: 'fifo',
  compare: compareText,
  dueAt: () => 0,
};

// ---- priority ----------------------------------------------------------------------------------

/**
 * DistributedPriorityQueue.priorityToString: "0" for negative, "1" otherwise, then the int32's
 * two's-complement as 8 uppercase hex digits — so a plain string sort puts the lowest priority
 * first: -1 → 0FFFFFFFF, 0 → 100000000, 5 → 100000005.
 */
export function priorityPrefix(priority: number): string {
  if (!Number.isInteger(priority) || priority < -0x8000_0000 || priority > 0x7fff_ffff) {
    throw new RecipeError(
      'BAD_ARGUMENT',
      'DistributedPriorityQueue',
      undefined,
      `priority must be a 32-bit integer, got ${priority}`,
    );
  }
  const hex = (priority >>> 0).toString(16).toUpperCase().padStart(8, '0');
  return `${ITEM_PREFIX}${priority < 0 ? '0' : '1'}${hex}`;
}

export const priorityNaming: ItemNaming = {
  variant: 'priority',
  compare: compareText,
  dueAt: () => 0,
};

// ---- delay -------------------------------------------------------------------------------------

/** `queue-|<delayUntil as %08X>|`: Curator formats the epoch with at least 8 uppercase hex digits. */
export function delayPrefix(delayUntilEpochMs: number): string {
  if (!Number.isSafeInteger(delayUntilEpochMs) || delayUntilEpochMs < 0) {
    throw new RecipeError(
      'BAD_ARGUMENT',
      'DistributedDelayQueue',
      undefined,
      `delayUntilEpochMs must be a non-negative integer (epoch milliseconds), got ${delayUntilEpochMs}`,
    );
  }
  const hex = delayUntilEpochMs.toString(16).toUpperCase().padStart(8, '0');
  return `${ITEM_PREFIX}${SEPARATOR}${hex}${SEPARATOR}`;
}

/**
 * The due time between the last two separators (DistributedDelayQueue.getEpoch); 0 — due now — for
 * a name without one, e.g. an item requeued by Curator, which drops the delay.
 */
export function dueTimeOf(name: string): number {
  const second = name.lastIndexOf(SEPARATOR);
  const first = second > 0 ? name.lastIndexOf(SEPARATOR, second - 1) : -1;
  if (first <= 0 || second <= first + 1) return 0;
  const hex = name.slice(first + 1, second);
  return /^[0-9a-fA-F]+$/.test(hex) ? Number.parseInt(hex, 16) : 0;
}

export const delayNaming: ItemNaming = {
  variant: 'delay',
  // Curator sorts by remaining delay, which is the due time's order; the name breaks ties.
  compare: (a, b) => dueTimeOf(a) - dueTimeOf(b) || compareText(a, b),
  dueAt: dueTimeOf,
};

// ---- id ----------------------------------------------------------------------------------------

/** DistributedIdQueue.fixId: `/` and `|` cannot appear inside the name part, so they become `_`. */
export function fixId(id: string): string {
  return id.replaceAll('/', '_').replaceAll(SEPARATOR, '_');
}

export function idPrefix(id: string): string {
  if (typeof id !== 'string' || id.length === 0) {
    throw new RecipeError('BAD_ARGUMENT', 'DistributedIdQueue', undefined, 'id must be a non-empty string');
  }
  return `${ITEM_PREFIX}${SEPARATOR}${fixId(id)}${SEPARATOR}`;
}

/** DistributedIdQueue.parseId: the (fixed) id, and the name with `|id|` cut out, used for sorting. */
export function parseId(name: string): { id: string; withoutId: string } {
  const first = name.indexOf(SEPARATOR);
  const second = first < 0 ? -1 : name.indexOf(SEPARATOR, first + 1);
  if (first < 0 || second < 0) return { id: name, withoutId: name };
  return { id: name.slice(first + 1, second), withoutId: name.slice(0, first) + name.slice(second + 1) };
}

export const idNaming: ItemNaming = {
  variant: 'id',
  compare: (a, b) => compareText(parseId(a).withoutId, parseId(b).withoutId) || compareText(a, b),
  dueAt: () => 0,
};

import type { Owners } from './assignment.ts';

/**
 * A strategy maps the current owners, the live collectors and the sources to new owners. Both
 * strategies balance the count (every collector gets ⌊n/k⌋ or ⌈n/k⌉ sources); they differ in how
 * many sources change hands to get there, and every move is a hand-over — the old collector stops,
 * releases its claim, the new one takes it — during which nobody collects that source.
 */
export interface AssignmentStrategy {
  readonly name: 'sticky' | 'redeal';
  assign(current: Owners, collectors: readonly string[], sources: readonly string[]): Map<string, string>;
}

/**
 * The book's "local dynamic assignment" (局部动态分配): a source stays with its collector while that
 * collector lives and is not over its share. A dead or departed collector's sources, and the excess
 * of over-full collectors, go to the least-loaded ones. A join takes only what the newcomer's share
 * needs; a departure moves only the departed collector's sources: the fewest moves a balanced
 * assignment allows.
 */
export const stickyStrategy: AssignmentStrategy = {
  name: 'sticky',
  assign(current, collectors, sources) {
    const owners = new Map<string, string>();
    if (collectors.length === 0) return owners;
    const live = new Set(collectors);
    const kept = new Map<string, string[]>(collectors.map((id) => [id, []]));
    const pool: string[] = [];
    for (const source of [...sources].sort()) {
      const owner = current.get(source);
      if (owner !== undefined && live.has(owner)) kept.get(owner)!.push(source);
      else pool.push(source);
    }
    // The collectors holding most keep the ⌈n/k⌉ shares, so the fewest sources leave them.
    const base = Math.floor(sources.length / collectors.length);
    let extra = sources.length % collectors.length;
    const byKept = [...collectors].sort(
      (a, b) => kept.get(b)!.length - kept.get(a)!.length || a.localeCompare(b),
    );
    const quota = new Map<string, number>();
    for (const id of byKept) quota.set(id, base + (extra-- > 0 ? 1 : 0));
    for (const id of byKept) {
      const mine = kept.get(id)!;
      pool.push(...mine.splice(quota.get(id)!));
    }
    for (const id of byKept) for (const source of kept.get(id)!) owners.set(source, id);
    // The pool fills the emptiest first, so that no collector is left idle while others wait.
    const open = [...collectors].sort(
      (a, b) => kept.get(a)!.length - kept.get(b)!.length || a.localeCompare(b),
    );
    for (const id of open) {
      const room = quota.get(id)! - kept.get(id)!.length;
      for (const source of pool.splice(0, room)) owners.set(source, id);
    }
    return owners;
  },
};

/**
 * The book's "global dynamic assignment" (全局动态分配), done naively: deal the sorted sources to the
 * sorted collectors in turn, ignoring who had what. Simple and balanced, but one collector joining
 * or leaving shifts most sources to a new owner.
 */
export const redealStrategy: AssignmentStrategy = {
  name: 'redeal',
  assign(_current, collectors, sources) {
    const owners = new Map<string, string>();
    const dealers = [...collectors].sort();
    if (dealers.length === 0) return owners;
    [...sources].sort().forEach((source, index) => owners.set(source, dealers[index % dealers.length]!));
    return owners;
  },
};

export const STRATEGIES = { sticky: stickyStrategy, redeal: redealStrategy } as const;
export type StrategyName = keyof typeof STRATEGIES;

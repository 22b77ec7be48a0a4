/**
 * Ordering of sequential contender nodes (locks, latches, semaphores).
 *
 * Every sequential child of one parent draws from the parent's counter, so the 10-digit suffix
 * orders contenders by creation. The name part before the suffix differs between libraries:
 * Curator writes `_c_<uuid>-lock-0000000007`, Kazoo `<uuid32hex>__lock__0000000007`. Sorting on the
 * suffix that follows the last occurrence of a known lock name — and ignoring children that have
 * none — orders a mixed directory the way each library orders its own nodes.
 */
export interface Contender {
  /** the child's name */
  name: string;
  /** which lock name it carries, e.g. "lock-", "__READ__" */
  lockName: string;
  /** the counter ZooKeeper appended (negative after the 32-bit counter wrapped) */
  sequence: number;
}

const SEQUENCE = /^(\d{10}|-\d{9})$/;

export function parseContender(name: string, lockNames: readonly string[]): Contender | undefined {
  let best: { lockName: string; index: number } | undefined;
  for (const lockName of lockNames) {
    const index = name.lastIndexOf(lockName);
    if (index >= 0 && (!best || index > best.index)) best = { lockName, index };
  }
  if (!best) return undefined;
  const suffix = name.slice(best.index + best.lockName.length);
  if (!SEQUENCE.test(suffix)) return undefined;
  return { name, lockName: best.lockName, sequence: Number.parseInt(suffix, 10) };
}

/** Contenders among `children`, oldest first. Children carrying none of the lock names are ignored. */
export function sortContenders(children: readonly string[], lockNames: readonly string[]): Contender[] {
  const contenders: Contender[] = [];
  for (const child of children) {
    const contender = parseContender(child, lockNames);
    if (contender) contenders.push(contender);
  }
  return contenders.sort(
    (a, b) => a.sequence - b.sequence || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
}

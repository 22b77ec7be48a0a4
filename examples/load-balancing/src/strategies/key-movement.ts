import { HashRing } from './hash-ring.ts';
import { keyHash } from './key-hash.ts';
import { keysMoved } from './keys-moved.ts';
import { moduloOwnerOfHash } from './modulo-hash.ts';
import type { Candidate } from './strategy.ts';

export interface KeyMovement {
  /** share of the sample keys that changed owner with a consistent-hash ring (0..1) */
  consistentHash: number;
  /** the same with hash mod n */
  modulo: number;
  /** what a perfect scheme would move: the share of the provider that joined or left */
  ideal: number;
}

/**
 * How many of `keys` change owner when the providers go from `before` to `after`, under
 * consistent hashing and under modulo hashing.
 */
export function keyMovement(
  before: readonly Candidate[],
  after: readonly Candidate[],
  keys: readonly string[],
): KeyMovement {
  const ringBefore = new HashRing(before);
  const ringAfter = new HashRing(after);
  // Modulo hashing depends on the order; every gateway orders providers by id, as ZooKeeper lists them.
  const sorted = (candidates: readonly Candidate[]) => [...candidates].sort((a, b) => (a.id < b.id ? -1 : 1));
  const moduloBefore = sorted(before);
  const moduloAfter = sorted(after);
  const beforeIds = new Set(before.map((candidate) => candidate.id));
  const afterIds = new Set(after.map((candidate) => candidate.id));
  const changed = [
    ...before.filter((candidate) => !afterIds.has(candidate.id)),
    ...after.filter((candidate) => !beforeIds.has(candidate.id)),
  ];
  const weightOf = (candidates: readonly Candidate[]) => candidates.reduce((sum, c) => sum + c.weight, 0);
  const larger = Math.max(weightOf(before), weightOf(after));
  // One MD5 per key, not four: the gateway runs this on its event loop at every join and leave.
  const hashes = new Map(keys.map((key) => [key, keyHash(key)]));
  const hashOf = (key: string) => hashes.get(key)!;
  return {
    consistentHash: keysMoved(
      keys,
      (key) => ringBefore.ownerOf(hashOf(key))?.id,
      (key) => ringAfter.ownerOf(hashOf(key))?.id,
    ),
    modulo: keysMoved(
      keys,
      (key) => moduloOwnerOfHash(moduloBefore, hashOf(key))?.id,
      (key) => moduloOwnerOfHash(moduloAfter, hashOf(key))?.id,
    ),
    ideal: larger > 0 ? weightOf(changed) / larger : 0,
  };
}

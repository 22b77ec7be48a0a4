import { keyHash } from './key-hash.ts';
import type { Candidate } from './strategy.ts';

/**
 * The naive way to make a key sticky: hash mod the number of providers. It is what consistent
 * hashing is measured against — when n changes, almost every key moves (all but about 1/n of
 * them), so every provider's cache goes cold at once. Not offered as a gateway strategy.
 */
export function moduloOwner<C extends Candidate>(candidates: readonly C[], key: string): C | undefined {
  return moduloOwnerOfHash(candidates, keyHash(key));
}

/** The same for a key already hashed (keyHash). */
export function moduloOwnerOfHash<C extends Candidate>(
  candidates: readonly C[],
  hash: number,
): C | undefined {
  return candidates.length === 0 ? undefined : candidates[hash % candidates.length];
}

import { keyHash } from './key-hash.ts';
import type { Candidate } from './strategy.ts';

/**
 * The naive way to make a key sticky: hash mod the number of providers. It is what consistent
 * hashing is measured against — when n changes, almost every key moves (all but about 1/n of
 * them), so every provider's cache goes cold at once. Not offered as a gateway strategy.
 */
export function moduloOwner<C extends Candidate>(candidates: readonly C[], key: string): C | undefined {
  if (candidates.length === 0) return undefined;
  return candidates[keyHash(key) % candidates.length];
}

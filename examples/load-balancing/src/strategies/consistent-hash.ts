import { HashRing, DEFAULT_POINTS_PER_WEIGHT } from './hash-ring.ts';
import { keyHash } from './key-hash.ts';
import type { Candidate, PickContext, Strategy } from './strategy.ts';

/** Rings kept for recent offers: the full list, and the same list less a provider or two (retries). */
const RINGS_KEPT = 8;

/**
 * Requests with the same key go to the same provider for as long as it is offered — a cache per
 * provider stays warm, a session's state stays on one machine. When a provider joins or leaves,
 * only the keys of the arcs it gains or loses move (see HashRing). A request without a key has
 * nothing to be sticky about and is spread by its own random key.
 */
export class ConsistentHash implements Strategy {
  readonly name = 'consistent-hash';
  private readonly rings = new Map<string, HashRing<Candidate>>();

  constructor(
    private readonly pointsPerWeight = DEFAULT_POINTS_PER_WEIGHT,
    private readonly random: () => number = Math.random,
  ) {}

  pick<C extends Candidate>(candidates: readonly C[], context: PickContext): C | undefined {
    if (candidates.length === 0) return undefined;
    const key = context.key ?? String(this.random());
    return this.ringFor(candidates).ownerOf(keyHash(key)) as C | undefined;
  }

  /** Building a ring costs an MD5 per four points: keep the ones recently asked for. */
  private ringFor<C extends Candidate>(candidates: readonly C[]): HashRing<C> {
    const signature = candidates.map((candidate) => `${candidate.id}*${candidate.weight}`).join('\n');
    let ring = this.rings.get(signature);
    if (ring) {
      // Most recently used last, so that the oldest is the first to go.
      this.rings.delete(signature);
    } else {
      ring = new HashRing<Candidate>(candidates, this.pointsPerWeight);
      if (this.rings.size >= RINGS_KEPT) this.rings.delete(this.rings.keys().next().value!);
    }
    this.rings.set(signature, ring);
    return ring as HashRing<C>;
  }
}

import { md5Points } from './key-hash.ts';
import type { Candidate } from './strategy.ts';

/** Points on the ring per unit of weight: 40 MD5 digests of 4 points each, as ketama uses. */
export const DEFAULT_POINTS_PER_WEIGHT = 160;

/**
 * A consistent-hash ring: every provider owns many points (virtual nodes) spread over 0..2³²-1, and
 * a key belongs to the owner of the first point at or after the key's hash. When a provider joins,
 * it takes over only the arcs its own points cut off — about 1/n of the keys — and every other key
 * stays where it was; when it leaves, only its keys move, spread over all the others. With one
 * point per provider the arcs would be very unequal; many points even the load out.
 */
export class HashRing<C extends Candidate> {
  private readonly points: Uint32Array;
  private readonly owners: C[];

  constructor(
    candidates: readonly C[],
    readonly pointsPerWeight = DEFAULT_POINTS_PER_WEIGHT,
  ) {
    const placed: { point: number; owner: C }[] = [];
    for (const candidate of candidates) {
      const digests = Math.ceil((candidate.weight * pointsPerWeight) / 4);
      for (let replica = 0; replica < digests; replica++) {
        for (const point of md5Points(`${candidate.id}-${replica}`)) placed.push({ point, owner: candidate });
      }
    }
    // Ties (two providers on one point) go to the smaller id, so every gateway builds the same ring.
    placed.sort(
      (a, b) => a.point - b.point || (a.owner.id < b.owner.id ? -1 : a.owner.id > b.owner.id ? 1 : 0),
    );
    this.points = Uint32Array.from(placed, (entry) => entry.point);
    this.owners = placed.map((entry) => entry.owner);
  }

  get size(): number {
    return this.points.length;
  }

  /** The owner of `hash`: the first point at or after it, wrapping round past the top. */
  ownerOf(hash: number): C | undefined {
    if (this.points.length === 0) return undefined;
    let low = 0;
    let high = this.points.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.points[middle]! < hash) low = middle + 1;
      else high = middle;
    }
    return this.owners[low === this.points.length ? 0 : low];
  }
}

import { totalWeight, type Candidate, type Strategy } from './strategy.ts';

/**
 * Each provider with probability weight / total weight. No state to share or lose, which is why
 * many clients of one service can each pick on their own and still split the traffic by weight —
 * but only on average: short runs can be lopsided, unlike round-robin.
 */
export class WeightedRandom implements Strategy {
  readonly name = 'weighted-random';

  constructor(private readonly random: () => number = Math.random) {}

  pick<C extends Candidate>(candidates: readonly C[]): C | undefined {
    return pickWeighted(candidates, this.random);
  }
}

/** One candidate, with probability proportional to its weight. */
export function pickWeighted<C extends Candidate>(
  candidates: readonly C[],
  random: () => number,
): C | undefined {
  const total = totalWeight(candidates);
  if (total <= 0) return undefined;
  let point = random() * total;
  for (const candidate of candidates) {
    point -= candidate.weight;
    if (point < 0) return candidate;
  }
  // random() < 1, so only rounding can get here: the last one with any weight.
  return candidates.findLast((candidate) => candidate.weight > 0);
}

import type { Candidate, Strategy } from './strategy.ts';

/**
 * nginx's smooth weighted round-robin: each pick, every provider's running score grows by its
 * weight, the highest score wins and gives back the total. Weights 5, 1, 1 give a a b a c a a —
 * the heavy provider's turns spread out, not five in a row, so no provider gets a burst.
 *
 * Scores are kept per provider id, so a provider that leaves the offer for a while (its circuit
 * open, tried already by this request) keeps its place in the rotation when it comes back.
 */
export class SmoothWeightedRoundRobin implements Strategy {
  readonly name = 'round-robin';
  private readonly scores = new Map<string, number>();

  pick<C extends Candidate>(candidates: readonly C[]): C | undefined {
    let best: C | undefined;
    let bestScore = -Infinity;
    let total = 0;
    for (const candidate of candidates) {
      const score = (this.scores.get(candidate.id) ?? 0) + candidate.weight;
      this.scores.set(candidate.id, score);
      total += candidate.weight;
      if (score > bestScore) {
        best = candidate;
        bestScore = score;
      }
    }
    if (best) this.scores.set(best.id, bestScore - total);
    // Providers gone for good would otherwise stay in the map forever.
    if (this.scores.size > 2 * candidates.length + 16) this.forgetAllBut(candidates);
    return best;
  }

  private forgetAllBut(candidates: readonly Candidate[]): void {
    const kept = new Set(candidates.map((candidate) => candidate.id));
    for (const id of this.scores.keys()) if (!kept.has(id)) this.scores.delete(id);
  }
}

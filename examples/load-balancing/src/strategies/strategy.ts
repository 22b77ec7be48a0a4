/**
 * One provider as the strategies see it: who it is and how much of the traffic it should get. The
 * gateway builds these from the x-discovery records; the strategies know nothing of ZooKeeper.
 */
export interface Candidate {
  readonly id: string;
  /** relative share of the traffic, an integer ≥ 1 (weight 0 drains a provider: it is never offered) */
  readonly weight: number;
  /** where it runs, e.g. "eu-1"; the zone-preferring strategy keeps traffic inside one */
  readonly zone: string;
}

/** What a strategy may know about the request it places. */
export interface PickContext {
  /** the request's hash key (consistent hashing); undefined when the client sent none */
  readonly key?: string | undefined;
  /** requests in flight to a provider right now (least-active) */
  activeRequests(id: string): number;
}

/**
 * Picks one provider per request among those offered — already without drained providers, open
 * circuits and providers this request has tried. Pure bookkeeping in memory: a pick never waits.
 */
export interface Strategy {
  readonly name: StrategyName;
  pick<C extends Candidate>(candidates: readonly C[], context: PickContext): C | undefined;
}

export const STRATEGY_NAMES = ['round-robin', 'weighted-random', 'least-active', 'consistent-hash'] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

/** Sum of the weights; the strategies divide the traffic by it. */
export function totalWeight(candidates: readonly Candidate[]): number {
  let total = 0;
  for (const candidate of candidates) total += candidate.weight;
  return total;
}

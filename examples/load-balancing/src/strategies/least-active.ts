import type { Candidate, PickContext, Strategy } from './strategy.ts';
import { pickWeighted } from './weighted-random.ts';

/**
 * The provider with the fewest requests in flight from this gateway; among equals, by weight at
 * random (Dubbo's LeastActiveLoadBalance). A slow provider collects in-flight requests and so gets
 * fewer new ones — the strategy adapts to latency that weights cannot foresee. It sees only this
 * gateway's requests: two gateways do not know each other's load.
 */
export class LeastActive implements Strategy {
  readonly name = 'least-active';

  constructor(private readonly random: () => number = Math.random) {}

  pick<C extends Candidate>(candidates: readonly C[], context: PickContext): C | undefined {
    let fewest = Infinity;
    let least: C[] = [];
    for (const candidate of candidates) {
      const active = context.activeRequests(candidate.id);
      if (active < fewest) {
        fewest = active;
        least = [candidate];
      } else if (active === fewest) {
        least.push(candidate);
      }
    }
    return least.length === 1 ? least[0] : pickWeighted(least, this.random);
  }
}

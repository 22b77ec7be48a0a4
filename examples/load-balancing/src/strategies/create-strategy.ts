import { ConsistentHash } from './consistent-hash.ts';
import { LeastActive } from './least-active.ts';
import { SmoothWeightedRoundRobin } from './smooth-weighted-round-robin.ts';
import type { Strategy, StrategyName } from './strategy.ts';
import { WeightedRandom } from './weighted-random.ts';
import { ZonePreferring } from './zone-preferring.ts';

export interface StrategyChoice {
  strategy: StrategyName;
  /** keep traffic in this zone while it has a provider to offer */
  preferZone?: string | undefined;
}

/** A fresh strategy (its own rotation, its own rings) for a choice the gateway was given. */
export function createStrategy({ strategy, preferZone }: StrategyChoice): Strategy {
  const inner = makeStrategy(strategy);
  return preferZone ? new ZonePreferring(inner, preferZone) : inner;
}

function makeStrategy(name: StrategyName): Strategy {
  switch (name) {
    case 'round-robin':
      return new SmoothWeightedRoundRobin();
    case 'weighted-random':
      return new WeightedRandom();
    case 'least-active':
      return new LeastActive();
    case 'consistent-hash':
      return new ConsistentHash();
  }
}

// The balancing strategies: pure, in memory, no ZooKeeper.
export {
  STRATEGY_NAMES,
  totalWeight,
  type Candidate,
  type PickContext,
  type Strategy,
  type StrategyName,
} from './strategy.ts';
export { SmoothWeightedRoundRobin } from './smooth-weighted-round-robin.ts';
export { WeightedRandom, pickWeighted } from './weighted-random.ts';
export { LeastActive } from './least-active.ts';
export { ConsistentHash } from './consistent-hash.ts';
export { HashRing, DEFAULT_POINTS_PER_WEIGHT } from './hash-ring.ts';
export { ZonePreferring } from './zone-preferring.ts';
export { moduloOwner, moduloOwnerOfHash } from './modulo-hash.ts';
export { keysMoved, sampleKeys } from './keys-moved.ts';
export { keyMovement, type KeyMovement } from './key-movement.ts';
export { keyHash, md5Points } from './key-hash.ts';
export { createStrategy, type StrategyChoice } from './create-strategy.ts';

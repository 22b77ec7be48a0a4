export {
  SharedCount,
  type VersionedValue,
  type IncrementResult,
  type SharedCountEvents,
} from './shared-count.ts';
export { DistributedAtomicLong } from './distributed-atomic-long.ts';
export { DistributedAtomicInteger } from './distributed-atomic-integer.ts';
export type { AtomicResult, AtomicRetryPolicy, AtomicCallOptions } from './atomic-number.ts';

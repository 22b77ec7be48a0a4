export { DistributedBarrier } from './distributed-barrier.ts';
export {
  DistributedDoubleBarrier,
  type DoubleBarrierOptions,
  type BarrierWaitOptions,
} from './double-barrier.ts';

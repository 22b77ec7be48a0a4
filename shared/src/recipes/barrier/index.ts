export { DistributedBarrier } from './distributed-barrier.ts';
export {
  DistributedDoubleBarrier,
  READY_NODE,
  type DoubleBarrierOptions,
  type BarrierWaitOptions,
} from './double-barrier.ts';

export {
  LeaderLatch,
  type LeaderLatchEvents,
  type LeaderLatchOptions,
  type LeaderLatchState,
  type LeaderParticipant,
  type LeadershipWaitOptions,
} from './leader-latch.ts';
export {
  LeaderSelector,
  type LeaderSelectorEvents,
  type LeaderSelectorOptions,
  type LeaderSelectorState,
  type TakeLeadership,
} from './leader-selector.ts';

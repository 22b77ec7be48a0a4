export {
  LeaderLatch,
  LATCH_LOCK_NAME,
  type LeaderLatchEvents,
  type LeaderLatchOptions,
  type LeaderLatchState,
  type LeaderParticipant,
  type LeadershipWaitOptions,
} from './leader-latch.ts';
export {
  LeaderSelector,
  SELECTOR_LOCK_NAME,
  type LeaderSelectorEvents,
  type LeaderSelectorOptions,
  type LeaderSelectorState,
  type TakeLeadership,
} from './leader-selector.ts';

// The configuration centre: a publisher (admin API + live page) and subscribers (config in memory).
export {
  startPublisher,
  type PublisherOptions,
  type RunningPublisher,
} from './publisher/publisher-service.ts';
export { ConfigStore, type StoredValue } from './publisher/config-store.ts';
export {
  startSubscriber,
  type SubscriberOptions,
  type RunningSubscriber,
} from './subscriber/subscriber-service.ts';
export {
  ConfigSubscription,
  type AppliedValue,
  type ConfigChange,
  type ConfigSubscriptionOptions,
} from './subscriber/config-subscription.ts';
export { SubscriberBoard, type SubscriberState } from './viewer/subscriber-board.ts';
export {
  ADMIN_USER,
  DEFAULT_ROOT,
  DEFAULT_MAX_VALUE_BYTES,
  configAcl,
  configKey,
  configLayout,
  keyPath,
  registryAcl,
  type ConfigLayout,
} from './layout.ts';
export { ConfigCenterError, type ConfigCenterErrorCode } from './errors.ts';

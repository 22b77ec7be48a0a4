// The Configurator pattern: the service, its store, and the subscriber library.
export {
  startConfigurator,
  type ConfiguratorOptions,
  type RunningConfigurator,
} from './service/configurator-service.ts';
export {
  ConfigStore,
  DEFAULT_KEEP_VERSIONS,
  DEFAULT_MAX_VALUE_BYTES,
  type PublishRequest,
  type PublishResult,
} from './service/config-store.ts';
export { parseEditors, digestOf, editorAcl, type Editor } from './service/editors.ts';
export { DEMO_SCHEMA } from './service/demo-seed.ts';
export {
  startSubscriberService,
  type SubscriberServiceOptions,
  type RunningSubscriberService,
} from './subscriber/subscriber-service.ts';
export { ConfiguratorLayout, DEFAULT_ROOT, versionName } from './layout.ts';
export * from './client/index.ts';

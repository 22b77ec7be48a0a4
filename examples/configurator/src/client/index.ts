// The subscriber library: what a service embeds to run on the Configurator's configuration.
export {
  ConfigSubscriber,
  type AppliedValue,
  type ConfigSource,
  type ConfigSubscriberEvents,
  type ConfigSubscriberOptions,
} from './config-subscriber.ts';
export { LastKnownConfigFile, type LastKnownConfig } from './last-known-config.ts';

export {
  ServiceDiscovery,
  type DiscoveryCallOptions,
  type ServiceDiscoveryEvents,
  type ServiceDiscoveryOptions,
} from './service-discovery.ts';
export {
  serviceInstance,
  serializeServiceInstance,
  parseServiceInstance,
  type ServiceInstance,
  type ServiceInstanceInit,
  type ServiceType,
} from './service-instance.ts';
export { UriSpec, type UriSpecPart } from './uri-spec.ts';
export { ServiceCache, type ServiceCacheEvents, type ServiceCacheOptions } from './service-cache.ts';
export {
  ServiceProvider,
  type ServiceProviderEvents,
  type ServiceProviderOptions,
} from './service-provider.ts';
export {
  RandomStrategy,
  RoundRobinStrategy,
  StickyStrategy,
  type ProviderStrategy,
} from './provider-strategies.ts';
export { DownInstances, type DownInstancePolicy } from './down-instances.ts';

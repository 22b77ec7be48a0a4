// Software load balancing: providers register in x-discovery format; a gateway balances over them.
export { startProvider, type ProviderOptions, type RunningProvider } from './provider/provider-service.ts';
export { PROVIDER_HEADER } from './provider/provider-api.ts';
export {
  startGateway,
  PROXIED_PREFIX,
  type GatewayOptions,
  type RunningGateway,
} from './gateway/gateway-service.ts';
export {
  GATEWAY_ATTEMPTS_HEADER,
  GATEWAY_PROVIDER_HEADER,
  HASH_KEY_HEADER,
} from './gateway/proxy-handler.ts';
export { toProvider, type MembershipChange, type Provider } from './gateway/provider-list.ts';
export type { GatewayView, ProviderView } from './gateway/gateway-view.ts';
export type { MovementReport } from './gateway/gateway-feed.ts';
export { CircuitBreaker, type CircuitState } from './gateway/circuit-breaker.ts';
export * from './strategies/index.ts';
export {
  DEFAULT_ROOT,
  DEFAULT_SERVICE_NAME,
  providerPayload,
  servicesPath,
  type ProviderPayload,
} from './layout.ts';
export { LoadBalancingError, type LoadBalancingErrorCode } from './errors.ts';

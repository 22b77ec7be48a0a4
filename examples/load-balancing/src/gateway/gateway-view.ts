import type { ZooKeeperClient } from '@zk-cookbook/core/client';
import type { CircuitState } from './circuit-breaker.ts';
import type { LoadBalancer } from './load-balancer.ts';
import type { ProviderList } from './provider-list.ts';
import type { ClientTotals, TrafficSample, TrafficStats } from './traffic-stats.ts';

export interface ProviderView {
  id: string;
  url: string;
  weight: number;
  zone: string;
  circuit: CircuitState;
  timesOpened: number;
  active: number;
  sent: number;
  served: number;
  failed: number;
}

/** What `GET /gateway/state` answers and each `state` event of the stream carries. */
export interface GatewayView {
  strategy: string;
  preferZone: string | null;
  /** the gateway's ZooKeeper session: anything but "connected" means the list may be stale */
  connection: string;
  providers: ProviderView[];
  totals: ClientTotals;
}

export function describeGateway(
  client: ZooKeeperClient,
  list: ProviderList,
  balancer: LoadBalancer,
  stats: TrafficStats,
): GatewayView {
  return {
    strategy: balancer.choice.strategy,
    preferZone: balancer.choice.preferZone ?? null,
    connection: client.state,
    providers: list.providers.map((provider) => ({
      ...provider,
      ...(({ state, timesOpened }) => ({ circuit: state, timesOpened }))(balancer.circuit(provider.id)),
      active: balancer.activeRequests(provider.id),
      ...stats.provider(provider.id),
    })),
    totals: stats.clientTotals,
  };
}

export type { TrafficSample };

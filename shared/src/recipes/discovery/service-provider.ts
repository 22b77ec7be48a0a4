import { EventEmitter } from 'node:events';
import type { ZooKeeperClient } from '../../client/index.ts';
import type { CacheStartOptions } from '../cache/tree-cache.ts';
import { DownInstances, type DownInstancePolicy } from './down-instances.ts';
import { RoundRobinStrategy, type ProviderStrategy } from './provider-strategies.ts';
import { ServiceCache, type ServiceCacheOptions } from './service-cache.ts';
import type { ServiceInstance } from './service-instance.ts';

export interface ServiceProviderOptions<P = unknown> extends ServiceCacheOptions {
  /** default RoundRobinStrategy */
  strategy?: ProviderStrategy;
  /** extra conditions an instance must meet to be offered, besides enabled and not down */
  filters?: readonly ((instance: ServiceInstance<P>) => boolean)[];
  downInstancePolicy?: DownInstancePolicy;
}

export interface ServiceProviderEvents {
  closed: [];
}

/**
 * Hands out instances of one service for single use, like Curator's ServiceProvider: a ServiceCache,
 * filtered (disabled instances, instances reported down, the caller's filters), and a strategy that
 * picks one.
 *
 * ```ts
 * const provider = discovery.serviceProvider('billing', { strategy: new StickyStrategy(new RandomStrategy()) });
 * await provider.start({ timeoutMs: 10_000 });
 * const instance = provider.getInstance();
 * try { await call(instance!.uriSpec!.build(instance)); }
 * catch (error) { provider.noteError(instance!); throw error; }   // 2 errors hide it for 30 s
 * ```
 *
 * Take a fresh instance for every call rather than keeping one: the set changes as instances come
 * and go. Connection policy is the ServiceCache's: while disconnected the last known instances are
 * offered.
 */
export class ServiceProvider<P = unknown> extends EventEmitter<ServiceProviderEvents> {
  readonly serviceName: string;
  readonly cache: ServiceCache<P>;
  private readonly strategy: ProviderStrategy;
  private readonly downInstances: DownInstances;
  private readonly filters: readonly ((instance: ServiceInstance<P>) => boolean)[];

  constructor(
    client: ZooKeeperClient,
    basePath: string,
    serviceName: string,
    options: ServiceProviderOptions<P> = {},
  ) {
    super();
    this.serviceName = serviceName;
    this.cache = new ServiceCache<P>(client, basePath, serviceName, options);
    this.strategy = options.strategy ?? new RoundRobinStrategy();
    this.downInstances = new DownInstances(options.downInstancePolicy);
    this.filters = options.filters ?? [];
    this.cache.on('closed', () => {
      this.emit('closed');
      this.removeAllListeners();
    });
  }

  start(options: CacheStartOptions = {}): Promise<void> {
    return this.cache.start(options);
  }

  /** One instance for one use, or null if none is offered. */
  getInstance(): ServiceInstance<P> | null {
    return this.strategy.getInstance(this.getAllInstances());
  }

  /** Every instance currently offered: enabled, not down, passing the filters. */
  getAllInstances(): ServiceInstance<P>[] {
    return this.cache
      .instances()
      .filter(
        (instance) =>
          instance.enabled &&
          this.downInstances.isUp(instance) &&
          this.filters.every((filter) => filter(instance)),
      );
  }

  /** Reports a failed call to `instance`; enough of them take it out of rotation for a while. */
  noteError(instance: ServiceInstance<P>): void {
    this.downInstances.noteError(instance);
  }

  close(): Promise<void> {
    return this.cache.close();
  }
}

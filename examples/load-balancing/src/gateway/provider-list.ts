import { EventEmitter } from 'node:events';
import type { ZooKeeperClient } from '@zk-cookbook/core/client';
import { ServiceCache, type ServiceInstance } from '@zk-cookbook/core/recipes/discovery';
import { providerPayload } from '../layout.ts';
import type { Candidate } from '../strategies/index.ts';

/** A registered provider as the gateway routes to it. */
export interface Provider extends Candidate {
  /** e.g. http://127.0.0.1:8121 — from the record's uriSpec, or its address and port */
  readonly url: string;
}

export interface MembershipChange {
  type: 'joined' | 'left' | 'updated';
  id: string;
  /** epoch ms when the gateway's cache saw it */
  at: number;
  provider: Provider;
}

export interface ProviderListEvents {
  changed: [providers: readonly Provider[]];
  membership: [change: MembershipChange];
  /** a record that is not a usable provider (no address, a bad payload); it is left out */
  invalid: [detail: string];
}

/**
 * The providers of one service, as the gateway's ServiceCache (a ChildrenCache with a watch on the
 * service's node) last saw them. Reads are local: a request never waits for ZooKeeper.
 *
 * Connection policy (the cache's): while disconnected, the last list stays in use — a provider that
 * died meanwhile is caught by connection refused and its circuit. After a reconnect or a new session
 * the cache reads the children again and reports exactly what changed.
 */
export class ProviderList extends EventEmitter<ProviderListEvents> {
  private readonly cache: ServiceCache<unknown>;
  private current: readonly Provider[] = [];

  constructor(client: ZooKeeperClient, basePath: string, serviceName: string) {
    super();
    this.cache = new ServiceCache(client, basePath, serviceName);
    this.cache.on('initialized', (instances) => this.refresh(instances));
    this.cache.on('changed', (instances) => this.refresh(instances));
    this.cache.on('added', (instance) => this.note('joined', instance));
    this.cache.on('updated', (instance) => this.note('updated', instance));
    this.cache.on('removed', (instance) => this.note('left', instance));
    this.cache.on('error', (error) => this.emit('invalid', (error as Error).message));
  }

  start(options: { timeoutMs?: number } = {}): Promise<void> {
    return this.cache.start(options);
  }

  get isInitialized(): boolean {
    return this.cache.isInitialized;
  }

  /** Every registered provider that can be routed to, including drained ones (weight 0). */
  get providers(): readonly Provider[] {
    return this.current;
  }

  close(): Promise<void> {
    return this.cache.close();
  }

  private refresh(instances: readonly ServiceInstance<unknown>[]): void {
    this.current = instances
      .filter((instance) => instance.enabled)
      .flatMap((instance) => this.toProvider(instance) ?? []);
    this.emit('changed', this.current);
  }

  private note(type: MembershipChange['type'], instance: ServiceInstance<unknown>): void {
    const at = Date.now();
    const provider = toProvider(instance) ?? { id: instance.id, url: '', weight: 0, zone: '' };
    this.emit('membership', { type, id: instance.id, at, provider });
  }

  private toProvider(instance: ServiceInstance<unknown>): Provider | undefined {
    const provider = toProvider(instance);
    if (!provider)
      this.emit('invalid', `instance ${instance.id}: no address and port, or a bad weight or zone`);
    return provider;
  }
}

/** A provider from an x-discovery record (ours, Curator's), or undefined if it cannot be routed to. */
export function toProvider(instance: ServiceInstance<unknown>): Provider | undefined {
  const payload = providerPayload.safeParse(isObject(instance.payload) ? instance.payload : {});
  if (!payload.success) return undefined;
  let url: string;
  if (instance.uriSpec) url = instance.uriSpec.build(instance);
  else if (instance.address && instance.port !== null)
    url = `http://${hostPart(instance.address)}:${instance.port}`;
  else return undefined;
  // The gateway speaks plain HTTP to providers (node:http); an https-only record is not routable here.
  if (!/^http:\/\/[^/]+$/.test(url)) return undefined;
  return { id: instance.id, url, weight: payload.data.weight, zone: payload.data.zone };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hostPart(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

import { EventEmitter } from 'node:events';
import type { ZooKeeperClient } from '../../client/index.ts';
import { joinPath, parentPath, validatePath } from '../../client/index.ts';
import { ChildrenCache } from '../cache/children-cache.ts';
import type { CachedNode, ResyncReason } from '../cache/cache-events.ts';
import type { CacheStartOptions, CacheWatchMode } from '../cache/tree-cache.ts';
import { RecipeError } from '../core/errors.ts';
import { parseServiceInstance, type ServiceInstance } from './service-instance.ts';

export interface ServiceCacheOptions {
  watchMode?: CacheWatchMode;
}

export interface ServiceCacheEvents<P> {
  /** the first full read is done; the instances found */
  initialized: [instances: ServiceInstance<P>[]];
  /** the set of instances or one of them changed (Curator's cacheChanged); the instances now */
  changed: [instances: ServiceInstance<P>[]];
  added: [instance: ServiceInstance<P>];
  updated: [instance: ServiceInstance<P>, previous: ServiceInstance<P>];
  removed: [instance: ServiceInstance<P>];
  /** re-read after a reconnect or a new session (see TreeCache) */
  resynced: [reason: ResyncReason];
  /** a node under the service holds something that is not an instance record; it is left out */
  error: [error: unknown];
  closed: [];
}

/**
 * The instances of one service, kept current by a ChildrenCache on `<basePath>/<serviceName>`
 * (Curator's ServiceCache). A node whose data is not an instance record is left out and reported.
 *
 * ```ts
 * const cache = discovery.serviceCache('billing');   // or new ServiceCache(client, '/services', 'billing')
 * cache.on('changed', (instances) => balancer.update(instances));
 * await cache.start({ timeoutMs: 10_000 });
 * cache.instances();                                  // disabled ones included; a ServiceProvider filters
 * ```
 *
 * Connection policy is the ChildrenCache's: the last known instances stay available while
 * disconnected; after a reconnect or a new session the cache re-reads and reports the differences.
 */
export class ServiceCache<P = unknown> extends EventEmitter<ServiceCacheEvents<P>> {
  readonly serviceName: string;
  private readonly children: ChildrenCache;
  private readonly instancesByPath = new Map<string, ServiceInstance<P>>();

  constructor(
    client: ZooKeeperClient,
    basePath: string,
    serviceName: string,
    options: ServiceCacheOptions = {},
  ) {
    super();
    const path = joinPath(basePath, serviceName);
    validatePath(path, { operation: 'ServiceCache' });
    if (parentPath(path) !== basePath) {
      throw new RecipeError(
        'BAD_ARGUMENT',
        'ServiceCache',
        path,
        `a service name must not contain "/": ${serviceName}`,
      );
    }
    this.serviceName = serviceName;
    this.children = new ChildrenCache(client, path, options);
    this.children.on('initialized', (nodes) => {
      for (const node of nodes.values()) this.read(node);
      this.emit('initialized', this.instances());
    });
    this.children.on('created', (node) => {
      const instance = this.read(node);
      if (instance) this.emit('added', instance);
      this.emit('changed', this.instances());
    });
    this.children.on('changed', (node) => {
      const previous = this.instancesByPath.get(node.path);
      const instance = this.read(node);
      if (instance && previous) this.emit('updated', instance, previous);
      else if (instance) this.emit('added', instance);
      else if (previous) this.emit('removed', previous);
      this.emit('changed', this.instances());
    });
    this.children.on('deleted', (node) => {
      const previous = this.instancesByPath.get(node.path);
      this.instancesByPath.delete(node.path);
      if (previous) this.emit('removed', previous);
      this.emit('changed', this.instances());
    });
    this.children.on('resynced', (reason) => this.emit('resynced', reason));
    this.children.on('error', (error) => this.emitError(error));
    this.children.on('closed', () => {
      this.emit('closed');
      this.removeAllListeners();
    });
  }

  /** Reads the instances and starts watching; rejects (and closes) if that fails, see TreeCache.start. */
  start(options: CacheStartOptions = {}): Promise<void> {
    return this.children.start(options);
  }

  /** The instances as last read, in node-name order, disabled ones included. */
  instances(): ServiceInstance<P>[] {
    return [...this.instancesByPath.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, instance]) => instance);
  }

  get isInitialized(): boolean {
    return this.children.isInitialized;
  }

  close(): Promise<void> {
    return this.children.close();
  }

  private read(node: CachedNode): ServiceInstance<P> | undefined {
    try {
      const instance = parseServiceInstance<P>(node.data, node.path);
      this.instancesByPath.set(node.path, instance);
      return instance;
    } catch (error) {
      this.instancesByPath.delete(node.path);
      this.emitError(error);
      return undefined;
    }
  }

  private emitError(error: unknown): void {
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }
}

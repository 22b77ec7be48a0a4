import { EventEmitter, setMaxListeners } from 'node:events';
import type { CallOptions, CreateMode, StateChange, ZooKeeperClient } from '../../client/index.ts';
import {
  ensurePath,
  isConnectionLossClass,
  isZooKeeperError,
  joinPath,
  parentPath,
  validatePath,
} from '../../client/index.ts';
import { retryIdempotent, waitForConnection } from '../core/connection.ts';
import { Deadline } from '../core/deadline.ts';
import { RecipeError } from '../core/errors.ts';
import { deleteGuaranteed } from '../core/guaranteed-delete.ts';
import { SerialQueue } from '../core/serial-queue.ts';
import { deleteWhileSessionLives } from '../core/session-bound-delete.ts';
import { untilAborted } from '../core/until-aborted.ts';
import { ServiceCache, type ServiceCacheOptions } from './service-cache.ts';
import {
  parseServiceInstance,
  serializeServiceInstance,
  serviceInstance,
  type ServiceInstance,
  type ServiceInstanceInit,
  type ServiceType,
} from './service-instance.ts';
import { ServiceProvider, type ServiceProviderOptions } from './service-provider.ts';

export interface ServiceDiscoveryOptions {
  /**
   * Write `"enabled"` into every record, as Curator's non-compatible JsonInstanceSerializer does.
   * Default false: Curator's default (compatible) format, which readers of every Curator version
   * accept. A disabled instance is written with `"enabled":false` either way.
   */
  writeEnabled?: boolean;
}

/** Deadline and cancellation of one call; without them a call waits through disconnections. */
export interface DiscoveryCallOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface ServiceDiscoveryEvents {
  /** an instance's node was written: on registration, and again whenever it had to be restored */
  registered: [instance: ServiceInstance, path: string];
  /** restoring an instance in the background failed in a way retrying will not fix (e.g. NOAUTH) */
  error: [error: unknown];
}

const CREATE_MODES: Record<ServiceType, CreateMode> = {
  DYNAMIC: 'ephemeral',
  DYNAMIC_SEQUENTIAL: 'ephemeralSequential',
  STATIC: 'persistent',
  PERMANENT: 'persistent',
};

/** Delete-and-create rounds on NODEEXISTS before giving up: two registrants with one id would fight forever. */
const MAX_REPLACEMENTS = 3;

interface ManagedInstance {
  /** the current record: what every (re-)registration writes (CURATOR-181) */
  instance: ServiceInstance;
  /** the node as created (sequential nodes carry a counter) */
  node: string | undefined;
  /** the session that created an ephemeral node */
  sessionId: bigint;
  /** one write at a time per instance: register, update, restore and unregister never interleave */
  readonly queue: SerialQueue;
  /** unregistered: nothing may write its node again (CURATOR-164) */
  removed: boolean;
}

/**
 * Service registration and lookup in curator-x-discovery's layout and format, so that Java services
 * using Curator's ServiceDiscovery and TypeScript services find each other:
 *
 * ```
 * <basePath>/                    container
 *   <serviceName>/               container
 *     <instanceId>               ephemeral (DYNAMIC), persistent (STATIC, PERMANENT),
 *     <instanceId><seq>          ephemeral-sequential (DYNAMIC_SEQUENTIAL); data: the instance JSON
 * ```
 *
 * ```ts
 * const discovery = new ServiceDiscovery(client, '/services');
 * await discovery.registerService({ name: 'billing', port: 8080, uriSpec: '{scheme}://{address}:{port}' });
 * const provider = discovery.serviceProvider('billing', { strategy: new RoundRobinStrategy() });
 * await provider.start();
 * const target = provider.getInstance();          // null if none is up
 * fetch(target!.uriSpec!.build(target));
 * // …
 * await discovery.close();                         // unregisters what it registered (PERMANENT stays)
 * ```
 *
 * Registration follows Curator: parents are containers; a node already at the path is deleted and
 * created again so that watchers see the new record. The record is the JSON Curator's default
 * serializer writes, byte for byte (see serializeServiceInstance).
 *
 * Connection policy for the instances it registered:
 * - suspended: nothing to do; ephemeral nodes live as long as the session.
 * - reconnected (same session): the nodes should have survived; each is read back and restored if
 *   it is missing, owned by another session, or holds an older record than the current one (an
 *   update whose reply was lost).
 * - lost, then a new session: the ephemeral nodes are gone; each managed instance is registered
 *   again with its current record — the one from the last updateService, not the first one
 *   (CURATOR-181). Persistent ones are checked as after a reconnect.
 * - unregisterService is final: the instance leaves the managed set before its node is deleted, and
 *   every write for it runs in one queue, so no restore can bring it back (CURATOR-164).
 * - close(): unregisters STATIC and DYNAMIC instances; PERMANENT nodes stay (Curator 5.4 deletes
 *   them too, CURATOR-94).
 */
export class ServiceDiscovery extends EventEmitter<ServiceDiscoveryEvents> {
  readonly basePath: string;
  private readonly managed = new Map<string, ManagedInstance>();
  /** aborted by close(): background restores stop waiting */
  private readonly lifetime = new AbortController();
  private readonly stopWatchingConnection: () => void;
  private readonly opened = new Set<Closable>();
  private closing: Promise<void> | undefined;

  constructor(
    private readonly client: ZooKeeperClient,
    basePath: string,
    private readonly options: ServiceDiscoveryOptions = {},
  ) {
    super();
    validatePath(basePath, { operation: 'ServiceDiscovery' });
    this.basePath = basePath;
    setMaxListeners(0, this.lifetime.signal);
    const onState = (change: StateChange): void => this.onConnectionChange(change);
    client.on('state', onState);
    this.stopWatchingConnection = () => client.off('state', onState);
  }

  /**
   * Registers an instance (or registers it again, replacing its node) and keeps it registered until
   * unregisterService or close. Resolves with the full record once its node exists. Waits through
   * disconnections unless given a deadline.
   */
  async registerService<P>(
    init: ServiceInstanceInit<P>,
    options: DiscoveryCallOptions = {},
  ): Promise<ServiceInstance<P>> {
    this.assertOpen();
    const instance = serviceInstance(init);
    const deadline = new Deadline(
      'ServiceDiscovery',
      this.pathFor(instance),
      options.timeoutMs,
      options.signal,
    );
    let entry = this.managed.get(instance.id);
    if (entry && entry.instance.name !== instance.name) {
      throw new RecipeError(
        'BAD_ARGUMENT',
        'ServiceDiscovery',
        this.pathFor(instance),
        `id ${instance.id} is already registered for service ${entry.instance.name}`,
      );
    }
    const isNew = !entry;
    if (!entry) {
      entry = { instance, node: undefined, sessionId: 0n, queue: new SerialQueue(), removed: false };
      this.managed.set(instance.id, entry);
    }
    const managed = entry;
    const signal = AbortSignal.any([deadline.signal, this.lifetime.signal]);
    try {
      await managed.queue.run(async () => {
        const before = {
          node: managed.node,
          type: managed.instance.serviceType,
          sessionId: managed.sessionId,
        };
        managed.instance = instance;
        managed.node = undefined;
        // A sequential node, or one at another path, would not be replaced by the create: remove it.
        if (before.node && before.node !== this.pathFor(instance)) {
          await this.removeNode(before.node, before.type, before.sessionId, signal);
        }
        await this.writeNode(managed, signal);
      });
    } catch (error) {
      if (isNew && this.managed.get(instance.id) === managed) {
        // Not registered after all; a create whose reply was lost may have left its node behind.
        this.managed.delete(instance.id);
        managed.removed = true;
        void managed.queue.run(() => this.unregisterNode(managed)).catch(() => {});
      }
      throw deadline.signal.aborted ? deadline.error() : error;
    }
    return instance;
  }

  /**
   * Replaces the record of a registered instance (same name and id) with setData. The new record is
   * the one any later restore writes, even if this call fails.
   */
  async updateService<P>(
    init: ServiceInstanceInit<P>,
    options: DiscoveryCallOptions = {},
  ): Promise<ServiceInstance<P>> {
    this.assertOpen();
    const instance = serviceInstance(init);
    const path = this.pathFor(instance);
    const entry = this.managed.get(instance.id);
    if (!entry)
      throw new RecipeError(
        'NOT_HELD',
        'ServiceDiscovery',
        path,
        'updateService of an instance that is not registered',
      );
    if (entry.instance.name !== instance.name || entry.instance.serviceType !== instance.serviceType) {
      throw new RecipeError(
        'BAD_ARGUMENT',
        'ServiceDiscovery',
        path,
        'updateService cannot change the name or the serviceType; unregister and register instead',
      );
    }
    entry.instance = instance;
    const deadline = new Deadline('ServiceDiscovery', path, options.timeoutMs, options.signal);
    const signal = AbortSignal.any([deadline.signal, this.lifetime.signal]);
    try {
      await entry.queue.run(() => this.refreshNode(entry, signal));
    } catch (error) {
      throw deadline.signal.aborted ? deadline.error() : error;
    }
    return instance;
  }

  /**
   * Unregisters an instance and deletes its node. Final: the instance is forgotten at once, so no
   * later restore writes it again. Resolves false if it was not registered by this object. With a
   * deadline, the wait ends but the delete goes on in the background until the server confirms it.
   */
  async unregisterService(
    instanceOrId: string | { id: string },
    options: DiscoveryCallOptions = {},
  ): Promise<boolean> {
    const id = typeof instanceOrId === 'string' ? instanceOrId : instanceOrId.id;
    const entry = this.managed.get(id);
    if (!entry) return false;
    this.managed.delete(id);
    entry.removed = true;
    const deadline = new Deadline(
      'ServiceDiscovery',
      this.pathFor(entry.instance),
      options.timeoutMs,
      options.signal,
    );
    try {
      await untilAborted(
        entry.queue.run(() => this.unregisterNode(entry)),
        deadline.signal,
      );
    } catch (error) {
      throw deadline.signal.aborted ? deadline.error() : error;
    }
    return true;
  }

  /** The current records of the instances this object keeps registered. */
  registeredInstances(): ServiceInstance[] {
    return [...this.managed.values()].map((entry) => entry.instance);
  }

  /** The node of a registered instance (for DYNAMIC_SEQUENTIAL it ends in the counter), if written. */
  registeredPath(id: string): string | undefined {
    return this.managed.get(id)?.node;
  }

  /** Names of all services under the base path, sorted. */
  async queryForNames(options: CallOptions = {}): Promise<string[]> {
    try {
      return (await this.client.getChildren(this.basePath, options)).children.sort();
    } catch (error) {
      if (isZooKeeperError(error, 'NONODE')) return [];
      throw error;
    }
  }

  /**
   * Every instance of a service, by node name, disabled ones included (as Curator's). A node whose
   * data is not an instance record is skipped and reported through the 'error' event.
   */
  async queryForInstances<P = unknown>(
    name: string,
    options: CallOptions = {},
  ): Promise<ServiceInstance<P>[]> {
    const servicePath = this.pathForName(name);
    let children: string[];
    try {
      ({ children } = await this.client.getChildren(servicePath, options));
    } catch (error) {
      if (isZooKeeperError(error, 'NONODE')) return [];
      throw error;
    }
    const instances = await Promise.all(
      children.sort().map(async (child) => {
        const path = joinPath(servicePath, child);
        try {
          return parseServiceInstance<P>((await this.client.getData(path, options)).data, path);
        } catch (error) {
          if (isZooKeeperError(error, 'NONODE')) return null;
          if (error instanceof RecipeError && error.code === 'CORRUPT_DATA') {
            this.emitError(error);
            return null;
          }
          throw error;
        }
      }),
    );
    return instances.filter((instance) => instance !== null);
  }

  /** One instance by service name and id, or null. (A DYNAMIC_SEQUENTIAL node is `<id><seq>`: use its node name.) */
  async queryForInstance<P = unknown>(
    name: string,
    id: string,
    options: CallOptions = {},
  ): Promise<ServiceInstance<P> | null> {
    const path = joinPath(this.pathForName(name), id);
    validatePath(path, { operation: 'queryForInstance' });
    try {
      return parseServiceInstance<P>((await this.client.getData(path, options)).data, path);
    } catch (error) {
      if (isZooKeeperError(error, 'NONODE')) return null;
      throw error;
    }
  }

  /** A cache of one service's instances; closed with this discovery. Call start() on it. */
  serviceCache<P = unknown>(name: string, options: ServiceCacheOptions = {}): ServiceCache<P> {
    this.assertOpen();
    const cache = new ServiceCache<P>(this.client, this.basePath, name, options);
    this.track(cache);
    return cache;
  }

  /** A provider (cache + strategy + filters) for one service; closed with this discovery. Call start() on it. */
  serviceProvider<P = unknown>(name: string, options: ServiceProviderOptions<P> = {}): ServiceProvider<P> {
    this.assertOpen();
    const provider = new ServiceProvider<P>(this.client, this.basePath, name, options);
    this.track(provider);
    return provider;
  }

  /**
   * Stops restoring, closes the caches and providers made here, and unregisters every instance but
   * the PERMANENT ones. Resolves once the server has confirmed the deletes (after a reconnect, if
   * the connection is down; ephemeral nodes whose session ends meanwhile go with it).
   */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closing = (async () => {
      this.stopWatchingConnection();
      const entries = [...this.managed.values()];
      this.managed.clear();
      for (const entry of entries) entry.removed = true;
      this.lifetime.abort(new RecipeError('CLOSED', 'ServiceDiscovery', this.basePath, 'closed'));
      await Promise.allSettled([...this.opened].map((opened) => opened.close()));
      await Promise.allSettled(
        entries
          .filter((entry) => entry.instance.serviceType !== 'PERMANENT')
          .map((entry) => entry.queue.run(() => this.unregisterNode(entry))),
      );
    })();
    return this.closing;
  }

  // ---- writing nodes --------------------------------------------------------------------------

  /**
   * Creates the instance's node with its current record. On NODEEXISTS deletes what is there and
   * creates again (watchers see the new record arrive); on NONODE creates the parents as containers.
   * After a lost reply it adopts the node if it is ours rather than creating a second one.
   */
  private async writeNode(entry: ManagedInstance, signal: AbortSignal): Promise<void> {
    let replacements = 0;
    let outcomeUnknown = false;
    for (;;) {
      signal.throwIfAborted();
      if (entry.removed) return;
      const instance = entry.instance;
      const path = this.pathFor(instance);
      const sessionId = this.client.sessionId;
      const bytes = this.serialize(instance);
      if (outcomeUnknown) {
        outcomeUnknown = false;
        const adopted = await this.findOurNode(entry, bytes, signal);
        if (adopted) {
          this.written(entry, adopted, sessionId);
          return;
        }
      }
      try {
        const created = await this.client.create(path, bytes, {
          mode: CREATE_MODES[instance.serviceType],
          signal,
        });
        this.written(entry, created, sessionId);
        return;
      } catch (error) {
        if (isZooKeeperError(error, 'NONODE')) {
          await retryIdempotent(
            this.client,
            () => ensurePath(this.client, parentPath(path), { mode: 'container' }),
            signal,
          );
        } else if (isZooKeeperError(error, 'NODEEXISTS')) {
          if (++replacements > MAX_REPLACEMENTS) throw error;
          await retryIdempotent(this.client, () => deleteIfPresent(this.client, path), signal);
        } else if (isConnectionLossClass(error)) {
          outcomeUnknown = true;
          await waitForConnection(this.client, signal);
        } else if (isZooKeeperError(error, 'SESSIONEXPIRED')) {
          await waitForConnection(this.client, signal); // refused by the server: not applied
        } else throw error;
      }
    }
  }

  /**
   * Brings an existing registration up to date: the node must exist, belong to this session if
   * ephemeral, and hold the current record. Writes it (versioned) or creates it as needed.
   */
  private async refreshNode(entry: ManagedInstance, signal: AbortSignal): Promise<void> {
    for (;;) {
      signal.throwIfAborted();
      if (entry.removed) return;
      const node = entry.node;
      if (!node) return this.writeNode(entry, signal);
      const ephemeral = isEphemeralType(entry.instance.serviceType);
      try {
        const { data, stat } = await this.client.getData(node, { signal });
        if (ephemeral && stat.ephemeralOwner !== this.client.sessionId) {
          // Left by our previous session, or someone else's: ours must be a node of this session.
          if (stat.ephemeralOwner === entry.sessionId && node !== this.pathFor(entry.instance)) {
            void deleteWhileSessionLives(this.client, node, stat.ephemeralOwner).catch(() => {});
          }
          entry.node = undefined;
          return this.writeNode(entry, signal);
        }
        const bytes = this.serialize(entry.instance);
        if (data.equals(bytes)) return;
        await this.client.setData(node, bytes, { version: stat.version, signal });
        this.emit('registered', entry.instance, node);
        return;
      } catch (error) {
        if (isZooKeeperError(error, 'NONODE')) {
          entry.node = undefined;
          continue;
        }
        if (isZooKeeperError(error, 'BADVERSION')) continue; // changed under us: look again
        if (isConnectionLossClass(error) || isZooKeeperError(error, 'SESSIONEXPIRED')) {
          await waitForConnection(this.client, signal);
          continue;
        }
        throw error;
      }
    }
  }

  /** After a create whose reply was lost: the node it may have made, if it is ours. */
  private async findOurNode(
    entry: ManagedInstance,
    bytes: Buffer,
    signal: AbortSignal,
  ): Promise<string | undefined> {
    const instance = entry.instance;
    const path = this.pathFor(instance);
    const ephemeral = isEphemeralType(instance.serviceType);
    const ours = (stat: { ephemeralOwner: bigint }, data: Buffer): boolean =>
      ephemeral ? stat.ephemeralOwner === this.client.sessionId : data.equals(bytes);
    if (instance.serviceType !== 'DYNAMIC_SEQUENTIAL') {
      const found = await retryIdempotent(this.client, () => readIfPresent(this.client, path), signal);
      return found && ours(found.stat, found.data) ? path : undefined;
    }
    const parent = parentPath(path);
    const children = await retryIdempotent(
      this.client,
      async () =>
        (await this.client.getChildren(parent).catch(ifMissing({ children: [] as string[] }))).children,
      signal,
    );
    const pattern = new RegExp(`^${escapeRegExp(instance.id)}\\d{10}$`);
    const candidates: string[] = [];
    for (const child of children.filter((name) => pattern.test(name)).sort()) {
      const found = await retryIdempotent(
        this.client,
        () => readIfPresent(this.client, joinPath(parent, child)),
        signal,
      );
      if (found && ours(found.stat, found.data)) candidates.push(joinPath(parent, child));
    }
    // Several lost replies, several nodes: keep one.
    for (const extra of candidates.slice(1))
      void deleteWhileSessionLives(this.client, extra, this.client.sessionId).catch(() => {});
    return candidates[0];
  }

  /** Deletes the node of an instance being unregistered (also one whose registration failed half-way). */
  private async unregisterNode(entry: ManagedInstance): Promise<void> {
    const { instance } = entry;
    // Without a node on record, a fixed-name node may still exist from a create whose reply was lost.
    const path =
      entry.node ?? (instance.serviceType === 'DYNAMIC_SEQUENTIAL' ? undefined : this.pathFor(instance));
    if (!path) return;
    await this.removeNode(path, instance.serviceType, entry.sessionId || this.client.sessionId);
    entry.node = undefined;
  }

  /**
   * Deletes a node: an ephemeral one only while the session that created it lives (after that it is
   * gone, and a node at its path is someone else's); a persistent one until the server confirms.
   */
  private async removeNode(
    path: string,
    type: ServiceType,
    sessionId: bigint,
    signal?: AbortSignal,
  ): Promise<void> {
    const removal = isEphemeralType(type)
      ? deleteWhileSessionLives(this.client, path, sessionId)
      : deleteGuaranteed(this.client, path);
    await (signal ? untilAborted(removal, signal) : removal);
  }

  private written(entry: ManagedInstance, path: string, sessionId: bigint): void {
    entry.node = path;
    entry.sessionId = sessionId;
    this.emit('registered', entry.instance, path);
  }

  // ---- connection -----------------------------------------------------------------------------

  private onConnectionChange(change: StateChange): void {
    // Same session: the nodes should still be there. New session (not the first connection): the
    // ephemeral ones are gone. Either way each instance is checked and restored with its current record.
    if (
      change.event === 'reconnected' ||
      (change.event === 'connected' && change.previous !== 'connecting')
    ) {
      for (const entry of this.managed.values()) this.restore(entry);
    }
  }

  private restore(entry: ManagedInstance): void {
    void entry.queue.run(async () => {
      if (entry.removed || this.lifetime.signal.aborted) return;
      try {
        await this.refreshNode(entry, this.lifetime.signal);
      } catch (error) {
        const clientGone = this.client.state === 'closed' || this.client.state === 'authFailed';
        if (this.lifetime.signal.aborted || clientGone || isZooKeeperError(error, 'CLOSED')) return;
        this.emitError(error);
      }
    });
  }

  // ---- plumbing -------------------------------------------------------------------------------

  private serialize(instance: ServiceInstance): Buffer {
    return serializeServiceInstance(instance, { withEnabled: this.options.writeEnabled ?? false });
  }

  private pathForName(name: string): string {
    const path = joinPath(this.basePath, name);
    validatePath(path, { operation: 'ServiceDiscovery' });
    if (parentPath(path) !== this.basePath) {
      throw new RecipeError(
        'BAD_ARGUMENT',
        'ServiceDiscovery',
        path,
        `a service name must not contain "/": ${name}`,
      );
    }
    return path;
  }

  private pathFor(instance: ServiceInstance): string {
    return joinPath(this.pathForName(instance.name), instance.id);
  }

  private track(opened: Closable): void {
    this.opened.add(opened);
    opened.once('closed', () => this.opened.delete(opened));
  }

  private assertOpen(): void {
    if (this.closing)
      throw new RecipeError('CLOSED', 'ServiceDiscovery', this.basePath, 'the discovery is closed');
  }

  private emitError(error: unknown): void {
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }
}

/** A cache or provider made by a discovery, closed with it. */
interface Closable {
  close(): Promise<void>;
  once(event: 'closed', listener: () => void): unknown;
}

function isEphemeralType(type: ServiceType): boolean {
  return type === 'DYNAMIC' || type === 'DYNAMIC_SEQUENTIAL';
}

async function deleteIfPresent(client: ZooKeeperClient, path: string): Promise<void> {
  await client.delete(path).catch(ifMissing(undefined));
}

async function readIfPresent(client: ZooKeeperClient, path: string) {
  return client.getData(path).catch(ifMissing(null));
}

function ifMissing<T>(value: T): (error: unknown) => T {
  return (error) => {
    if (isZooKeeperError(error, 'NONODE')) return value;
    throw error;
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

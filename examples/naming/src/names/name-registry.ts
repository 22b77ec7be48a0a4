import {
  ensurePath,
  encodeJson,
  isZooKeeperError,
  joinPath,
  op,
  type Stat,
  type ZooKeeperClient,
} from '@zk-cookbook/core/client';
import { TreeCache } from '@zk-cookbook/core/recipes/cache';
import { PersistentNode } from '@zk-cookbook/core/recipes/nodes';
import type { Logger } from 'pino';
import { NamingError } from '../errors.ts';
import { bindingData, bindingPath, namePath, type BindingData, type NamingLayout } from '../layout.ts';

export interface BindRequest {
  addresses: readonly string[];
  /** a TTL binding, outliving the session that wrote it until unchanged for ttlMs; else a session binding */
  ttlMs?: number;
}

export interface Binding {
  owner: string;
  addresses: string[];
  lifetime: BindingData['lifetime'];
  boundBy: string;
  ttlMs?: number;
  /** a TTL binding's end unless renewed: its last change (server clock) + ttlMs */
  expiresAt?: string;
}

export interface Resolution {
  name: string;
  /** every binding's addresses, in owner order, each address once */
  addresses: string[];
  bindings: Binding[];
}

/** A session binding's node lives as long as the binding session; a TTL binding's node has none. */
const isSessionNode = (stat: Stat): boolean => stat.ephemeralOwner !== 0n;

/**
 * A name registry in the style of dynamic DNS: `bind` puts a host's addresses under a name,
 * `resolve` answers from a local copy of the whole registry that a watch keeps current, so lookups
 * cost no round trip.
 *
 * Two lifetimes:
 * - session: an ephemeral node of this service's session, kept by a PersistentNode — ZooKeeper
 *   removes it when the session ends (the instance died), and the node is bound again after the
 *   session was lost and a new one started;
 * - ttl: a TTL node, which outlives the session that wrote it: the server removes it once it went
 *   unchanged for ttlMs (and has no children). Binding it again renews it — the way a host that
 *   holds no ZooKeeper session keeps its entry, like a DHCP lease or a DNS record's TTL.
 *   The server sweeps expired TTL nodes only every znode.container.checkIntervalMs (60 s by
 *   default), so `resolve` leaves out a TTL binding as soon as its last change is ttlMs old.
 *
 * Connection policy: while suspended, lookups answer from the copy (possibly stale; the HTTP
 * answer says so) and bindings wait for the connection. After a lost session, the cache re-reads
 * the registry and this instance's session bindings are created again.
 */
export class NameRegistry {
  private cache: TreeCache;
  /** session bindings made through this instance, by path */
  private readonly held = new Map<string, PersistentNode>();
  /** one change at a time per binding, so two requests for the same owner do not race each other */
  private readonly inFlight = new Map<string, Promise<unknown>>();
  /** binding nodes the cache holds but cannot read, by path */
  private readonly malformed = new Set<string>();

  constructor(
    private readonly client: ZooKeeperClient,
    private readonly layout: NamingLayout,
    private readonly instanceId: string,
    private readonly logger: Logger,
  ) {
    this.cache = new TreeCache(client, layout.names, { maxDepth: 2 });
  }

  /** Creates the registry's node if needed and fills the cache. */
  async start(options: { timeoutMs?: number } = {}): Promise<void> {
    await ensurePath(this.client, this.layout.names, { mode: 'persistent', parentMode: 'persistent' });
    // A cache whose start failed stays closed: another attempt needs a new one.
    this.cache = new TreeCache(this.client, this.layout.names, { maxDepth: 2 });
    await this.cache.start(options);
  }

  get isReady(): boolean {
    return this.cache.isInitialized;
  }

  /** Binds `owner`'s addresses under `name`; `created` is false when it replaced or renewed a binding. */
  bind(name: string, owner: string, request: BindRequest): Promise<{ created: boolean }> {
    const path = bindingPath(this.layout, name, owner);
    return this.oneAtATime(path, () =>
      request.ttlMs === undefined
        ? this.bindForSession(path, request.addresses)
        : this.bindWithTtl(path, request.addresses, request.ttlMs),
    );
  }

  /** Removes `owner`'s binding of `name`: NO_BINDING if there is none, BINDING_CONFLICT if another session holds it. */
  unbind(name: string, owner: string): Promise<void> {
    const path = bindingPath(this.layout, name, owner);
    return this.oneAtATime(path, async () => {
      const held = this.held.get(path);
      if (held) {
        this.held.delete(path);
        await held.close();
        return;
      }
      for (;;) {
        const stat = await this.client.exists(path);
        if (!stat)
          throw new NamingError('NO_BINDING', 'unbind', `${owner} has no binding of ${name}`, { path });
        if (isSessionNode(stat)) {
          // Deleting it would not help: the instance that holds it binds it again.
          throw new NamingError(
            'BINDING_CONFLICT',
            'unbind',
            'a session binding made through another instance; unbind it there, or it goes with that instance',
            { path },
          );
        }
        try {
          await this.client.delete(path, { version: stat.version });
          return;
        } catch (error) {
          if (isZooKeeperError(error, 'NONODE')) return;
          if (!isZooKeeperError(error, 'BADVERSION')) throw error;
        }
      }
    });
  }

  /** What `name` resolves to right now, from the cache; undefined when nothing live is bound. */
  resolve(name: string, now = Date.now()): Resolution | undefined {
    const parent = namePath(this.layout, name);
    const bindings = (this.cache.children(parent) ?? []).flatMap((owner) => {
      const node = this.cache.get(joinPath(parent, owner));
      if (!node) return [];
      const binding = this.readBinding(node.path, owner, node.data, node.stat);
      if (!binding) return [];
      if (binding.expiresAt !== undefined && Date.parse(binding.expiresAt) <= now) return [];
      return [binding];
    });
    if (bindings.length === 0) return undefined;
    return { name, addresses: [...new Set(bindings.flatMap((binding) => binding.addresses))], bindings };
  }

  /** Every name with at least one live binding. */
  list(now = Date.now()): Resolution[] {
    return (this.cache.children(this.layout.names) ?? []).flatMap((name) => {
      const resolution = this.resolve(name, now);
      return resolution ? [resolution] : [];
    });
  }

  /** Session bindings held through this instance, and binding nodes the cache could not read. */
  get counts(): { heldSessionBindings: number; malformedBindings: number } {
    return { heldSessionBindings: this.held.size, malformedBindings: this.malformed.size };
  }

  /** Deletes this instance's session bindings (a graceful goodbye) and stops the cache. */
  async close(): Promise<void> {
    const held = [...this.held.values()];
    this.held.clear();
    await Promise.allSettled(held.map((node) => node.close()));
    await this.cache.close();
  }

  private async bindForSession(path: string, addresses: readonly string[]): Promise<{ created: boolean }> {
    const data = encodeJson(this.bindingData(addresses));
    const held = this.held.get(path);
    if (held) {
      await held.setData(data);
      return { created: false };
    }
    // Created here first rather than by the PersistentNode, which would adopt another session's
    // node: a binding held elsewhere is refused instead.
    let created = true;
    try {
      await this.createBinding(path, data, { mode: 'ephemeral' });
    } catch (error) {
      if (!isZooKeeperError(error, 'NODEEXISTS')) throw error;
      const stat = await this.client.exists(path);
      if (stat && isSessionNode(stat) && stat.ephemeralOwner !== this.client.sessionId) {
        throw new NamingError(
          'BINDING_CONFLICT',
          'bind',
          'a session binding made through another instance holds this owner; unbind it there first',
          { path },
        );
      }
      // A TTL binding of the same owner becomes a session binding: replaced in one transaction.
      if (stat && !isSessionNode(stat)) {
        await this.client.multi([
          op.delete(path, stat.version),
          op.create(path, data, { mode: 'ephemeral' }),
        ]);
      }
      created = false;
    }
    const node = new PersistentNode(this.client, path, { mode: 'ephemeral', data });
    node.on('nodeCreated', () => this.logger.debug({ path }, 'session binding (re)created'));
    node.on('failure', (error) => this.logger.warn({ err: error, path }, 'cannot bind again yet'));
    this.held.set(path, node);
    node.start();
    await node.waitForInitialCreate({ timeoutMs: 10_000 });
    return { created };
  }

  private async bindWithTtl(
    path: string,
    addresses: readonly string[],
    ttlMs: number,
  ): Promise<{ created: boolean }> {
    const data = encodeJson(this.bindingData(addresses, ttlMs));
    const held = this.held.get(path);
    if (held) {
      // This instance's session binding of the owner becomes a TTL binding. Not in one transaction:
      // the PersistentNode deletes its node when closed, so it goes first (a moment with neither).
      this.held.delete(path);
      await held.close();
    }
    for (;;) {
      try {
        await this.createBinding(path, data, { mode: 'persistentWithTtl', ttlMs });
        return { created: !held };
      } catch (error) {
        if (!isZooKeeperError(error, 'NODEEXISTS')) throw error;
      }
      const existing = await this.client.getData(path).catch((error: unknown) => {
        if (isZooKeeperError(error, 'NONODE')) return undefined; // gone meanwhile: create again
        throw error;
      });
      if (!existing) continue;
      if (isSessionNode(existing.stat)) {
        throw new NamingError(
          'BINDING_CONFLICT',
          'bind',
          'a session binding holds this owner; unbind it first (through the instance that made it)',
          { path },
        );
      }
      const previous = bindingData.safeParse(parseJson(existing.data));
      try {
        if (previous.success && previous.data.ttlMs === ttlMs) {
          // A change is what renews a TTL node: the server counts from its last modification.
          await this.client.setData(path, data, { version: existing.stat.version });
        } else {
          // The TTL is fixed when a node is created: another TTL needs another node.
          await this.client.multi([
            op.delete(path, existing.stat.version),
            op.create(path, data, { mode: 'persistentWithTtl', ttlMs }),
          ]);
        }
        return { created: false };
      } catch (error) {
        // Changed or removed meanwhile (another renewal, the TTL sweep): look again.
        if (!isZooKeeperError(error, 'BADVERSION', 'NONODE')) throw error;
      }
    }
  }

  /** Creates a binding node, and the name's container if it is missing (or was just reaped). */
  private async createBinding(
    path: string,
    data: Buffer,
    mode: { mode: 'ephemeral' } | { mode: 'persistentWithTtl'; ttlMs: number },
  ): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.client.create(path, data, mode);
        return;
      } catch (error) {
        if (!isZooKeeperError(error, 'NONODE') || attempt >= 3) throw error;
      }
      // The name's node is a container: the server removes it once its last binding is gone.
      const parent = path.slice(0, path.lastIndexOf('/'));
      await ensurePath(this.client, parent, { mode: 'container', parentMode: 'persistent' });
    }
  }

  private bindingData(addresses: readonly string[], ttlMs?: number): BindingData {
    return {
      addresses: [...addresses],
      lifetime: ttlMs === undefined ? 'session' : 'ttl',
      ...(ttlMs !== undefined && { ttlMs }),
      boundBy: this.instanceId,
    };
  }

  private readBinding(path: string, owner: string, data: Buffer, stat: Stat): Binding | undefined {
    const parsed = bindingData.safeParse(parseJson(data));
    if (!parsed.success) {
      // Written by hand or by another tool: not served, and counted for /metrics.
      this.malformed.add(path);
      return undefined;
    }
    this.malformed.delete(path);
    const { addresses, lifetime, ttlMs, boundBy } = parsed.data;
    return {
      owner,
      addresses,
      lifetime,
      boundBy,
      ...(lifetime === 'ttl' &&
        ttlMs !== undefined && { ttlMs, expiresAt: new Date(stat.mtime + ttlMs).toISOString() }),
    };
  }

  private oneAtATime<T>(path: string, work: () => Promise<T>): Promise<T> {
    const previous = this.inFlight.get(path) ?? Promise.resolve();
    const next = previous.then(work, work);
    this.inFlight.set(path, next);
    const forget = (): void => {
      if (this.inFlight.get(path) === next) this.inFlight.delete(path);
    };
    next.then(forget, forget);
    return next;
  }
}

function parseJson(data: Buffer): unknown {
  try {
    return JSON.parse(data.toString('utf8'));
  } catch {
    return undefined;
  }
}

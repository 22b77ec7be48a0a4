import { EventEmitter } from 'node:events';
import { isZooKeeperError, type ZooKeeperClient } from '@zk-cookbook/core/client';
import { TreeCache } from '@zk-cookbook/core/recipes/cache';
import { PersistentNode } from '@zk-cookbook/core/recipes/nodes';
import type { Logger } from 'pino';
import { pino } from 'pino';
import { ConfiguratorLayout, DEFAULT_ROOT } from '../layout.ts';
import {
  canaryRecord,
  encodeRecord,
  parseRecord,
  pointerRecord,
  versionRecord,
  type InstanceReport,
  type JsonValue,
  type PointerRecord,
} from '../records.ts';
import { LastKnownConfigFile, type LastKnownConfig } from './last-known-config.ts';

export interface ConfigSubscriberOptions {
  /** a started client (connected or not yet); the subscriber never closes it */
  client: ZooKeeperClient;
  namespace: string;
  /** this instance's name: what the canary list names and what the instance reports under */
  instanceId: string;
  root?: string;
  /** where to keep the last known config; without it there is no fallback */
  fallbackFile?: string;
  /** how long start() waits for ZooKeeper before it starts from the file; default 5 s */
  startTimeoutMs?: number;
  logger?: Logger;
}

export interface AppliedValue {
  readonly version: number;
  readonly value: JsonValue;
}

/**
 * zookeeper: live — what ZooKeeper says this instance should run;
 * file: started from the last known config while ZooKeeper was unreachable (not yet confirmed);
 * none: nothing yet.
 */
export type ConfigSource = 'zookeeper' | 'file' | 'none';

export interface ConfigSubscriberEvents {
  /** a key now runs this version (after a publish, a promotion, a rollback or a resync) */
  applied: [key: string, applied: AppliedValue];
  /** where the configuration comes from changed */
  source: [source: ConfigSource];
}

/**
 * The client side of the Configurator: holds one namespace's configuration in memory, as the
 * version each key should run *on this instance*, and tells the Configurator what it runs.
 *
 * ```ts
 * const config = new ConfigSubscriber({ client, namespace: 'shop', instanceId: 'api-1', fallbackFile });
 * config.on('applied', (key, { version, value }) => reconfigure(key, value));
 * await config.start();          // live, or from the file if ZooKeeper cannot be reached in time
 * config.get('limits')?.value;
 * ```
 *
 * How: one TreeCache over the namespace, three levels deep — the canary list and every key's
 * `current` and `gray` pointers, not the versions (they are immutable: each is read once, when a
 * pointer first names it). The cache is the watch; on each change the pointers are read together
 * (see wantedVersions). For each key the instance runs `gray` if it is on the canary list and a
 * gray release is on, `current` otherwise. What it runs is reported in an ephemeral node
 * (`instances/<ns>/<instance>`) that the Configurator's UI lists.
 *
 * Disconnected: the cache and so the configuration stay as they are (stale, not wrong); the
 * report stays too, as long as the session lives. Session expired: the report vanishes with it;
 * on the new session the cache re-reads everything, the instance applies what changed meanwhile —
 * ending on the newest version, never an intermediate one — and reports again.
 */
export class ConfigSubscriber extends EventEmitter<ConfigSubscriberEvents> {
  readonly namespace: string;
  readonly instanceId: string;
  private readonly client: ZooKeeperClient;
  private readonly layout: ConfiguratorLayout;
  private readonly file: LastKnownConfigFile | undefined;
  private readonly startTimeoutMs: number;
  private readonly logger: Logger;
  private readonly applied = new Map<string, AppliedValue>();
  private currentSource: ConfigSource = 'none';
  private cache: TreeCache | undefined;
  private report: PersistentNode | undefined;
  private reconciling: Promise<void> | undefined;
  private reconcileAgain = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private goingLive: Promise<void> | undefined;
  /** aborted by close(): ends the background wait for ZooKeeper */
  private readonly lifetime = new AbortController();

  constructor(options: ConfigSubscriberOptions) {
    super();
    this.client = options.client;
    this.namespace = options.namespace;
    this.instanceId = options.instanceId;
    this.layout = new ConfiguratorLayout(options.root ?? DEFAULT_ROOT);
    this.file = options.fallbackFile ? new LastKnownConfigFile(options.fallbackFile) : undefined;
    this.startTimeoutMs = options.startTimeoutMs ?? 5_000;
    this.logger = options.logger ?? pino({ level: 'silent' });
  }

  get source(): ConfigSource {
    return this.currentSource;
  }

  /** Whether what is held is confirmed by a live session right now. */
  get live(): boolean {
    return this.currentSource === 'zookeeper' && this.client.state === 'connected';
  }

  get(key: string): AppliedValue | undefined {
    return this.applied.get(key);
  }

  /** key → version and value, sorted by key */
  snapshot(): Record<string, AppliedValue> {
    return Object.fromEntries([...this.applied].sort(([a], [b]) => a.localeCompare(b)));
  }

  versions(): Record<string, number> {
    return Object.fromEntries([...this.applied].map(([key, { version }]) => [key, version]));
  }

  /**
   * Goes live if ZooKeeper answers within startTimeoutMs. If not, starts from the fallback file (if
   * there is one) and keeps trying in the background. Resolves with where the configuration comes
   * from: `none` means there is no configuration yet — a service should not report itself ready.
   */
  async start(): Promise<ConfigSource> {
    try {
      await this.client.waitForConnected({ timeoutMs: this.startTimeoutMs });
    } catch {
      const saved = await this.loadFallback();
      if (saved) {
        this.logger.warn(
          { file: this.file?.path, savedAt: saved.savedAt, versions: this.versions() },
          'ZooKeeper unreachable: running on the last known config',
        );
        this.setSource('file');
      } else this.logger.warn('ZooKeeper unreachable and no last known config: waiting for ZooKeeper');
      this.goingLive = this.goLiveWhenConnected();
      return this.currentSource;
    }
    await this.goLive();
    return this.currentSource;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.lifetime.abort();
    clearTimeout(this.retryTimer);
    await this.cache?.close();
    await this.reconciling;
    // Deleting the report says "gone" at once, rather than when the session times out.
    await this.report
      ?.close()
      .catch((error: unknown) => this.logger.debug({ err: error }, 'could not delete the report'));
    await this.goingLive?.catch(() => undefined);
  }

  private async goLiveWhenConnected(): Promise<void> {
    while (!this.closed) {
      try {
        await this.client.waitForConnected({ timeoutMs: 60_000, signal: this.lifetime.signal });
        await this.goLive();
        return;
      } catch (error) {
        if (this.closed || this.client.state === 'closed') return;
        this.logger.debug({ err: error }, 'still no ZooKeeper; running on the last known config');
      }
    }
  }

  private async goLive(): Promise<void> {
    const cache = new TreeCache(this.client, this.layout.namespace(this.namespace), { maxDepth: 3 });
    const reconcile = () => this.requestReconcile();
    cache.on('initialized', reconcile);
    cache.on('created', reconcile);
    cache.on('changed', reconcile);
    cache.on('deleted', reconcile);
    cache.on('resynced', reconcile);
    cache.on('error', (error) => this.logger.warn({ err: error }, 'config cache read failed'));
    await cache.start({ timeoutMs: this.startTimeoutMs });
    if (this.closed) {
      await cache.close();
      return;
    }
    this.cache = cache;
    await this.reconcileNow();
    this.report = new PersistentNode(this.client, this.layout.instance(this.namespace, this.instanceId), {
      mode: 'ephemeral',
      data: this.reportData(),
    });
    this.report.on('failure', (error) =>
      this.logger.warn({ err: error }, 'could not report the running versions'),
    );
    this.report.start();
  }

  private requestReconcile(): void {
    if (!this.cache || this.closed) return;
    void this.reconcileNow();
  }

  /** One pass at a time; a request during a pass makes one more pass afterwards. */
  private reconcileNow(): Promise<void> {
    if (this.reconciling) {
      this.reconcileAgain = true;
      return this.reconciling;
    }
    this.reconciling = (async () => {
      do {
        this.reconcileAgain = false;
        await this.reconcilePass();
      } while (this.reconcileAgain && !this.closed);
    })().finally(() => (this.reconciling = undefined));
    return this.reconciling;
  }

  private async reconcilePass(): Promise<void> {
    const cache = this.cache;
    if (!cache) return;
    let changed = false;
    let failed = false;
    let wanted: Map<string, number>;
    try {
      wanted = await this.wantedVersions(cache);
    } catch (error) {
      this.logger.debug({ err: error }, 'could not read the pointers; retrying');
      this.retrySoon();
      return;
    }
    for (const [key, version] of wanted) {
      if (this.applied.get(key)?.version === version) continue;
      const path = this.layout.version(this.namespace, key, version);
      try {
        const { data } = await this.client.getData(path);
        const record = parseRecord(versionRecord, data, path);
        this.applied.set(key, { version, value: record.value });
        changed = true;
        this.emit('applied', key, { version, value: record.value });
      } catch (error) {
        // NONODE: pruned after a newer pointer replaced this one; the cache is about to say so.
        failed = true;
        if (!isZooKeeperError(error, 'NONODE'))
          this.logger.warn({ err: error, key, version }, 'could not read a version; will retry');
      }
    }
    if (this.currentSource !== 'zookeeper') {
      this.setSource('zookeeper');
      changed = true;
    }
    if (changed) await this.persist();
    if (failed) this.retrySoon();
  }

  private retrySoon(): void {
    if (this.closed) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.requestReconcile(), 500);
    this.retryTimer.unref();
  }

  /**
   * For each key, the version this instance should run. The cache says when to look and which keys
   * exist, but the pointers are read afresh, all in one multiRead: a cache applies the parts of a
   * multi one event at a time, so just after a promotion it can hold "gray deleted" without yet
   * holding "current moved" — and a canary reading it would step back to the old version for a
   * moment. One multiRead sees the tree between two transactions, never inside one.
   */
  private async wantedVersions(cache: TreeCache): Promise<Map<string, number>> {
    const { layout, namespace } = this;
    const keys = cache.children(layout.keys(namespace)) ?? [];
    const paths = [
      layout.canary(namespace),
      ...keys.flatMap((key) => [layout.current(namespace, key), layout.gray(namespace, key)]),
    ];
    const results = await this.client.multiRead(paths.map((path) => ({ type: 'getData' as const, path })));
    const dataAt = (index: number): Buffer | undefined => {
      const result = results[index];
      if (result?.type === 'getData') return result.data;
      if (result?.type === 'error' && isZooKeeperError(result.error, 'NONODE')) return undefined;
      throw result?.type === 'error' ? result.error : new Error(`no multiRead result for ${paths[index]}`);
    };
    const canaryData = dataAt(0);
    const canaries = canaryData ? (this.parseOr(canaryRecord, canaryData, paths[0]!)?.instances ?? []) : [];
    const onCanaryList = canaries.includes(this.instanceId);
    const wanted = new Map<string, number>();
    keys.forEach((key, index) => {
      const pointer = (at: number): PointerRecord | undefined => {
        const data = dataAt(at);
        return data && this.parseOr(pointerRecord, data, paths[at]!);
      };
      const gray = onCanaryList ? pointer(2 + index * 2) : undefined;
      const version = (gray ?? pointer(1 + index * 2))?.version;
      if (version !== undefined) wanted.set(key, version);
    });
    return wanted;
  }

  private parseOr<T>(
    schema: Parameters<typeof parseRecord<T>>[0],
    data: Buffer,
    path: string,
  ): T | undefined {
    try {
      return parseRecord(schema, data, path);
    } catch (error) {
      this.logger.warn({ err: error, path }, 'ignoring a node this subscriber cannot read');
      return undefined;
    }
  }

  private async persist(): Promise<void> {
    // Not awaited: while disconnected it waits for the connection, and applying must not wait with it.
    void this.report
      ?.setData(this.reportData())
      .catch((error: unknown) => this.logger.debug({ err: error }, 'report not updated (closing?)'));
    if (!this.file) return;
    const config: LastKnownConfig = {
      namespace: this.namespace,
      savedAt: new Date().toISOString(),
      keys: this.snapshot(),
    };
    await this.file
      .save(config)
      .catch((error: unknown) =>
        this.logger.warn({ err: error, file: this.file?.path }, 'could not save the last known config'),
      );
  }

  private reportData(): Buffer {
    const report: InstanceReport = {
      instanceId: this.instanceId,
      versions: this.versions(),
      source: this.currentSource === 'file' ? 'file' : 'zookeeper',
      updatedAt: new Date().toISOString(),
    };
    return encodeRecord(report);
  }

  private async loadFallback(): Promise<LastKnownConfig | undefined> {
    if (!this.file) return undefined;
    let saved: LastKnownConfig | undefined;
    try {
      saved = await this.file.load();
    } catch (error) {
      this.logger.error({ err: error }, 'the last known config file is unreadable');
      return undefined;
    }
    if (!saved || saved.namespace !== this.namespace || Object.keys(saved.keys).length === 0)
      return undefined;
    for (const [key, applied] of Object.entries(saved.keys)) {
      this.applied.set(key, applied);
      this.emit('applied', key, applied);
    }
    return saved;
  }

  private setSource(source: ConfigSource): void {
    if (this.currentSource === source) return;
    this.currentSource = source;
    this.emit('source', source);
  }
}

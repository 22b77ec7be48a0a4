import { randomUUID } from 'node:crypto';
import {
  MultiError,
  isConnectionLossClass,
  isZooKeeperError,
  op,
  type ACL,
  type MultiOp,
  type ZooKeeperClient,
} from '@zk-cookbook/core/client';
import { HttpError } from '@zk-cookbook/core/http';
import type { Logger } from 'pino';
import { parseVersionName, type ConfiguratorLayout } from '../layout.ts';
import {
  canaryRecord,
  encodeRecord,
  instanceReport,
  namespaceRecord,
  parseRecord,
  versionRecord,
  type CanaryRecord,
  type InstanceReport,
  type JsonValue,
  type KeyRecord,
  type NamespaceRecord,
  type PointerRecord,
  type VersionRecord,
} from '../records.ts';
import { editorAcl, type Editor } from './editors.ts';
import { pruneHistory } from './history-pruning.ts';
import { diffJson, type JsonChange } from './json-diff.ts';
import { describeKeyState, readKeyState, type KeyState } from './key-state.ts';
import { NamespaceSchemas } from './namespace-schema.ts';
import { resolveAmbiguousPublish } from './publish-outcome.ts';

export const DEFAULT_MAX_VALUE_BYTES = 512 * 1024;
export const DEFAULT_KEEP_VERSIONS = 20;
/** How many publish ids the key node remembers for retries with the same id. */
const RECENT_PUBLISH_IDS = 50;

export interface ConfigStoreOptions {
  /** the service's own session: layout and reads */
  client: ZooKeeperClient;
  layout: ConfiguratorLayout;
  editors: readonly Editor[];
  /** values whose JSON is larger are refused with 413; default 512 KiB (ZooKeeper's own limit is 1 MiB) */
  maxValueBytes?: number;
  /** versions kept per key besides the current and the gray one; default 20, at least 2 */
  keepVersions?: number;
  /** how long a publish whose answer was lost may take to find out whether it happened; default 15 s */
  resolveTimeoutMs?: number;
  logger: Logger;
}

export type PublishMode = 'all' | 'gray';

export interface PublishRequest {
  namespace: string;
  key: string;
  value: JsonValue;
  message: string;
  /** the editor's identity: recorded as the author */
  author: string;
  /** the version the editor started from; a different current version is a 409 */
  baseVersion?: number | undefined;
  /** makes a retry safe: a second publish with the same id returns the first one's version */
  publishId?: string | undefined;
  mode?: PublishMode;
  rollbackOf?: number | undefined;
}

export interface PublishResult {
  outcome: 'published' | 'already-published';
  version: Omit<VersionRecord, 'value'>;
  /** the publish's reply was lost (e.g. CONNECTIONLOSS); reading back showed that it happened */
  resolvedAfter?: string;
  pruned: number[];
}

/**
 * The versioned configuration store on ZooKeeper. Every change to a key is one `multi` that checks
 * and bumps the key node's version: two changes that start from the same state cannot both commit —
 * the second fails as a whole (BADVERSION or NODEEXISTS) and becomes a 409 — and a change is never
 * half-applied (a version without its pointer, or a pointer to a missing version).
 */
export class ConfigStore {
  readonly layout: ConfiguratorLayout;
  readonly maxValueBytes: number;
  readonly keepVersions: number;
  private readonly client: ZooKeeperClient;
  private readonly acl: ACL[];
  private readonly schemas = new NamespaceSchemas();
  private readonly resolveTimeoutMs: number;
  private readonly logger: Logger;

  constructor(options: ConfigStoreOptions) {
    this.client = options.client;
    this.layout = options.layout;
    this.acl = editorAcl(options.editors);
    this.maxValueBytes = options.maxValueBytes ?? DEFAULT_MAX_VALUE_BYTES;
    this.keepVersions = Math.max(2, options.keepVersions ?? DEFAULT_KEEP_VERSIONS);
    this.resolveTimeoutMs = options.resolveTimeoutMs ?? 15_000;
    this.logger = options.logger;
  }

  /**
   * Creates the root, `namespaces` (writable by editors only) and `instances` (where subscribers,
   * which hold no credentials, report themselves).
   */
  async ensureLayout(): Promise<void> {
    const { layout } = this;
    for (const [path, acl] of [
      [layout.root, undefined],
      [layout.namespaces, this.acl],
      [layout.instancesRoot, undefined],
    ] as const) {
      try {
        await this.client.create(path, undefined, acl ? { acl } : {});
      } catch (error) {
        if (!isZooKeeperError(error, 'NODEEXISTS')) throw error;
      }
    }
  }

  // ---- namespaces ---------------------------------------------------------------------------

  async createNamespace(
    writer: ZooKeeperClient,
    {
      name,
      description,
      schema,
      author,
    }: { name: string; description: string; schema: NamespaceRecord['schema']; author: string },
  ): Promise<NamespaceRecord> {
    if (schema) this.schemas.compile(schema);
    const record: NamespaceRecord = {
      description,
      schema,
      createdBy: author,
      createdAt: new Date().toISOString(),
    };
    const { layout, acl } = this;
    try {
      await writer.multi([
        op.create(layout.namespace(name), encodeRecord(record), { acl }),
        op.create(layout.canary(name), encodeRecord({ instances: [] } satisfies CanaryRecord), { acl }),
        op.create(layout.keys(name), undefined, { acl }),
      ]);
    } catch (error) {
      if (isZooKeeperError(error, 'NODEEXISTS'))
        throw new HttpError(409, 'NAMESPACE_EXISTS', `namespace ${name} exists already`, { namespace: name });
      throw error;
    }
    return record;
  }

  /** Changes description and/or schema; the schema applies to the next publish, not to what is current. */
  async updateNamespace(
    writer: ZooKeeperClient,
    name: string,
    changes: { description?: string | undefined; schema?: NamespaceRecord['schema'] | undefined },
  ): Promise<NamespaceRecord> {
    if (changes.schema) this.schemas.compile(changes.schema);
    const { record, version } = await this.readNamespace(writer, name);
    const updated: NamespaceRecord = {
      ...record,
      ...(changes.description !== undefined && { description: changes.description }),
      ...(changes.schema !== undefined && { schema: changes.schema }),
    };
    try {
      await writer.setData(this.layout.namespace(name), encodeRecord(updated), { version });
    } catch (error) {
      if (isZooKeeperError(error, 'BADVERSION'))
        throw new HttpError(409, 'NAMESPACE_CHANGED', `namespace ${name} changed meanwhile; read it again`);
      throw error;
    }
    return updated;
  }

  async namespace(name: string, client: ZooKeeperClient = this.client): Promise<NamespaceRecord> {
    return (await this.readNamespace(client, name)).record;
  }

  async listNamespaces(): Promise<(NamespaceRecord & { name: string })[]> {
    const { children } = await this.client.getChildren(this.layout.namespaces);
    const namespaces = await Promise.all(
      children.sort().map(async (name) => {
        try {
          return { name, ...(await this.namespace(name)) };
        } catch (error) {
          // Deleted between the listing and the read.
          if (error instanceof HttpError && error.status === 404) return undefined;
          throw error;
        }
      }),
    );
    return namespaces.filter((namespace) => namespace !== undefined);
  }

  async canary(namespace: string, client: ZooKeeperClient = this.client): Promise<CanaryRecord> {
    await this.readNamespace(client, namespace);
    const path = this.layout.canary(namespace);
    return parseRecord(canaryRecord, (await client.getData(path)).data, path);
  }

  async setCanary(
    writer: ZooKeeperClient,
    namespace: string,
    instances: readonly string[],
  ): Promise<CanaryRecord> {
    await this.readNamespace(writer, namespace);
    const record: CanaryRecord = { instances: [...new Set(instances)].sort() };
    await writer.setData(this.layout.canary(namespace), encodeRecord(record));
    return record;
  }

  // ---- keys and versions --------------------------------------------------------------------

  async listKeys(namespace: string) {
    await this.readNamespace(this.client, namespace);
    const { children } = await this.client.getChildren(this.layout.keys(namespace));
    const states = await Promise.all(
      children.sort().map((key) => readKeyState(this.client, this.layout, namespace, key)),
    );
    return states.filter((state) => state.keyNode).map(describeKeyState);
  }

  async keyState(namespace: string, key: string) {
    const state = await readKeyState(this.client, this.layout, namespace, key);
    if (!state.keyNode) throw keyNotFound(namespace, key);
    return describeKeyState(state);
  }

  /** The history, newest first, without the values (a value can be 512 KiB; fetch one with version()). */
  async history(
    namespace: string,
    key: string,
  ): Promise<(Omit<VersionRecord, 'value'> & { sizeBytes: number })[]> {
    let children: string[];
    try {
      ({ children } = await this.client.getChildren(this.layout.versions(namespace, key)));
    } catch (error) {
      if (isZooKeeperError(error, 'NONODE')) throw keyNotFound(namespace, key);
      throw error;
    }
    const versions = children
      .map(parseVersionName)
      .filter((version) => version !== undefined)
      .sort((a, b) => b - a);
    const records = await Promise.all(
      versions.map((version) => this.readVersionOrNone(this.client, namespace, key, version)),
    );
    return records
      .filter((entry) => entry !== undefined)
      .map(({ record, sizeBytes }) => ({ ...withoutValue(record), sizeBytes }));
  }

  async version(namespace: string, key: string, version: number): Promise<VersionRecord> {
    const found = await this.readVersionOrNone(this.client, namespace, key, version);
    if (!found)
      throw new HttpError(
        404,
        'VERSION_NOT_FOUND',
        `${namespace}/${key} has no version ${version} (never published, or pruned)`,
        {
          namespace,
          key,
          version,
        },
      );
    return found.record;
  }

  async diff(
    namespace: string,
    key: string,
    from: number,
    to: number,
  ): Promise<{ from: number; to: number; changes: JsonChange[] }> {
    const [before, after] = await Promise.all([
      this.version(namespace, key, from),
      this.version(namespace, key, to),
    ]);
    return { from, to, changes: diffJson(before.value, after.value) };
  }

  /** Finds the version a publish id produced, if it did: how a caller settles an "unknown" outcome. */
  async findPublish(
    namespace: string,
    key: string,
    publishId: string,
  ): Promise<Omit<VersionRecord, 'value'> | undefined> {
    const state = await readKeyState(this.client, this.layout, namespace, key);
    const recent = state.keyNode?.record.recent.find((entry) => entry.publishId === publishId);
    if (recent) return withoutValue(await this.version(namespace, key, recent.version));
    if (!state.keyNode) return undefined;
    return (await this.history(namespace, key)).find((entry) => entry.publishId === publishId);
  }

  // ---- publishing ---------------------------------------------------------------------------

  /** The checks a publish makes before it writes anything: size (413) and the namespace's schema (422). */
  async validate(namespace: string, value: JsonValue, client: ZooKeeperClient = this.client): Promise<void> {
    const sizeBytes = Buffer.byteLength(JSON.stringify(value));
    if (sizeBytes > this.maxValueBytes) {
      throw new HttpError(
        413,
        'VALUE_TOO_LARGE',
        `the value is ${sizeBytes} bytes; this service accepts at most ${this.maxValueBytes}`,
        {
          sizeBytes,
          limitBytes: this.maxValueBytes,
        },
      );
    }
    const { record } = await this.readNamespace(client, namespace);
    this.schemas.check(record.schema, value, namespace);
  }

  /**
   * Publishes a new version: to everybody (`current` moves) or, in gray mode, to the namespace's
   * canary instances only (`gray` points at it, `current` stays). Checks size (413), schema (422)
   * and the editor's base version (409) first.
   */
  async publish(writer: ZooKeeperClient, request: PublishRequest): Promise<PublishResult> {
    const prepared = await beforeAnyWrite(request, () => this.preparePublish(writer, request));
    if ('earlier' in prepared) return prepared.earlier;
    const { state } = prepared;
    const { namespace, key, value } = request;
    const mode = request.mode ?? 'all';
    const version = (state.keyNode?.record.latest ?? 0) + 1;
    const publishId = request.publishId ?? randomUUID();
    const now = new Date().toISOString();
    const record: VersionRecord = {
      version,
      value,
      author: request.author,
      message: request.message,
      publishedAt: now,
      publishId,
      kind: request.rollbackOf !== undefined ? 'rollback' : mode === 'gray' ? 'gray' : 'publish',
      ...(request.rollbackOf !== undefined && { rollbackOf: request.rollbackOf }),
    };
    const pointer: PointerRecord = { version, publishId, movedBy: request.author, movedAt: now };
    const ops: MultiOp[] = [
      ...this.bumpKey(state, { latest: version, publishId }),
      op.create(this.layout.version(namespace, key, version), encodeRecord(record), { acl: this.acl }),
      mode === 'gray'
        ? op.create(this.layout.gray(namespace, key), encodeRecord(pointer), { acl: this.acl })
        : this.movePointer(state, pointer),
    ];
    let resolvedAfter: string | undefined;
    try {
      await writer.multi(ops);
    } catch (error) {
      if (error instanceof MultiError && (error.code === 'BADVERSION' || error.code === 'NODEEXISTS'))
        throw await this.conflictNow(writer, namespace, key);
      if (!isConnectionLossClass(error) && !isZooKeeperError(error, 'SESSIONEXPIRED')) throw error;
      const code = (error as { code: string }).code;
      this.logger.warn(
        { namespace, key, version, publishId, code },
        'publish reply lost; reading back to learn its outcome',
      );
      await resolveAmbiguousPublish(writer, this.layout, {
        state,
        version,
        publishId,
        cause: code,
        timeoutMs: this.resolveTimeoutMs,
        acl: this.acl,
      });
      resolvedAfter = code;
    }
    const pruned = await this.pruneQuietly(writer, namespace, key);
    return {
      outcome: 'published',
      version: withoutValue(record),
      pruned,
      ...(resolvedAfter && { resolvedAfter }),
    };
  }

  /** Everything a publish checks before it writes: nothing here changes the tree. */
  private async preparePublish(
    writer: ZooKeeperClient,
    request: PublishRequest,
  ): Promise<{ state: KeyState } | { earlier: PublishResult }> {
    const { namespace, key, value } = request;
    const mode = request.mode ?? 'all';
    await this.validate(namespace, value, writer);
    const state = await readKeyState(writer, this.layout, namespace, key);
    if (request.publishId !== undefined) {
      const earlier = state.keyNode?.record.recent.find((entry) => entry.publishId === request.publishId);
      if (earlier) {
        const version = withoutValue(await this.readVersion(writer, namespace, key, earlier.version));
        return { earlier: { outcome: 'already-published', version, pruned: [] } };
      }
    }
    const currentVersion = state.current?.record.version ?? 0;
    if (request.baseVersion !== undefined && request.baseVersion !== currentVersion) throw conflict(state);
    if (state.gray) {
      throw new HttpError(
        409,
        'GRAY_RELEASE_IN_PROGRESS',
        `version ${state.gray.record.version} of ${namespace}/${key} is in gray release; promote or abort it first`,
        { currentVersion, grayVersion: state.gray.record.version },
      );
    }
    if (mode === 'gray') {
      if (!state.current)
        throw new HttpError(
          409,
          'NOTHING_TO_GRAY',
          `${namespace}/${key} has no current version yet: publish the first one to all`,
        );
      const canaries = await this.canary(namespace, writer);
      if (canaries.instances.length === 0)
        throw new HttpError(
          409,
          'NO_CANARIES',
          `the canary list of namespace ${namespace} is empty: name instances first`,
        );
    }
    return { state };
  }

  /** A new version whose value is that of an older one, published to all. */
  async rollback(
    writer: ZooKeeperClient,
    request: Omit<PublishRequest, 'value' | 'mode' | 'rollbackOf'> & { toVersion: number },
  ): Promise<PublishResult> {
    const target = await beforeAnyWrite(request, () =>
      this.readVersion(writer, request.namespace, request.key, request.toVersion),
    );
    return this.publish(writer, { ...request, value: target.value, rollbackOf: target.version, mode: 'all' });
  }

  /** Gray release, second step: everybody gets the gray version (`current` moves to it). */
  async promote(
    writer: ZooKeeperClient,
    { namespace, key, author }: { namespace: string; key: string; author: string },
  ) {
    const state = await readKeyState(writer, this.layout, namespace, key);
    const gray = requireGray(state);
    const pointer: PointerRecord = { ...gray.record, movedBy: author, movedAt: new Date().toISOString() };
    await this.commitPointerChange(writer, state, [
      ...this.bumpKey(state, {}),
      this.movePointer(state, pointer),
      op.delete(this.layout.gray(namespace, key), gray.stat.version),
    ]);
    const pruned = await this.pruneQuietly(writer, namespace, key);
    return { current: pointer, pruned };
  }

  /** Gray release abandoned: the canaries go back to `current`; the gray version stays in the history. */
  async abortGray(writer: ZooKeeperClient, { namespace, key }: { namespace: string; key: string }) {
    const state = await readKeyState(writer, this.layout, namespace, key);
    const gray = requireGray(state);
    await this.commitPointerChange(writer, state, [
      ...this.bumpKey(state, {}),
      op.delete(this.layout.gray(namespace, key), gray.stat.version),
    ]);
    return { aborted: gray.record.version, current: state.current?.record ?? null };
  }

  // ---- subscribers --------------------------------------------------------------------------

  /** What each subscriber instance of the namespace reports it runs, and whether it is a canary. */
  async instances(namespace: string): Promise<(InstanceReport & { canary: boolean })[]> {
    const canaries = new Set((await this.canary(namespace)).instances);
    let children: string[];
    try {
      ({ children } = await this.client.getChildren(this.layout.instances(namespace)));
    } catch (error) {
      if (isZooKeeperError(error, 'NONODE')) return [];
      throw error;
    }
    const reports = await Promise.all(
      children.sort().map(async (instanceId) => {
        const path = this.layout.instance(namespace, instanceId);
        try {
          const report = parseRecord(instanceReport, (await this.client.getData(path)).data, path);
          return { ...report, instanceId, canary: canaries.has(instanceId) };
        } catch (error) {
          // The instance went away between the listing and the read.
          if (isZooKeeperError(error, 'NONODE')) return undefined;
          throw error;
        }
      }),
    );
    return reports.filter((report) => report !== undefined);
  }

  /** Makes the next reads of the service's session see every write committed before now. */
  async syncReads(namespace?: string): Promise<void> {
    await this.client.sync(namespace ? this.layout.namespace(namespace) : this.layout.namespaces);
  }

  // ---- internals ----------------------------------------------------------------------------

  /**
   * The op every change starts with: create the key (first publish) or set its data checking its
   * version. This check is the optimistic lock that serialises all changes to one key.
   */
  private bumpKey(state: KeyState, change: { latest?: number; publishId?: string }): MultiOp[] {
    const { namespace, key } = state;
    const previous: KeyRecord = state.keyNode?.record ?? { latest: 0, recent: [] };
    const next: KeyRecord = {
      latest: change.latest ?? previous.latest,
      recent:
        change.publishId !== undefined && change.latest !== undefined
          ? [{ publishId: change.publishId, version: change.latest }, ...previous.recent].slice(
              0,
              RECENT_PUBLISH_IDS,
            )
          : previous.recent,
    };
    if (!state.keyNode) {
      return [
        op.create(this.layout.key(namespace, key), encodeRecord(next), { acl: this.acl }),
        op.create(this.layout.versions(namespace, key), undefined, { acl: this.acl }),
      ];
    }
    return [op.setData(this.layout.key(namespace, key), encodeRecord(next), state.keyNode.stat.version)];
  }

  /** Moves `current` — with its own version check too, so the pointer never moves from a stale read. */
  private movePointer(state: KeyState, pointer: PointerRecord): MultiOp {
    const path = this.layout.current(state.namespace, state.key);
    return state.current
      ? op.setData(path, encodeRecord(pointer), state.current.stat.version)
      : op.create(path, encodeRecord(pointer), { acl: this.acl });
  }

  private async commitPointerChange(writer: ZooKeeperClient, state: KeyState, ops: MultiOp[]): Promise<void> {
    try {
      await writer.multi(ops);
    } catch (error) {
      if (
        error instanceof MultiError &&
        (error.code === 'BADVERSION' || error.code === 'NONODE' || error.code === 'NODEEXISTS')
      )
        throw conflict(await readKeyState(writer, this.layout, state.namespace, state.key));
      throw error;
    }
  }

  /** The 409 of a lost race, with what won; without it if even that cannot be read now. */
  private async conflictNow(writer: ZooKeeperClient, namespace: string, key: string): Promise<HttpError> {
    try {
      return conflict(await readKeyState(writer, this.layout, namespace, key));
    } catch {
      return new HttpError(409, 'VERSION_CONFLICT', `${namespace}/${key} changed meanwhile; read it again`);
    }
  }

  /** History pruning never fails a publish that happened: a failed pass is logged, the next one catches up. */
  private async pruneQuietly(writer: ZooKeeperClient, namespace: string, key: string): Promise<number[]> {
    try {
      return await pruneHistory(writer, this.layout, namespace, key, this.keepVersions);
    } catch (error) {
      this.logger.warn(
        { err: error, namespace, key },
        'pruning the history failed; the next publish tries again',
      );
      return [];
    }
  }

  private async readNamespace(
    client: ZooKeeperClient,
    name: string,
  ): Promise<{ record: NamespaceRecord; version: number }> {
    const path = this.layout.namespace(name);
    try {
      const { data, stat } = await client.getData(path);
      return { record: parseRecord(namespaceRecord, data, path), version: stat.version };
    } catch (error) {
      if (isZooKeeperError(error, 'NONODE'))
        throw new HttpError(404, 'NAMESPACE_NOT_FOUND', `no namespace ${name}`, { namespace: name });
      throw error;
    }
  }

  private async readVersion(
    client: ZooKeeperClient,
    namespace: string,
    key: string,
    version: number,
  ): Promise<VersionRecord> {
    const found = await this.readVersionOrNone(client, namespace, key, version);
    if (!found)
      throw new HttpError(
        404,
        'VERSION_NOT_FOUND',
        `${namespace}/${key} has no version ${version} (never published, or pruned)`,
        {
          namespace,
          key,
          version,
        },
      );
    return found.record;
  }

  private async readVersionOrNone(client: ZooKeeperClient, namespace: string, key: string, version: number) {
    const path = this.layout.version(namespace, key, version);
    try {
      const { data } = await client.getData(path);
      return { record: parseRecord(versionRecord, data, path), sizeBytes: data.length };
    } catch (error) {
      if (isZooKeeperError(error, 'NONODE')) return undefined;
      throw error;
    }
  }
}

/**
 * A publish that fails before its multi was sent (the session dropped while reading what it
 * checks) wrote nothing: say so, rather than pass on a bare CONNECTIONLOSS that leaves the caller
 * guessing.
 */
async function beforeAnyWrite<T>(
  request: { publishId?: string | undefined },
  prepare: () => Promise<T>,
): Promise<T> {
  try {
    return await prepare();
  } catch (error) {
    if (!isConnectionLossClass(error) && !isZooKeeperError(error, 'SESSIONEXPIRED')) throw error;
    const cause = (error as { code: string }).code;
    throw new HttpError(
      503,
      'PUBLISH_NOT_APPLIED',
      `the publish was not applied: ZooKeeper was lost (${cause}) before anything was written; it is safe to publish again`,
      { outcome: 'not-published', publishId: request.publishId, cause },
      { 'Retry-After': '1' },
    );
  }
}

function withoutValue(record: VersionRecord): Omit<VersionRecord, 'value'> {
  const { value: _value, ...rest } = record;
  return rest;
}

function keyNotFound(namespace: string, key: string): HttpError {
  return new HttpError(404, 'KEY_NOT_FOUND', `${namespace}/${key} has never been published`, {
    namespace,
    key,
  });
}

function requireGray(state: KeyState) {
  if (!state.gray)
    throw new HttpError(
      409,
      'NO_GRAY_RELEASE',
      `${state.namespace}/${state.key} has no gray release in progress`,
      {
        currentVersion: state.current?.record.version ?? 0,
      },
    );
  return state.gray;
}

/** The loser of a race: 409 with what won, so the editor can look at it and publish again on top. */
function conflict(state: KeyState): HttpError {
  return new HttpError(
    409,
    'VERSION_CONFLICT',
    `${state.namespace}/${state.key} changed meanwhile: the current version is ${state.current?.record.version ?? 0}`,
    {
      currentVersion: state.current?.record.version ?? 0,
      grayVersion: state.gray?.record.version ?? null,
      latest: state.keyNode?.record.latest ?? 0,
    },
  );
}

import { EventEmitter } from 'node:events';
import { JuteDecodeError, type JuteReader } from '../jute/reader.ts';
import { AddWatchModeCode, CreateFlags, ErrorCodes, OpCode, WatcherTypeCode } from '../jute/protocol.ts';
import { readAclList, readStat, type ACL, type Stat } from '../jute/records.ts';
import {
  writeAddWatchRequest,
  writeCreateRequest,
  writeCreateTtlRequest,
  writeDeleteRequest,
  writePathRequest,
  writePathWatchRequest,
  writeReconfigRequest,
  writeSetAclRequest,
  writeSetDataRequest,
  writeWatchTypeRequest,
} from '../jute/requests.ts';
import { OPEN_ACL_UNSAFE } from './acl.ts';
import { parseConnectString } from './connect-string.ts';
import { createOpCode, isSequential, validateCreateMode, type CreateMode } from './create-mode.ts';
import { toBytes, toNodeBytes, type NodeData } from './data.ts';
import { ZooKeeperError, isZooKeeperError } from './errors.ts';
import { consoleWarningsLogger, type Logger } from './logger.ts';
import {
  readMultiResults,
  readReadResults,
  validateMultiOps,
  writeMultiOps,
  writeReadOps,
  type MultiOp,
  type MultiResult,
  type ReadOp,
  type ReadResult,
} from './multi.ts';
import { Chroot, validatePath } from './paths.ts';
import type { RequestOptions, RequestSpec } from './request-pipeline.ts';
import { Session, type ConnectionState, type SessionEvents, type StateChange } from './session.ts';
import type { WatchKind, Watcher } from './watch-registry.ts';

export interface ZooKeeperClientOptions {
  /** requested session timeout; the server clamps it to [2, 20] × its tickTime by default. Default 30 s. */
  sessionTimeoutMs?: number;
  /** how long connect() waits for the first session before failing. Default 15 s. */
  connectTimeoutMs?: number;
  /** default deadline of every request, time spent waiting for a connection included. Default: the session timeout. */
  requestTimeoutMs?: number;
  /** accept a read-only server when no quorum is reachable (servers need readonlymode.enabled). */
  canBeReadOnly?: boolean;
  /** after the session is lost, start a new one (default) instead of closing the client. */
  renewSessionOnExpiry?: boolean;
  /** largest request the server accepts: its jute.maxbuffer (default 1 MiB − 1). */
  maxRequestBytes?: number;
  /** largest reply accepted, e.g. getChildren of a huge node. Default 64 MiB. */
  maxResponseBytes?: number;
  /**
   * Try servers in a random order fixed at start (default), which spreads clients over the ensemble,
   * or in the order of the connect string, e.g. to prefer a server in the same zone.
   */
  shuffleServers?: boolean;
  /** join an existing session (its id and password) instead of creating one */
  session?: { sessionId: bigint; password: Uint8Array };
  /** credentials sent on every connection, before any request */
  auth?: readonly { scheme: string; auth: string | Uint8Array }[];
  logger?: Logger;
}

export type CallOptions = RequestOptions;

/** What getData returns. */
export interface NodeContent {
  /** the node's bytes; empty when the data is null */
  data: Buffer;
  stat: Stat;
  /** true when the node's data is null (length -1 on the wire), false when it is empty or set */
  dataIsNull: boolean;
}

export interface CreateOptions extends CallOptions {
  mode?: CreateMode;
  /** defaults to OPEN_ACL_UNSAFE (anyone may do anything) */
  acl?: readonly ACL[];
  /** required for the *WithTtl modes */
  ttlMs?: number;
}

export interface WatchOptions extends CallOptions {
  /** a one-shot watcher, called once with the next change to the node */
  watch?: Watcher;
}

export interface VersionOptions extends CallOptions {
  /** expected current version; -1 (default) means any */
  version?: number;
}

export type AddWatchMode = 'persistent' | 'persistentRecursive';
export type RemovableWatchType = 'children' | 'data' | 'any' | 'persistent' | 'persistentRecursive';

export interface RemoveWatchesOptions extends CallOptions {
  /** remove only this watcher; default all watchers of the type on the path */
  watcher?: Watcher;
  /** remove locally even if the server cannot be told (e.g. while disconnected) */
  local?: boolean;
}

export interface ReconfigOptions extends CallOptions {
  /** server specs to add, e.g. "server.4=127.0.0.1:2890:3890:participant;127.0.0.1:2184" */
  joining?: readonly string[];
  /** ids of servers to remove */
  leaving?: readonly number[];
  /** non-incremental: the complete new membership */
  newMembers?: readonly string[];
  /** apply only if the current config version is this (-1: any) */
  fromConfig?: bigint;
}

const CONFIG_NODE = '/zookeeper/config';

const kindsByWatchType: Record<RemovableWatchType, WatchKind[]> = {
  children: ['child'],
  data: ['data', 'exist'],
  any: ['data', 'exist', 'child', 'persistent', 'persistentRecursive'],
  persistent: ['persistent'],
  persistentRecursive: ['persistentRecursive'],
};

/**
 * A ZooKeeper client speaking the wire protocol of servers 3.5–3.9.
 *
 * ```ts
 * const zk = await ZooKeeperClient.connect('127.0.0.1:2181,127.0.0.1:2182/app');
 * zk.on('suspended', () => pauseWork());
 * await zk.create('/config', '{"x":1}');
 * const { data, stat } = await zk.getData('/config', { watch: (event) => reload(event) });
 * await zk.close();
 * ```
 *
 * Every method returns a promise that settles within its deadline; failures are ZooKeeperErrors
 * with the code, operation and path. State changes arrive as events (see ConnectionState).
 */
export class ZooKeeperClient extends EventEmitter<SessionEvents> {
  readonly connectString: string;
  private readonly session: Session;
  private readonly chroot: Chroot;
  private readonly connectTimeoutMs: number;

  constructor(connectString: string, options: ZooKeeperClientOptions = {}) {
    super();
    this.connectString = connectString;
    const parsed = parseConnectString(connectString);
    this.chroot = new Chroot(parsed.chroot);
    const sessionTimeoutMs = positive(options.sessionTimeoutMs ?? 30_000, 'sessionTimeoutMs');
    this.connectTimeoutMs = positive(options.connectTimeoutMs ?? 15_000, 'connectTimeoutMs');
    this.session = new Session({
      servers: parsed.servers,
      chroot: this.chroot,
      sessionTimeoutMs,
      requestTimeoutMs: positive(options.requestTimeoutMs ?? sessionTimeoutMs, 'requestTimeoutMs'),
      canBeReadOnly: options.canBeReadOnly ?? false,
      renewSessionOnExpiry: options.renewSessionOnExpiry ?? true,
      maxRequestBytes: positive(options.maxRequestBytes ?? 1_048_575, 'maxRequestBytes'),
      maxResponseBytes: positive(options.maxResponseBytes ?? 64 * 1024 * 1024, 'maxResponseBytes'),
      shuffleServers: options.shuffleServers ?? true,
      resume: options.session
        ? { sessionId: options.session.sessionId, password: options.session.password }
        : undefined,
      logger: options.logger ?? consoleWarningsLogger,
    });
    for (const event of [
      'state',
      'connected',
      'reconnected',
      'readOnly',
      'suspended',
      'lost',
      'authFailed',
      'closed',
    ] as const) {
      this.session.on(event, (change: StateChange) => this.emit(event, change));
    }
    this.session.on('notification', (event) => this.emit('notification', event));
    for (const credential of options.auth ?? [])
      void this.session.addAuth(credential.scheme, toBytes(credential.auth)).catch(() => {});
  }

  /**
   * Creates a client and waits for its first session. Fails with CONNECTIONLOSS naming the servers
   * and the last connection error if none is reached within connectTimeoutMs; the client is then
   * closed, so nothing keeps retrying in the background.
   */
  static async connect(
    connectString: string,
    options: ZooKeeperClientOptions = {},
  ): Promise<ZooKeeperClient> {
    const client = new ZooKeeperClient(connectString, options);
    client.start();
    try {
      await client.waitForConnected({ timeoutMs: client.connectTimeoutMs });
    } catch (error) {
      await client.close();
      throw error;
    }
    return client;
  }

  /** Starts connecting in the background (connect() does this for you). */
  start(): void {
    this.session.start();
  }

  get state(): ConnectionState {
    return this.session.state;
  }

  /** 0n until a session is established */
  get sessionId(): bigint {
    return this.session.sessionId;
  }

  get sessionPassword(): Buffer {
    return this.session.sessionPassword;
  }

  get negotiatedTimeoutMs(): number {
    return this.session.negotiatedTimeoutMs;
  }

  /** "host:port" of the server this client is connected to, if any */
  get connectedServer(): string | undefined {
    return this.session.server;
  }

  get lastZxid(): bigint {
    return this.session.lastZxid;
  }

  /** Number of (path, kind) watch registrations held; useful to check for leaks. */
  get watchCount(): number {
    return this.session.watches.size;
  }

  /**
   * Requests waiting for a reply or for a connection. A request leaves as soon as it settles, its
   * deadline included, so this stays near the number of calls in progress; useful to check for leaks.
   */
  get pendingRequests(): number {
    return this.session.pendingRequests;
  }

  waitForConnected(options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<void> {
    return this.session.waitFor(['connected', 'readOnly'], {
      timeoutMs: options.timeoutMs ?? this.connectTimeoutMs,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  waitForState(
    states: readonly ConnectionState[],
    options: { timeoutMs: number; signal?: AbortSignal },
  ): Promise<void> {
    return this.session.waitFor(states, options);
  }

  /** Drops the TCP connection as a network failure would; the session reconnects. For drills and tests. */
  dropConnection(): void {
    this.session.dropConnection();
  }

  close(): Promise<void> {
    return this.session.close();
  }

  // ---- nodes ----------------------------------------------------------------------------------

  /** Creates a node and returns its actual path (sequential nodes get a counter appended). */
  /** `data` null creates a node with null data (see getData); omitted, the data is empty. */
  create(path: string, data?: NodeData | null, options: CreateOptions = {}): Promise<string> {
    return this.guard(() => this.createNode('create', path, data, options, false)).then(
      (created) => created.path,
    );
  }

  /** Like create, also returning the new node's Stat (czxid makes a good fencing token). */
  create2(
    path: string,
    data?: NodeData | null,
    options: CreateOptions = {},
  ): Promise<{ path: string; stat: Stat }> {
    return this.guard(
      () => this.createNode('create2', path, data, options, true) as Promise<{ path: string; stat: Stat }>,
    );
  }

  private createNode(
    operation: string,
    path: string,
    data: NodeData | null | undefined,
    options: CreateOptions,
    withStat: boolean,
  ): Promise<{ path: string; stat: Stat | undefined }> {
    const mode = options.mode ?? 'persistent';
    validateCreateMode(mode, options.ttlMs, { operation, path });
    validatePath(path, { sequential: isSequential(mode), operation });
    const opCode = createOpCode(mode, withStat);
    const bytes = toNodeBytes(data);
    const acl = options.acl ?? OPEN_ACL_UNSAFE;
    validateAcl(acl, operation, path);
    const serverPath = this.chroot.toServer(path);
    return this.call(
      {
        opCode,
        operation,
        path,
        writeBody: (writer) => {
          if (opCode === OpCode.createTTL) {
            writeCreateTtlRequest(writer, serverPath, bytes, acl, CreateFlags[mode], options.ttlMs!);
          } else writeCreateRequest(writer, serverPath, bytes, acl, CreateFlags[mode]);
        },
        readReply: (err, body) => {
          this.throwIfError(err, operation, path);
          const createdPath = this.chroot.fromServer(body.readString() ?? '');
          const stat = opCode === OpCode.create ? undefined : readStat(body);
          return { path: createdPath, stat };
        },
      },
      options,
    );
  }

  delete(path: string, options: VersionOptions = {}): Promise<void> {
    return this.guard(() => {
      validatePath(path, { operation: 'delete' });
      const serverPath = this.chroot.toServer(path);
      return this.call(
        {
          opCode: OpCode.delete,
          operation: 'delete',
          path,
          writeBody: (writer) => writeDeleteRequest(writer, serverPath, options.version ?? -1),
          readReply: (err) => this.throwIfError(err, 'delete', path),
        },
        options,
      );
    });
  }

  /** The node's Stat, or null if it does not exist. A watch fires on creation, change or deletion. */
  exists(path: string, options: WatchOptions = {}): Promise<Stat | null> {
    return this.guard(() => {
      validatePath(path, { operation: 'exists' });
      const serverPath = this.chroot.toServer(path);
      const watch = options.watch;
      return this.call(
        {
          opCode: OpCode.exists,
          operation: 'exists',
          path,
          writeBody: (writer) => writePathWatchRequest(writer, serverPath, watch !== undefined),
          readReply: (err, body) => {
            if (err === ErrorCodes.NONODE) {
              if (watch) this.session.watches.add('exist', serverPath, watch);
              return null;
            }
            this.throwIfError(err, 'exists', path);
            if (watch) this.session.watches.add('data', serverPath, watch);
            return readStat(body);
          },
        },
        options,
      );
    });
  }

  /**
   * The node's data and Stat. ZooKeeper tells null data (a node created with null, as zkCli's
   * `create /path` without data and Java's `create(path, null, ...)` make) from empty data; so does
   * `dataIsNull`. `data` is an empty Buffer for both, so code that only reads bytes need not care.
   */
  getData(path: string, options: WatchOptions = {}): Promise<NodeContent> {
    return this.guard(() => {
      validatePath(path, { operation: 'getData' });
      return this.readData('getData', path, this.chroot.toServer(path), options);
    });
  }

  private readData(
    operation: string,
    path: string,
    serverPath: string,
    options: WatchOptions,
  ): Promise<NodeContent> {
    const watch = options.watch;
    return this.call(
      {
        opCode: OpCode.getData,
        operation,
        path,
        writeBody: (writer) => writePathWatchRequest(writer, serverPath, watch !== undefined),
        readReply: (err, body) => {
          this.throwIfError(err, operation, path);
          const data = body.readBuffer();
          const stat = readStat(body);
          if (watch) this.session.watches.add('data', serverPath, watch);
          return { data: data ?? Buffer.alloc(0), stat, dataIsNull: data === null };
        },
      },
      options,
    );
  }

  /** `data` null makes the node's data null (see getData). */
  setData(path: string, data: NodeData | null, options: VersionOptions = {}): Promise<Stat> {
    return this.guard(() => {
      validatePath(path, { operation: 'setData' });
      const serverPath = this.chroot.toServer(path);
      const bytes = toNodeBytes(data);
      return this.call(
        {
          opCode: OpCode.setData,
          operation: 'setData',
          path,
          writeBody: (writer) => writeSetDataRequest(writer, serverPath, bytes, options.version ?? -1),
          readReply: (err, body) => {
            this.throwIfError(err, 'setData', path);
            return readStat(body);
          },
        },
        options,
      );
    });
  }

  getACL(path: string, options: CallOptions = {}): Promise<{ acl: ACL[]; stat: Stat }> {
    return this.guard(() => {
      validatePath(path, { operation: 'getACL' });
      const serverPath = this.chroot.toServer(path);
      return this.call(
        {
          opCode: OpCode.getACL,
          operation: 'getACL',
          path,
          writeBody: (writer) => writePathRequest(writer, serverPath),
          readReply: (err, body) => {
            this.throwIfError(err, 'getACL', path);
            return { acl: readAclList(body), stat: readStat(body) };
          },
        },
        options,
      );
    });
  }

  setACL(path: string, acl: readonly ACL[], options: VersionOptions = {}): Promise<Stat> {
    return this.guard(() => {
      validatePath(path, { operation: 'setACL' });
      validateAcl(acl, 'setACL', path);
      const serverPath = this.chroot.toServer(path);
      return this.call(
        {
          opCode: OpCode.setACL,
          operation: 'setACL',
          path,
          writeBody: (writer) => writeSetAclRequest(writer, serverPath, acl, options.version ?? -1),
          readReply: (err, body) => {
            this.throwIfError(err, 'setACL', path);
            return readStat(body);
          },
        },
        options,
      );
    });
  }

  /** Child names (not paths), unsorted, and the parent's Stat. A watch fires when children change. */
  getChildren(path: string, options: WatchOptions = {}): Promise<{ children: string[]; stat: Stat }> {
    return this.guard(() => {
      validatePath(path, { operation: 'getChildren' });
      const serverPath = this.chroot.toServer(path);
      const watch = options.watch;
      return this.call(
        {
          opCode: OpCode.getChildren2,
          operation: 'getChildren',
          path,
          writeBody: (writer) => writePathWatchRequest(writer, serverPath, watch !== undefined),
          readReply: (err, body) => {
            this.throwIfError(err, 'getChildren', path);
            const children = body.readStringVector();
            const stat = readStat(body);
            if (watch) this.session.watches.add('child', serverPath, watch);
            return { children, stat };
          },
        },
        options,
      );
    });
  }

  /**
   * Makes the connected server catch up with the leader, so that a read after sync sees every write
   * committed before it — ZooKeeper reads are otherwise allowed to be slightly stale.
   */
  sync(path: string, options: CallOptions = {}): Promise<void> {
    return this.guard(() => {
      validatePath(path, { operation: 'sync' });
      const serverPath = this.chroot.toServer(path);
      return this.call(
        {
          opCode: OpCode.sync,
          operation: 'sync',
          path,
          writeBody: (writer) => writePathRequest(writer, serverPath),
          readReply: (err) => this.throwIfError(err, 'sync', path),
        },
        options,
      );
    });
  }

  /** Applies all ops atomically or none; throws MultiError naming the first failing op. */
  multi(ops: readonly MultiOp[], options: CallOptions = {}): Promise<MultiResult[]> {
    return this.guard(() => {
      validateMultiOps(ops, 'multi');
      return this.call(
        {
          opCode: OpCode.multi,
          operation: 'multi',
          writeBody: (writer) => writeMultiOps(writer, ops, this.chroot),
          readReply: (err, body) => {
            if (err !== 0 && body.remaining === 0) this.throwIfError(err, 'multi', undefined);
            return readMultiResults(body, ops, this.chroot);
          },
        },
        options,
      );
    });
  }

  /** Several reads in one round trip (3.6+); each result is data, children or its own error. */
  multiRead(ops: readonly ReadOp[], options: CallOptions = {}): Promise<ReadResult[]> {
    return this.guard(() => {
      for (const entry of ops) validatePath(entry.path, { operation: 'multiRead' });
      return this.call(
        {
          opCode: OpCode.multiRead,
          operation: 'multiRead',
          writeBody: (writer) => writeReadOps(writer, ops, this.chroot),
          readReply: (err, body) => {
            this.throwIfError(err, 'multiRead', undefined);
            return readReadResults(body, ops);
          },
        },
        options,
      );
    });
  }

  // ---- watches --------------------------------------------------------------------------------

  /**
   * A watch that stays after firing (3.6+). "persistent" sees created/deleted/dataChanged/
   * childrenChanged of the node; "persistentRecursive" sees created/deleted/dataChanged of the node
   * and every descendant. It is re-registered after reconnects and ends with the session.
   *
   * The server keeps one mode per path and connection: adding a recursive watch on a path that has
   * a persistent one (or the reverse) replaces it on the server, as with the Java client.
   */
  addWatch(
    path: string,
    watcher: Watcher,
    options: CallOptions & { mode?: AddWatchMode } = {},
  ): Promise<void> {
    return this.guard(() => {
      validatePath(path, { operation: 'addWatch' });
      const mode = options.mode ?? 'persistentRecursive';
      const serverPath = this.chroot.toServer(path);
      return this.call(
        {
          opCode: OpCode.addWatch,
          operation: 'addWatch',
          path,
          writeBody: (writer) => writeAddWatchRequest(writer, serverPath, AddWatchModeCode[mode]),
          readReply: (err) => {
            this.throwIfError(err, 'addWatch', path);
            this.session.watches.add(mode, serverPath, watcher);
          },
        },
        options,
      );
    });
  }

  /**
   * Removes watches so they never fire; each removed watcher gets a *WatchRemoved event. Fails with
   * NOWATCHER if nothing matches. The server is told only when no watcher of that kind is left on
   * the path, since it keeps one watch per path and kind for the whole connection.
   */
  async removeWatches(
    path: string,
    type: RemovableWatchType,
    options: RemoveWatchesOptions = {},
  ): Promise<void> {
    validatePath(path, { operation: 'removeWatches' });
    const kinds = kindsByWatchType[type];
    if (!kinds)
      throw new ZooKeeperError('BADARGUMENTS', {
        operation: 'removeWatches',
        path,
        detail: `unknown watch type "${type}"`,
      });
    const serverPath = this.chroot.toServer(path);
    const registry = this.session.watches;
    let matching = kinds.filter((kind) => registry.has(kind, serverPath, options.watcher));
    if (matching.length === 0) throw new ZooKeeperError('NOWATCHER', { operation: 'removeWatches', path });
    const serverMustForget = matching.some(
      (kind) => !options.watcher || registry.count(kind, serverPath) === 1,
    );
    if (serverMustForget) {
      try {
        await this.removeServerWatch(path, serverPath, WatcherTypeCode[type], options);
      } catch (error) {
        const persistentType = type === 'persistent' || type === 'persistentRecursive';
        if (persistentType && isZooKeeperError(error, 'MARSHALLINGERROR')) {
          // Servers before 3.9 know no persistent watcher types; their only way to drop a persistent
          // watch is "any", which also drops one-shot watches on the path, so those are removed here too.
          try {
            await this.removeServerWatch(path, serverPath, WatcherTypeCode.any, options);
          } catch (fallbackError) {
            if (!options.local) throw fallbackError;
          }
          matching = kindsByWatchType.any;
        } else if (!options.local) throw error;
      }
    }
    // A watcher registered under two kinds that map to one event (data and exist, persistent and
    // recursive) hears about its removal once, as with the Java client.
    const told = new Map<string, Set<Watcher>>();
    for (const kind of matching) {
      const removed = registry.remove(
        kind,
        serverPath,
        kindsByWatchType[type].includes(kind) ? options.watcher : undefined,
      );
      const eventType =
        kind === 'child'
          ? 'childWatchRemoved'
          : kind === 'data' || kind === 'exist'
            ? 'dataWatchRemoved'
            : 'persistentWatchRemoved';
      const toldOfThis = told.get(eventType) ?? new Set<Watcher>();
      told.set(eventType, toldOfThis);
      for (const watcher of removed) {
        if (toldOfThis.has(watcher)) continue;
        toldOfThis.add(watcher);
        this.session.deliver(watcher, { type: eventType, path });
      }
    }
  }

  private removeServerWatch(
    path: string,
    serverPath: string,
    watcherType: number,
    options: CallOptions,
  ): Promise<void> {
    return this.call(
      {
        opCode: OpCode.removeWatches,
        operation: 'removeWatches',
        path,
        writeBody: (writer) => writeWatchTypeRequest(writer, serverPath, watcherType),
        readReply: (err) => this.throwIfError(err, 'removeWatches', path),
      },
      options,
    );
  }

  // ---- sessions and server ---------------------------------------------------------------------

  /** Paths of the ephemeral nodes this session owns, optionally only under a prefix (3.6+). */
  getEphemerals(prefix = '/', options: CallOptions = {}): Promise<string[]> {
    return this.guard(() => {
      validatePath(prefix, { operation: 'getEphemerals' });
      const serverPrefix = this.chroot.toServer(prefix);
      return this.call(
        {
          opCode: OpCode.getEphemerals,
          operation: 'getEphemerals',
          path: prefix,
          writeBody: (writer) => writePathRequest(writer, serverPrefix),
          readReply: (err, body) => {
            this.throwIfError(err, 'getEphemerals', prefix);
            return body.readStringVector().map((path) => this.chroot.fromServer(path));
          },
        },
        options,
      );
    });
  }

  /** Number of descendants of a node, all levels (3.6+). */
  getAllChildrenNumber(path: string, options: CallOptions = {}): Promise<number> {
    return this.guard(() => {
      validatePath(path, { operation: 'getAllChildrenNumber' });
      const serverPath = this.chroot.toServer(path);
      return this.call(
        {
          opCode: OpCode.getAllChildrenNumber,
          operation: 'getAllChildrenNumber',
          path,
          writeBody: (writer) => writePathRequest(writer, serverPath),
          readReply: (err, body) => {
            this.throwIfError(err, 'getAllChildrenNumber', path);
            return body.readInt();
          },
        },
        options,
      );
    });
  }

  /** The ensemble's dynamic configuration (/zookeeper/config, outside any chroot). */
  async getConfig(options: WatchOptions = {}): Promise<{ config: string; stat: Stat }> {
    const { data, stat } = await this.readData('getConfig', CONFIG_NODE, CONFIG_NODE, options);
    return { config: data.toString('utf8'), stat };
  }

  /** Changes ensemble membership (servers need reconfigEnabled=true and the caller admin rights). */
  reconfig(options: ReconfigOptions): Promise<{ config: string; stat: Stat }> {
    return this.guard(() => {
      const join = (list: readonly (string | number)[] | undefined): string | null =>
        list && list.length > 0 ? list.join(',') : null;
      return this.call(
        {
          opCode: OpCode.reconfig,
          operation: 'reconfig',
          writeBody: (writer) =>
            writeReconfigRequest(
              writer,
              join(options.joining),
              join(options.leaving),
              join(options.newMembers),
              options.fromConfig ?? -1n,
            ),
          readReply: (err, body) => {
            this.throwIfError(err, 'reconfig', undefined);
            const data = body.readBuffer() ?? Buffer.alloc(0);
            return { config: data.toString('utf8'), stat: readStat(body) };
          },
        },
        options,
      );
    });
  }

  /**
   * Adds credentials to the session, e.g. addAuth('digest', 'user:password'). They are re-sent on
   * every reconnect. Resolves when the server has accepted them.
   */
  addAuth(scheme: string, auth: string | Uint8Array): Promise<void> {
    if (!scheme)
      return Promise.reject(
        new ZooKeeperError('BADARGUMENTS', { operation: 'addAuth', detail: 'scheme is empty' }),
      );
    return this.session.addAuth(scheme, toBytes(auth));
  }

  /** The identities the server associates with this session (3.7+). */
  whoAmI(options: CallOptions = {}): Promise<{ scheme: string; user: string }[]> {
    return this.guard(() => {
      return this.call(
        {
          opCode: OpCode.whoAmI,
          operation: 'whoAmI',
          readReply: (err, body) => {
            this.throwIfError(err, 'whoAmI', undefined);
            const identities = body.readVector((reader: JuteReader) => ({
              scheme: reader.readString() ?? '',
              user: reader.readString() ?? '',
            }));
            // Every session has at least its ip identity; null would read as "nobody".
            if (identities === null) throw new JuteDecodeError('identity list is null (length -1)');
            return identities;
          },
        },
        options,
      );
    });
  }

  // ---- plumbing -------------------------------------------------------------------------------

  /**
   * Runs a method body so that argument errors (a bad path, oversize data) reject the returned promise
   * rather than throw, without an async function's extra promise per call.
   */
  private guard<T>(body: () => Promise<T>): Promise<T> {
    try {
      return body();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private call<T>(spec: RequestSpec<T>, options: CallOptions): Promise<T> {
    return this.session.submit(spec, options);
  }

  private throwIfError(err: number, operation: string, path: string | undefined): void {
    if (err !== 0) throw ZooKeeperError.fromWire(err, { operation, path });
  }
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new RangeError(`${name} must be a positive number, got ${value}`);
  return value;
}

function validateAcl(acl: readonly ACL[], operation: string, path: string): void {
  if (!Array.isArray(acl) || acl.length === 0) {
    throw new ZooKeeperError('INVALIDACL', { operation, path, detail: 'ACL list must not be empty' });
  }
  for (const entry of acl) {
    if (
      !entry?.id ||
      typeof entry.id.scheme !== 'string' ||
      typeof entry.id.id !== 'string' ||
      !Number.isInteger(entry.perms)
    ) {
      throw new ZooKeeperError('INVALIDACL', {
        operation,
        path,
        detail: `malformed ACL entry ${JSON.stringify(entry)}`,
      });
    }
  }
}

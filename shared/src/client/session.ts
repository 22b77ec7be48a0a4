import { EventEmitter } from 'node:events';
import type { JuteReader } from '../jute/reader.ts';
import { ErrorCodes, OpCode, SpecialXid } from '../jute/protocol.ts';
import { readWatcherEvent, type ConnectResponse, type ReplyHeader } from '../jute/records.ts';
import { Connection, ProtocolError } from './connection.ts';
import { HostList, formatServer, type ServerAddress } from './connect-string.ts';
import { ZooKeeperError } from './errors.ts';
import { Fifo } from './fifo.ts';
import { probeReadWrite } from './isro-probe.ts';
import type { Chroot } from './paths.ts';
import { ReconnectBackoff } from './reconnect-backoff.ts';
import { encodeAuth, encodeSetWatches } from './request-frames.ts';
import { RequestPipeline, type RequestOptions, type RequestSpec } from './request-pipeline.ts';
import { eventTypeFromCode, WatchRegistry, type WatchedEvent, type Watcher } from './watch-registry.ts';
import type { Logger } from './logger.ts';

export type { RequestOptions, RequestSpec } from './request-pipeline.ts';

/**
 * The connection-state model, one current value at a time:
 * - connecting:  no session yet (first connect)
 * - connected:   session established with a read-write server
 * - readOnly:    session established with a read-only server (only if canBeReadOnly)
 * - suspended:   connection lost; the session may still be alive, the client is reconnecting.
 *                Recipes must stop acting as owner of anything (locks, leadership) here.
 * - lost:        the session is gone (server said expired, or no server was reached within the
 *                session timeout). Ephemerals and watches are gone. A new session follows if
 *                renewSessionOnExpiry is set, announced as "connected".
 * - authFailed:  the server rejected the credentials; terminal.
 * - closed:      close() was called; terminal.
 */
export type ConnectionState =
  'connecting' | 'connected' | 'readOnly' | 'suspended' | 'lost' | 'authFailed' | 'closed';

/** What happened, as opposed to where the client is now. */
export type StateEvent =
  'connected' | 'reconnected' | 'readOnly' | 'suspended' | 'lost' | 'authFailed' | 'closed';

export interface StateChange {
  event: StateEvent;
  state: ConnectionState;
  previous: ConnectionState;
  sessionId: bigint;
  /** the server now connected to, if any */
  server: string | undefined;
  /** why the state changed, for logs */
  reason: string | undefined;
}

export interface SessionEvents {
  state: [StateChange];
  connected: [StateChange];
  reconnected: [StateChange];
  readOnly: [StateChange];
  suspended: [StateChange];
  lost: [StateChange];
  authFailed: [StateChange];
  closed: [StateChange];
  /** every watch notification the server sends, before it is routed to watchers (for metrics and tests) */
  notification: [WatchedEvent];
}

export interface SessionOptions {
  servers: readonly ServerAddress[];
  chroot: Chroot;
  sessionTimeoutMs: number;
  requestTimeoutMs: number;
  canBeReadOnly: boolean;
  renewSessionOnExpiry: boolean;
  maxRequestBytes: number;
  maxResponseBytes: number;
  resume?: { sessionId: bigint; password: Uint8Array } | undefined;
  logger: Logger;
  /** try servers in a random order (default) or in the order given */
  shuffleServers: boolean;
  random?: () => number;
}

interface PendingAuth {
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** How long each isro probe may take while looking for a read-write server. */
const ISRO_PROBE_TIMEOUT_MS = 1000;

/**
 * The session state machine: finds a server, performs the handshake (resuming the session id and
 * password after a reconnect), re-sends credentials and re-registers watches, and routes what the
 * server sends: replies to the request pipeline, notifications to watchers. It survives
 * connections; the client above it only sees states and results.
 *
 * Whatever a server sends, the session does not throw into the socket's event handlers and the
 * connect loop does not die: a frame that breaks the protocol drops that connection (logged as a
 * warning), and the session reconnects with backoff.
 */
export class Session extends EventEmitter<SessionEvents> {
  readonly watches = new WatchRegistry();
  private readonly hosts: HostList;
  private readonly requests: RequestPipeline;
  private readonly backoff: ReconnectBackoff;
  private currentState: ConnectionState = 'connecting';
  private connection: Connection | null = null;
  private connectedAt = 0;
  private sessionIdValue = 0n;
  private password: Uint8Array = new Uint8Array(16);
  private negotiatedTimeout = 0;
  private lastZxidSeen = 0n;
  /** Has this session ever reached a read-write server? Decides whether a read-only session id is kept. */
  private seenReadWriteServer = false;
  private readonly pendingAuth = new Fifo<PendingAuth>();
  private readonly credentials: { scheme: string; auth: Uint8Array }[] = [];
  private loopRunning = false;
  private wakeLoop: (() => void) | null = null;
  private expiryTimer: NodeJS.Timeout | null = null;
  private lastHeardAt = 0;
  private lastConnectError: Error | null = null;
  /** Aborts the connection attempt in progress when the client is closed. */
  private attempt: AbortController | null = null;
  /** the server of the connection attempt in progress, for error messages */
  private connectingTo: string | null = null;

  constructor(private readonly options: SessionOptions) {
    super();
    this.hosts = new HostList(options.servers, options.random, options.shuffleServers);
    this.backoff = new ReconnectBackoff(this.hosts.size, options.random);
    this.requests = new RequestPipeline({
      requestTimeoutMs: options.requestTimeoutMs,
      maxRequestBytes: options.maxRequestBytes,
      describeWaiting: () =>
        `state ${this.currentState}${this.lastConnectError ? `, last error: ${this.lastConnectError.message}` : ''}`,
    });
    if (options.resume) {
      this.sessionIdValue = options.resume.sessionId;
      this.password = options.resume.password;
      this.seenReadWriteServer = true;
    }
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  get sessionId(): bigint {
    return this.sessionIdValue;
  }

  get sessionPassword(): Buffer {
    return Buffer.from(this.password);
  }

  get negotiatedTimeoutMs(): number {
    return this.negotiatedTimeout;
  }

  get lastZxid(): bigint {
    return this.lastZxidSeen;
  }

  /** "host:port" of the server currently connected to. */
  get server(): string | undefined {
    return this.connection && !this.connection.isClosed ? this.connection.address : undefined;
  }

  get lastError(): Error | null {
    return this.lastConnectError;
  }

  get isTerminal(): boolean {
    return this.currentState === 'closed' || this.currentState === 'authFailed';
  }

  /** Requests awaiting a reply or a connection. */
  get pendingRequests(): number {
    return this.requests.size;
  }

  /**
   * Runs the connect loop unless it already runs. The loop is not awaited by anyone, so it must not
   * reject; should a bug make it throw anyway, the error is logged and the loop starts again after
   * a backoff pause rather than leaving the client stuck in `connecting`.
   */
  start(): void {
    if (this.loopRunning || this.isTerminal) return;
    this.loopRunning = true;
    this.connectLoop()
      .catch((error: unknown) => {
        this.options.logger.error?.({ err: error }, 'connect loop failed; reconnecting after a pause');
        this.lastConnectError = error instanceof Error ? error : new Error(String(error));
        this.backoff.recordFailure();
      })
      .finally(() => {
        this.loopRunning = false;
        if (!this.isTerminal && !this.connection) this.start();
      });
  }

  submit<T>(spec: RequestSpec<T>, options: RequestOptions = {}): Promise<T> {
    if (this.isTerminal) return Promise.reject(this.terminalError(spec.operation, spec.path));
    return this.requests.submit(spec, options);
  }

  /**
   * Adds credentials for this and every later connection. The promise settles when the server has
   * answered; the credentials are kept either way and re-sent after every reconnect.
   */
  addAuth(scheme: string, auth: Uint8Array): Promise<void> {
    if (this.isTerminal) return Promise.reject(this.terminalError('addAuth', undefined));
    const known = this.credentials.some(
      (c) => c.scheme === scheme && Buffer.compare(Buffer.from(c.auth), Buffer.from(auth)) === 0,
    );
    if (!known) this.credentials.push({ scheme, auth });
    return new Promise<void>((resolve, reject) => {
      this.pendingAuth.push({ resolve, reject });
      // Without a connection the credentials go out with the others once one is up; settle then.
      const connection = this.connection;
      if (connection && !connection.isClosed) connection.send(encodeAuth(scheme, auth));
    });
  }

  /** Ends the session on the server (so its ephemerals go at once) and stops the client. */
  async close(): Promise<void> {
    if (this.isTerminal) return;
    if (this.connection && !this.connection.isClosed) {
      try {
        await this.submit(
          {
            opCode: OpCode.closeSession,
            operation: 'close',
            readReply: () => undefined,
          },
          { timeoutMs: Math.min(this.options.requestTimeoutMs, 2000) },
        );
      } catch {
        // The server may already be gone; the session then expires on its own.
      }
    }
    this.terminate('closed', 'closed by the application');
  }

  /** Waits until the state is one of `states`, rejecting on a terminal state or at the deadline. */
  waitFor(
    states: readonly ConnectionState[],
    options: { timeoutMs: number; signal?: AbortSignal },
  ): Promise<void> {
    if (options.signal?.aborted) {
      return Promise.reject(
        new ZooKeeperError('ABORTED', { operation: 'waitForState', cause: options.signal.reason }),
      );
    }
    if (states.includes(this.currentState)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const cleanup = (): void => {
        clearTimeout(timer);
        this.off('state', onState);
        options.signal?.removeEventListener('abort', onAbort);
      };
      const onState = (change: StateChange): void => {
        if (states.includes(change.state)) {
          cleanup();
          resolve();
        } else if (this.isTerminal) {
          cleanup();
          reject(this.terminalError('waitForState', undefined));
        }
      };
      const onAbort = (): void => {
        cleanup();
        reject(new ZooKeeperError('ABORTED', { operation: 'waitForState', cause: options.signal?.reason }));
      };
      const timer = setTimeout(() => {
        cleanup();
        const last = this.lastConnectError
          ? `; last error: ${this.lastConnectError.message}`
          : this.connectingTo
            ? `; still waiting for a handshake answer from ${this.connectingTo}`
            : '';
        reject(
          new ZooKeeperError('CONNECTIONLOSS', {
            operation: 'connect',
            detail: `not ${states.join(' or ')} within ${options.timeoutMs} ms (servers: ${this.hosts
              .all()
              .map(formatServer)
              .join(',')}; state ${this.currentState}${last})`,
          }),
        );
      }, options.timeoutMs);
      this.on('state', onState);
      options.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Drops the current connection as if the network failed; tests and fault drills use it. */
  dropConnection(reason = 'connection dropped on request'): void {
    this.connection?.close(new Error(reason));
  }

  // ---- connecting ---------------------------------------------------------------------------

  private async connectLoop(): Promise<void> {
    while (!this.isTerminal && !this.connection) {
      const delayMs = this.backoff.takeDelay();
      if (delayMs > 0) {
        await this.pause(delayMs);
        if (this.isTerminal || this.connection) return;
      }
      const server = this.hosts.next();
      // A session that has only known read-only servers is local to that server: start afresh.
      const sessionIdSent = this.seenReadWriteServer ? this.sessionIdValue : 0n;
      let opened: { connection: Connection; response: ConnectResponse };
      this.attempt = new AbortController();
      this.connectingTo = formatServer(server);
      try {
        opened = await Connection.open({
          signal: this.attempt.signal,
          server,
          connectRequest: {
            protocolVersion: 0,
            lastZxidSeen: this.lastZxidSeen,
            timeoutMs: this.options.sessionTimeoutMs,
            sessionId: sessionIdSent,
            password: sessionIdSent === 0n ? new Uint8Array(16) : this.password,
            readOnly: this.options.canBeReadOnly,
          },
          handshakeTimeoutMs: this.handshakeTimeout(),
          maxFrameBytes: this.options.maxResponseBytes,
        });
      } catch (error) {
        this.connectFailed(server, error as Error);
        continue;
      }
      const { connection, response } = opened;
      if (this.isTerminal) {
        connection.close(new Error('client closed'));
        return;
      }
      if (sessionIdSent !== 0n && sessionIdSent !== this.sessionIdValue) {
        // The session was declared lost while this handshake was in flight: never resurrect it.
        connection.close(new Error('session declared lost during the handshake'));
        this.backoff.recordFailure();
        continue;
      }
      if (response.timeoutMs <= 0) {
        connection.close(new Error('session expired'));
        if (sessionIdSent === 0n) {
          // A real server answers a new-session request with a positive timeout; this one is broken.
          this.connectFailed(
            server,
            new Error(`${formatServer(server)} answered a new session with timeout ${response.timeoutMs} ms`),
          );
          continue;
        }
        // Expiry is no reason to hammer the ensemble: the next handshake waits like any other retry.
        this.backoff.recordFailure();
        this.declareLost('the server reports the session as expired');
        if (!this.options.renewSessionOnExpiry) {
          this.terminate('closed', 'session expired and renewSessionOnExpiry is off');
          return;
        }
        continue;
      }
      this.establish(connection, response, sessionIdSent);
    }
  }

  private connectFailed(server: ServerAddress, error: Error): void {
    this.lastConnectError = error;
    this.options.logger.debug?.({ server: formatServer(server), err: error.message }, 'connect failed');
    this.backoff.recordFailure();
  }

  private handshakeTimeout(): number {
    // As the Java client: the session timeout shared among the servers, so one paused server cannot
    // eat the whole session timeout.
    const share = Math.floor(this.options.sessionTimeoutMs / this.hosts.size);
    return Math.max(share, 1000);
  }

  /**
   * Waits `ms` of wall-clock time. A timer alone may fire early by that measure: libuv counts from
   * the time cached at the start of the loop iteration, so after a long tick a 50 ms timer can fire
   * 20 ms later, and the backoff's spacing would quietly shrink under load.
   */
  private pause(ms: number): Promise<void> {
    const until = Date.now() + ms;
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout;
      const wake = (): void => {
        const left = until - Date.now();
        if (left > 0) {
          timer = setTimeout(wake, left);
          return;
        }
        this.wakeLoop = null;
        resolve();
      };
      timer = setTimeout(wake, ms);
      this.wakeLoop = () => {
        clearTimeout(timer);
        this.wakeLoop = null;
        resolve();
      };
    });
  }

  private establish(connection: Connection, response: ConnectResponse, sessionIdSent: bigint): void {
    const resumed = sessionIdSent !== 0n && response.sessionId === sessionIdSent;
    const previous = this.currentState;
    this.connection = connection;
    this.connectedAt = Date.now();
    this.sessionIdValue = response.sessionId;
    this.password = response.password;
    this.negotiatedTimeout = response.timeoutMs;
    this.lastHeardAt = Date.now();
    this.lastConnectError = null;
    this.connectingTo = null;
    this.clearExpiryTimer();
    if (!response.readOnly) this.seenReadWriteServer = true;
    connection.startHeartbeat(response.timeoutMs);

    for (const credential of this.credentials)
      connection.send(encodeAuth(credential.scheme, credential.auth));
    // Like the Java client, re-register whatever watches the client holds, also on a new session
    // (after a read-only session moves to a read-write server); after a loss there are none left.
    for (const frame of encodeSetWatches(this.lastZxidSeen, this.watches.paths())) connection.send(frame);
    this.requests.connectionUp(connection);

    const state: ConnectionState = response.readOnly ? 'readOnly' : 'connected';
    let event: StateEvent;
    if (response.readOnly) event = 'readOnly';
    else event = resumed ? 'reconnected' : 'connected';
    this.transition(
      state,
      event,
      `${resumed ? 'resumed' : 'new'} session on ${connection.address}`,
      previous,
    );
    // Frames that came with the handshake reply are handled only now, when the session is fully
    // set up: one of them may be malformed and end the connection, and that loss must find a
    // finished session to report to, not one half way through being attached.
    connection.attach({
      onReply: (header, body) => this.onReply(connection, header, body),
      onClose: (reason) => this.onConnectionClosed(connection, reason),
    });
    if (response.readOnly && this.connection === connection) {
      this.searchReadWriteServer(connection).catch((error: unknown) =>
        this.options.logger.warn?.({ err: error }, 'read-write server search failed'),
      );
    }
  }

  /**
   * While on a read-only server, look for a server that has its quorum back (it answers "rw" to
   * isro) and move there, as the Java client does; the delay grows from 100 ms to a minute.
   */
  private async searchReadWriteServer(readOnlyConnection: Connection): Promise<void> {
    let delayMs = 100;
    while (this.connection === readOnlyConnection && !readOnlyConnection.isClosed) {
      await new Promise((resolve) => setTimeout(resolve, delayMs).unref());
      delayMs = Math.min(delayMs * 2, 60_000);
      for (const server of this.hosts.all()) {
        if (this.connection !== readOnlyConnection) return;
        if (formatServer(server) === readOnlyConnection.address) continue;
        const answer = await probeReadWrite(server, ISRO_PROBE_TIMEOUT_MS);
        if (answer === 'rw' && this.connection === readOnlyConnection) {
          this.hosts.preferNext(server);
          readOnlyConnection.close(new Error(`read-write server ${formatServer(server)} found`));
          return;
        }
      }
    }
  }

  private onConnectionClosed(connection: Connection, reason: Error): void {
    if (this.connection !== connection) return;
    this.lastHeardAt = connection.lastHeardAt;
    this.connection = null;
    this.lastConnectError = reason;
    this.backoff.recordConnectionEnd(Date.now() - this.connectedAt);
    if (reason instanceof ProtocolError)
      this.options.logger.warn?.(
        { server: connection.address, reason: reason.message },
        'connection dropped',
      );
    else
      this.options.logger.debug?.(
        { server: connection.address, reason: reason.message },
        'connection closed',
      );
    this.requests.connectionDown(
      (operation, path) =>
        new ZooKeeperError('CONNECTIONLOSS', {
          operation,
          path,
          detail: `connection to ${connection.address} lost before the reply (${reason.message}); the outcome is unknown`,
          cause: reason,
        }),
    );
    if (this.isTerminal) return;
    for (const auth of this.pendingAuth.drain()) {
      auth.reject(
        new ZooKeeperError('CONNECTIONLOSS', {
          operation: 'addAuth',
          detail: 'connection lost; the credentials will be re-sent on reconnect',
        }),
      );
    }
    if (this.currentState === 'connected' || this.currentState === 'readOnly') {
      this.transition('suspended', 'suspended', reason.message);
      this.armExpiryTimer();
    }
    this.start();
  }

  /**
   * While suspended, the session is presumed gone once a whole session timeout has passed since the
   * server was last heard: by then the ensemble may have expired it and handed its locks to others.
   */
  private armExpiryTimer(): void {
    this.clearExpiryTimer();
    const timeout = this.negotiatedTimeout || this.options.sessionTimeoutMs;
    const dueIn = Math.max(0, this.lastHeardAt + timeout - Date.now());
    this.expiryTimer = setTimeout(() => {
      this.expiryTimer = null;
      if (this.currentState === 'suspended') {
        this.declareLost(`no server reached within the session timeout (${timeout} ms)`);
        if (!this.options.renewSessionOnExpiry)
          this.terminate('closed', 'session lost and renewSessionOnExpiry is off');
      }
    }, dueIn);
    this.expiryTimer.unref();
  }

  private clearExpiryTimer(): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = null;
  }

  private declareLost(reason: string): void {
    if (this.currentState === 'lost' || this.isTerminal) return;
    this.clearExpiryTimer();
    const lostSessionId = this.sessionIdValue;
    this.sessionIdValue = 0n;
    this.password = new Uint8Array(16);
    this.negotiatedTimeout = 0;
    this.seenReadWriteServer = false;
    this.requests.failUnsent(
      (operation, path) =>
        new ZooKeeperError('SESSIONEXPIRED', { operation, path, detail: `session lost: ${reason}` }),
    );
    const watchers = this.watches.drain();
    this.transition('lost', 'lost', reason, this.currentState, lostSessionId);
    this.notifyAll(watchers, 'expired');
  }

  private terminate(state: 'closed' | 'authFailed', reason: string): void {
    if (this.isTerminal) return;
    this.clearExpiryTimer();
    this.attempt?.abort();
    const connection = this.connection;
    this.connection = null;
    const error = new ZooKeeperError(state === 'authFailed' ? 'AUTHFAILED' : 'CLOSED', { detail: reason });
    const watchers = this.watches.drain();
    this.transition(state, state, reason);
    connection?.close(new Error(reason));
    this.requests.failAll(
      (operation, path) => new ZooKeeperError(error.code, { operation, path, cause: error }),
    );
    for (const auth of this.pendingAuth.drain()) auth.reject(error);
    this.wakeLoop?.();
    this.notifyAll(watchers, 'closed');
  }

  private terminalError(operation: string | undefined, path: string | undefined): ZooKeeperError {
    if (this.currentState === 'authFailed') return new ZooKeeperError('AUTHFAILED', { operation, path });
    return new ZooKeeperError('CLOSED', { operation, path });
  }

  private transition(
    state: ConnectionState,
    event: StateEvent,
    reason: string,
    previous = this.currentState,
    sessionId = this.sessionIdValue,
  ): void {
    this.currentState = state;
    const change: StateChange = {
      event,
      state,
      previous,
      sessionId,
      server: this.server,
      reason,
    };
    this.options.logger.debug?.({ event, state, previous, reason }, 'zookeeper state');
    this.emitSafely('state', change);
    this.emitSafely(event, change);
  }

  /**
   * Emits to the application's listeners. A listener that throws must not unwind into the connect
   * loop or a socket handler (where it would end the process); it is logged like a throwing watcher.
   */
  private emitSafely<E extends keyof SessionEvents>(event: E, ...args: SessionEvents[E]): void {
    try {
      this.emit(event, ...(args as never));
    } catch (error) {
      this.options.logger.error?.({ err: error, event }, 'a listener threw; the client carries on');
    }
  }

  // ---- what the server sends ------------------------------------------------------------------

  private onReply(connection: Connection, header: ReplyHeader, body: JuteReader): void {
    if (connection !== this.connection) return;
    this.lastHeardAt = Date.now();
    switch (header.xid) {
      case SpecialXid.ping:
        break;
      case SpecialXid.notification:
        if (!this.onNotification(connection, body, header.zxid)) return;
        break;
      case SpecialXid.auth:
        this.onAuthReply(header.err);
        break;
      case SpecialXid.setWatches:
        if (header.err !== 0)
          this.options.logger.warn?.({ err: header.err }, 'SetWatches failed; watches may be missing');
        break;
      default: {
        const violation = this.requests.onReply(header.xid, header.err, body);
        if (violation !== undefined) {
          connection.close(new ProtocolError(connection.address, violation));
          return;
        }
      }
    }
    // Only a frame that made sense moves the zxid: a later handshake sends it as "what I have seen".
    if (header.zxid > this.lastZxidSeen) this.lastZxidSeen = header.zxid;
  }

  /** Routes a watch notification; false (after dropping the connection) if it does not decode. */
  private onNotification(connection: Connection, body: JuteReader, zxid: bigint): boolean {
    let raw: ReturnType<typeof readWatcherEvent>;
    try {
      raw = readWatcherEvent(body);
    } catch (error) {
      // The watches this was meant to fire are unknown, so the connection goes: on reconnect,
      // SetWatches makes the server fire whatever changed since the last zxid seen.
      connection.close(
        new ProtocolError(
          connection.address,
          `malformed watch notification: ${(error as Error).message}`,
          error,
        ),
      );
      return false;
    }
    const type = eventTypeFromCode(raw.type);
    if (!type || type === 'none') return true;
    const watchers = this.watches.take(type, raw.path);
    const event: WatchedEvent = { type, path: this.options.chroot.fromServer(raw.path) };
    // Servers from 3.9 put the zxid of the change in the notification's header; 3.8 sends -1.
    if (zxid > 0n) event.zxid = zxid;
    this.emitSafely('notification', event);
    for (const watcher of watchers) this.callWatcher(watcher, event);
    return true;
  }

  private onAuthReply(err: number): void {
    const pending = this.pendingAuth.shift();
    if (err === ErrorCodes.AUTHFAILED) {
      pending?.reject(new ZooKeeperError('AUTHFAILED', { operation: 'addAuth' }));
      this.terminate('authFailed', 'the server rejected the credentials');
      return;
    }
    if (err !== 0) pending?.reject(ZooKeeperError.fromWire(err, { operation: 'addAuth' }));
    else pending?.resolve();
  }

  private notifyAll(watchers: Set<Watcher>, state: 'expired' | 'closed'): void {
    for (const watcher of watchers) this.callWatcher(watcher, { type: 'none', path: '', state });
  }

  /** Calls a watcher, isolating the client from whatever it throws. */
  deliver(watcher: Watcher, event: WatchedEvent): void {
    this.callWatcher(watcher, event);
  }

  private callWatcher(watcher: Watcher, event: WatchedEvent): void {
    try {
      watcher(event);
    } catch (error) {
      this.options.logger.error?.({ err: error, event }, 'watcher threw; the client carries on');
    }
  }
}

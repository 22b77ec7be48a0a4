import { EventEmitter } from 'node:events';
import { JuteWriter } from '../jute/writer.ts';
import type { JuteReader } from '../jute/reader.ts';
import { ErrorCodes, OpCode, SpecialXid } from '../jute/protocol.ts';
import {
  readWatcherEvent,
  writeRequestHeader,
  type ConnectResponse,
  type ReplyHeader,
} from '../jute/records.ts';
import { writeAuthPacket, writeSetWatchesRequest, type WatchPaths } from '../jute/requests.ts';
import { Connection } from './connection.ts';
import { HostList, formatServer, type ServerAddress } from './connect-string.ts';
import { ZooKeeperError } from './errors.ts';
import { Fifo } from './fifo.ts';
import type { Chroot } from './paths.ts';
import { eventTypeFromCode, WatchRegistry, type WatchedEvent, type Watcher } from './watch-registry.ts';
import type { Logger } from './logger.ts';
import { fourLetterWord, parseIsro } from '../fourletter/index.ts';

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

/** What a client method asks of the session: one request and how to read its reply. */
export interface RequestSpec<T> {
  opCode: number;
  operation: string;
  /** the caller's path, for error messages */
  path?: string | undefined;
  writeBody?: (writer: JuteWriter) => void;
  /**
   * Turns the reply into the result; `err` is the wire error code (0 = OK). Runs synchronously when
   * the reply arrives, before later notifications, so watch registration here cannot miss an event.
   */
  readReply: (err: number, body: JuteReader) => T;
}

export interface RequestOptions {
  /** overall deadline for this request, queueing included; defaults to requestTimeoutMs */
  timeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
}

interface PendingRequest {
  xid: number;
  frame: Buffer;
  spec: RequestSpec<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  /** Date.now() value after which the request fails with OPERATIONTIMEOUT */
  deadline: number;
  timeoutMs: number;
  detachAbort: (() => void) | undefined;
  sent: boolean;
  settled: boolean;
}

interface PendingAuth {
  resolve: () => void;
  reject: (error: unknown) => void;
}

const MAX_XID = 0x7fff_ffff;
/** ClientCnxn.SET_WATCHES_MAX_LENGTH: keep each SetWatches packet well under jute.maxbuffer. */
const SET_WATCHES_MAX_BYTES = 128 * 1024;

/**
 * The session state machine: finds a server, performs the handshake (resuming the session id and
 * password after a reconnect), re-sends credentials and re-registers watches, and pipelines
 * requests, matching replies to requests in send order. It survives connections; the client above it
 * only sees states and results.
 */
export class Session extends EventEmitter<SessionEvents> {
  readonly watches = new WatchRegistry();
  private readonly hosts: HostList;
  private currentState: ConnectionState = 'connecting';
  private connection: Connection | null = null;
  private sessionIdValue = 0n;
  private password: Uint8Array = new Uint8Array(16);
  private negotiatedTimeout = 0;
  private lastZxidSeen = 0n;
  private nextXid = 1;
  /** Has this session ever reached a read-write server? Decides whether a read-only session id is kept. */
  private seenReadWriteServer = false;
  private readonly unsent = new Fifo<PendingRequest>();
  private readonly inFlight = new Fifo<PendingRequest>();
  private readonly pendingAuth = new Fifo<PendingAuth>();
  private readonly credentials: { scheme: string; auth: Uint8Array }[] = [];
  private loopRunning = false;
  private wakeLoop: (() => void) | null = null;
  private expiryTimer: NodeJS.Timeout | null = null;
  private lastHeardAt = 0;
  private lastConnectError: Error | null = null;
  /** Aborts the connection attempt in progress when the client is closed. */
  private attempt: AbortController | null = null;
  private deadlineTimer: NodeJS.Timeout | null = null;
  private deadlineTimerAt = Infinity;
  /** the server of the connection attempt in progress, for error messages */
  private connectingTo: string | null = null;

  constructor(private readonly options: SessionOptions) {
    super();
    this.hosts = new HostList(options.servers, options.random, options.shuffleServers);
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

  start(): void {
    void this.connectLoop();
  }

  submit<T>(spec: RequestSpec<T>, options: RequestOptions = {}): Promise<T> {
    if (this.isTerminal) {
      return Promise.reject(this.terminalError(spec.operation, spec.path));
    }
    if (options.signal?.aborted) {
      return Promise.reject(
        new ZooKeeperError('ABORTED', {
          operation: spec.operation,
          path: spec.path,
          cause: options.signal.reason,
        }),
      );
    }
    const xid = this.nextXid;
    this.nextXid = this.nextXid >= MAX_XID ? 1 : this.nextXid + 1;
    const frame = encodeRequest(xid, spec);
    if (frame.length - 4 > this.options.maxRequestBytes) {
      return Promise.reject(
        new ZooKeeperError('BADARGUMENTS', {
          operation: spec.operation,
          path: spec.path,
          detail: `request is ${frame.length - 4} bytes; the server accepts at most ${this.options.maxRequestBytes} (jute.maxbuffer)`,
        }),
      );
    }
    const timeoutMs = options.timeoutMs ?? this.options.requestTimeoutMs;
    return new Promise<T>((resolve, reject) => {
      const request: PendingRequest = {
        xid,
        frame,
        spec,
        resolve: resolve as (value: unknown) => void,
        reject,
        deadline: Date.now() + timeoutMs,
        timeoutMs,
        detachAbort: undefined,
        sent: false,
        settled: false,
      };
      this.armDeadlineTimer(request.deadline);
      if (options.signal) {
        const signal = options.signal;
        const onAbort = (): void => this.abortRequest(request, signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
        request.detachAbort = () => signal.removeEventListener('abort', onAbort);
      }
      if (this.canSend() && this.unsent.length === 0) this.send(request);
      else this.unsent.push(request);
    });
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
      if (!this.canSend()) {
        // Sent with the other credentials once a connection is up; settle then.
        this.pendingAuth.push({ resolve, reject });
        return;
      }
      this.pendingAuth.push({ resolve, reject });
      this.connection!.send(encodeAuth(scheme, auth));
    });
  }

  /** Ends the session on the server (so its ephemerals go at once) and stops the client. */
  async close(): Promise<void> {
    if (this.isTerminal) return;
    if (this.canSend()) {
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
    if (this.loopRunning) return;
    this.loopRunning = true;
    let failuresInRow = 0;
    let backoffMs = 50;
    try {
      while (!this.isTerminal && !this.connection) {
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
          this.lastConnectError = error as Error;
          this.options.logger.debug?.(
            { server: formatServer(server), err: (error as Error).message },
            'connect failed',
          );
          failuresInRow++;
          if (failuresInRow % this.hosts.size === 0) {
            // Every server failed once: pause before the next round so a dead ensemble is not hammered.
            await this.pause(backoffMs + Math.floor(Math.random() * backoffMs));
            backoffMs = Math.min(backoffMs * 2, 1000);
          }
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
          continue;
        }
        if (response.timeoutMs <= 0) {
          connection.close(new Error('session expired'));
          this.declareLost('the server reports the session as expired');
          if (!this.options.renewSessionOnExpiry) {
            this.terminate('closed', 'session expired and renewSessionOnExpiry is off');
            return;
          }
          continue;
        }
        failuresInRow = 0;
        backoffMs = 50;
        this.establish(connection, response, sessionIdSent);
      }
    } finally {
      this.loopRunning = false;
    }
  }

  private handshakeTimeout(): number {
    // As the Java client: the session timeout shared among the servers, so one paused server cannot
    // eat the whole session timeout.
    const share = Math.floor(this.options.sessionTimeoutMs / this.hosts.size);
    return Math.max(share, 1000);
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        resolve();
      }
      this.wakeLoop = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private establish(connection: Connection, response: ConnectResponse, sessionIdSent: bigint): void {
    const resumed = sessionIdSent !== 0n && response.sessionId === sessionIdSent;
    const previous = this.currentState;
    this.connection = connection;
    this.sessionIdValue = response.sessionId;
    this.password = response.password;
    this.negotiatedTimeout = response.timeoutMs;
    this.lastHeardAt = Date.now();
    this.lastConnectError = null;
    this.connectingTo = null;
    this.clearExpiryTimer();
    if (!response.readOnly) this.seenReadWriteServer = true;
    connection.attach({
      onReply: (header, body) => this.onReply(connection, header, body),
      onClose: (reason) => this.onConnectionClosed(connection, reason),
    });
    connection.startHeartbeat(response.timeoutMs);

    for (const credential of this.credentials)
      connection.send(encodeAuth(credential.scheme, credential.auth));
    // Like the Java client, re-register whatever watches the client holds, also on a new session
    // (after a read-only session moves to a read-write server); after a loss there are none left.
    for (const frame of encodeSetWatches(this.lastZxidSeen, this.watches.paths())) connection.send(frame);
    while (this.unsent.length > 0) this.send(this.unsent.shift()!);

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
    if (response.readOnly) void this.searchReadWriteServer(connection);
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
        const answer = await fourLetterWord(server.host, server.port, 'isro', { timeoutMs: 1000 }).then(
          parseIsro,
          () => null,
        );
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
    for (const request of this.inFlight.drain()) {
      this.settle(
        request,
        new ZooKeeperError('CONNECTIONLOSS', {
          operation: request.spec.operation,
          path: request.spec.path,
          detail: `connection to ${connection.address} lost before the reply (${reason.message}); the outcome is unknown`,
        }),
      );
    }
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
    for (const request of this.unsent.drain()) {
      this.settle(
        request,
        new ZooKeeperError('SESSIONEXPIRED', {
          operation: request.spec.operation,
          path: request.spec.path,
          detail: `session lost: ${reason}`,
        }),
      );
    }
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
    for (const request of [...this.inFlight.drain(), ...this.unsent.drain()])
      this.settle(request, withOperation(error, request));
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
    this.emit('state', change);
    this.emit(event, change);
  }

  // ---- requests and replies -------------------------------------------------------------------

  private canSend(): boolean {
    return this.connection !== null && !this.connection.isClosed;
  }

  private send(request: PendingRequest): void {
    request.sent = true;
    this.inFlight.push(request);
    this.connection!.send(request.frame);
  }

  private onReply(connection: Connection, header: ReplyHeader, body: JuteReader): void {
    if (connection !== this.connection) return;
    this.lastHeardAt = Date.now();
    if (header.zxid > this.lastZxidSeen) this.lastZxidSeen = header.zxid;
    switch (header.xid) {
      case SpecialXid.ping:
        return;
      case SpecialXid.notification:
        this.onNotification(body, header.zxid);
        return;
      case SpecialXid.auth:
        this.onAuthReply(header.err);
        return;
      case SpecialXid.setWatches:
        if (header.err !== 0)
          this.options.logger.warn?.({ err: header.err }, 'SetWatches failed; watches may be missing');
        return;
    }
    const request = this.inFlight.shift();
    if (!request || request.xid !== header.xid) {
      connection.close(
        new Error(`reply xid ${header.xid} does not match the oldest request xid ${request?.xid ?? 'none'}`),
      );
      return;
    }
    if (request.settled) return;
    let result: unknown;
    try {
      result = request.spec.readReply(header.err, body);
    } catch (error) {
      this.settle(request, error);
      return;
    }
    this.settle(request, undefined, result);
  }

  private onNotification(body: JuteReader, zxid: bigint): void {
    const raw = readWatcherEvent(body);
    const type = eventTypeFromCode(raw.type);
    if (!type || type === 'none') return;
    const watchers = this.watches.take(type, raw.path);
    const event: WatchedEvent = { type, path: this.options.chroot.fromServer(raw.path) };
    // Servers from 3.9 put the zxid of the change in the notification's header; 3.8 sends -1.
    if (zxid > 0n) event.zxid = zxid;
    this.emit('notification', event);
    for (const watcher of watchers) this.callWatcher(watcher, event);
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

  private settle(request: PendingRequest, error: unknown, result?: unknown): void {
    if (request.settled) return;
    request.settled = true;
    request.detachAbort?.();
    if (error === undefined) request.resolve(result);
    else request.reject(error);
  }

  /**
   * One timer for all request deadlines, set for the earliest one, instead of a timer per request:
   * with many requests in flight a timer each costs more than the requests themselves. When it
   * fires, overdue requests fail and it is set again for the next deadline.
   */
  private armDeadlineTimer(deadline: number): void {
    if (this.deadlineTimer && deadline >= this.deadlineTimerAt) return;
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    this.deadlineTimerAt = deadline;
    this.deadlineTimer = setTimeout(() => this.expireOverdueRequests(), Math.max(0, deadline - Date.now()));
  }

  private expireOverdueRequests(): void {
    this.deadlineTimer = null;
    const now = Date.now();
    let next = Infinity;
    const expired: PendingRequest[] = [];
    for (const queue of [this.inFlight, this.unsent]) {
      for (const request of queue.values()) {
        if (request.settled) continue;
        if (request.deadline <= now) expired.push(request);
        else if (request.deadline < next) next = request.deadline;
      }
    }
    for (const request of expired) this.expireRequest(request);
    if (next !== Infinity) this.armDeadlineTimer(next);
  }

  private expireRequest(request: PendingRequest): void {
    if (request.settled) return;
    if (!request.sent) this.unsent.remove(request);
    const timeoutMs = request.timeoutMs;
    this.settle(
      request,
      new ZooKeeperError('OPERATIONTIMEOUT', {
        operation: request.spec.operation,
        path: request.spec.path,
        detail: request.sent
          ? `no reply within ${timeoutMs} ms; the outcome is unknown`
          : `not sent within ${timeoutMs} ms: no server reachable (state ${this.currentState}${this.lastConnectError ? `, last error: ${this.lastConnectError.message}` : ''})`,
      }),
    );
  }

  private abortRequest(request: PendingRequest, reason: unknown): void {
    if (request.settled) return;
    if (!request.sent) this.unsent.remove(request);
    this.settle(
      request,
      new ZooKeeperError('ABORTED', {
        operation: request.spec.operation,
        path: request.spec.path,
        detail: request.sent ? 'aborted after sending; the outcome is unknown' : 'aborted before sending',
        cause: reason,
      }),
    );
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

function withOperation(error: ZooKeeperError, request: PendingRequest): ZooKeeperError {
  return new ZooKeeperError(error.code, {
    operation: request.spec.operation,
    path: request.spec.path,
    cause: error,
  });
}

function encodeRequest(xid: number, spec: RequestSpec<unknown>): Buffer {
  const writer = new JuteWriter(64);
  writer.writeInt(0);
  writeRequestHeader(writer, { xid, type: spec.opCode });
  spec.writeBody?.(writer);
  writer.patchInt(0, writer.length - 4);
  return writer.finish();
}

function encodeAuth(scheme: string, auth: Uint8Array): Buffer {
  const writer = new JuteWriter(64);
  writer.writeInt(0);
  writeRequestHeader(writer, { xid: SpecialXid.auth, type: OpCode.auth });
  writeAuthPacket(writer, scheme, auth);
  writer.patchInt(0, writer.length - 4);
  return writer.finish();
}

/**
 * SetWatches packets for a resumed session. The server compares each watched node with
 * relativeZxid and fires at once for anything that changed while we were away, so no change
 * between disconnect and reconnect goes unnoticed.
 */
export function encodeSetWatches(relativeZxid: bigint, paths: WatchPaths): Buffer[] {
  const frames: Buffer[] = [];
  const kinds = ['data', 'exist', 'child', 'persistent', 'persistentRecursive'] as const;
  const withPersistent = paths.persistent.length > 0 || paths.persistentRecursive.length > 0;
  let batch: { [K in keyof WatchPaths]: string[] } = emptyBatch();
  let batchBytes = 0;
  const flush = (): void => {
    const writer = new JuteWriter(256);
    writer.writeInt(0);
    writeRequestHeader(writer, {
      xid: SpecialXid.setWatches,
      type: withPersistent ? OpCode.setWatches2 : OpCode.setWatches,
    });
    writeSetWatchesRequest(writer, relativeZxid, batch, withPersistent);
    writer.patchInt(0, writer.length - 4);
    frames.push(writer.finish());
    batch = emptyBatch();
    batchBytes = 0;
  };
  for (const kind of kinds) {
    for (const path of paths[kind]) {
      const size = Buffer.byteLength(path) + 4;
      if (batchBytes > 0 && batchBytes + size > SET_WATCHES_MAX_BYTES) flush();
      batch[kind].push(path);
      batchBytes += size;
    }
  }
  if (batchBytes > 0) flush();
  return frames;
}

function emptyBatch(): { [K in keyof WatchPaths]: string[] } {
  return { data: [], exist: [], child: [], persistent: [], persistentRecursive: [] };
}

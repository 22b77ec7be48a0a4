import net from 'node:net';
import { JuteReader } from '../jute/reader.ts';
import { JuteWriter } from '../jute/writer.ts';
import {
  readConnectResponse,
  readReplyHeader,
  writeConnectRequest,
  type ConnectRequest,
  type ConnectResponse,
  type ReplyHeader,
} from '../jute/records.ts';
import { OpCode, SpecialXid, errorCodeName } from '../jute/protocol.ts';
import { FrameDecoder } from './frame-decoder.ts';
import { formatServer, type ServerAddress } from './connect-string.ts';

export interface ConnectionHandlers {
  onReply(header: ReplyHeader, body: JuteReader): void;
  /** Called exactly once, when the connection ends for any reason. */
  onClose(reason: Error): void;
}

export interface OpenConnectionOptions {
  server: ServerAddress;
  connectRequest: ConnectRequest;
  /** TCP connect plus handshake must finish within this time. */
  handshakeTimeoutMs: number;
  maxFrameBytes: number;
  /** abandons the attempt (the client is closing) */
  signal?: AbortSignal;
}

/**
 * Largest handshake reply accepted. A ConnectResponse is 37 bytes with ZooKeeper's 16-byte
 * password; the margin allows longer passwords without letting a stranger fill the heap.
 */
const HANDSHAKE_MAX_FRAME_BYTES = 1024;

const PING_FRAME = (() => {
  const writer = new JuteWriter(12);
  writer.writeInt(8).writeInt(SpecialXid.ping).writeInt(OpCode.ping);
  return writer.finish();
})();

/**
 * One TCP connection to one server: framing, the connect handshake, pings and the read deadline.
 * It knows nothing about requests or sessions; the Session above it decides what to send and what
 * a closed connection means.
 */
export class Connection {
  readonly server: ServerAddress;
  private handlers: ConnectionHandlers | null = null;
  /** Frames that arrived before the session attached its handlers. */
  private early: Buffer[] = [];
  private closed = false;
  private closeReason: Error | null = null;
  private corked = false;
  private heartbeat: NodeJS.Timeout | null = null;
  private lastSentAt = Date.now();
  private lastReceivedAt = Date.now();

  private constructor(
    private readonly socket: net.Socket,
    server: ServerAddress,
    private readonly decoder: FrameDecoder,
  ) {
    this.server = server;
  }

  get address(): string {
    return formatServer(this.server);
  }

  /** Time of the last byte received; the session measures silence from it. */
  get lastHeardAt(): number {
    return this.lastReceivedAt;
  }

  /**
   * Connects and performs the handshake. A server that accepts TCP but never answers (paused, or
   * not serving) fails at the deadline instead of hanging the caller.
   */
  static open(
    options: OpenConnectionOptions,
  ): Promise<{ connection: Connection; response: ConnectResponse }> {
    const { server } = options;
    const address = formatServer(server);
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: server.host, port: server.port });
      socket.setNoDelay(true);
      const decoder = new FrameDecoder(Math.min(HANDSHAKE_MAX_FRAME_BYTES, options.maxFrameBytes));
      const connection = new Connection(socket, server, decoder);
      let settled = false;
      const fail = (message: string, cause?: unknown): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        reject(new Error(message, cause === undefined ? undefined : { cause }));
      };
      const timer = setTimeout(
        () =>
          fail(
            `no handshake answer from ${address} within ${options.handshakeTimeoutMs} ms (server paused, overloaded or not a ZooKeeper server)`,
          ),
        options.handshakeTimeoutMs,
      );

      if (options.signal) {
        const signal = options.signal;
        if (signal.aborted) fail('connection attempt abandoned');
        const onAbort = (): void => fail('connection attempt abandoned');
        signal.addEventListener('abort', onAbort, { once: true });
        socket.once('close', () => signal.removeEventListener('abort', onAbort));
      }
      socket.once('connect', () => {
        const writer = new JuteWriter(64);
        writer.writeInt(0);
        writeConnectRequest(writer, options.connectRequest);
        writer.patchInt(0, writer.length - 4);
        socket.write(writer.finish());
      });
      socket.on('error', (error: NodeJS.ErrnoException) => {
        if (!settled) fail(`cannot connect to ${address}: ${error.code ?? error.message}`, error);
        else
          connection.close(
            new Error(`socket error on ${address}: ${error.code ?? error.message}`, { cause: error }),
          );
      });
      socket.on('close', () => {
        if (!settled) {
          fail(
            `${address} closed the connection during the handshake (it may be without quorum, or behind this client's last seen zxid)`,
          );
        } else connection.close(new Error(`${address} closed the connection`));
      });
      socket.on('data', (chunk: Buffer) => {
        connection.lastReceivedAt = Date.now();
        decoder.append(chunk);
        for (;;) {
          let frame: Buffer | null;
          try {
            frame = decoder.next();
          } catch (error) {
            if (!settled) fail(`bad handshake from ${address}: ${(error as Error).message}`, error);
            else connection.close(new ProtocolError(address, (error as Error).message, error));
            return;
          }
          if (frame === null || connection.closed) return;
          if (settled) {
            connection.dispatch(frame);
            continue;
          }
          let response: ConnectResponse;
          try {
            response = readHandshake(address, frame);
          } catch (error) {
            fail((error as Error).message, error);
            return;
          }
          settled = true;
          clearTimeout(timer);
          // Only now may frames be as large as replies can be; whatever followed the handshake in the
          // same chunk is measured against the new limit.
          decoder.maxFrameBytes = options.maxFrameBytes;
          resolve({ connection, response });
        }
      });
    });
  }

  /** Installs the handlers that receive replies and the close notification. */
  attach(handlers: ConnectionHandlers): void {
    this.handlers = handlers;
    if (this.closed) {
      handlers.onClose(this.closeReason ?? new Error(`${this.address} closed the connection`));
      return;
    }
    const early = this.early;
    this.early = [];
    for (const frame of early) this.dispatch(frame);
  }

  /**
   * Pings after a third of the session timeout without sending, and gives up on the server after two
   * thirds without receiving anything: a paused server keeps the TCP connection open, so silence is
   * the only sign that it is gone.
   */
  startHeartbeat(sessionTimeoutMs: number): void {
    // Closed already (by a bad frame that came with the handshake): an interval now would never stop.
    if (this.closed) return;
    const pingAfterMs = Math.max(1, Math.floor(sessionTimeoutMs / 3));
    const readDeadlineMs = Math.max(2, Math.floor((sessionTimeoutMs * 2) / 3));
    const tickMs = Math.max(10, Math.floor(pingAfterMs / 4));
    this.lastReceivedAt = Date.now();
    this.heartbeat = setInterval(() => {
      const now = Date.now();
      const silentFor = now - this.lastReceivedAt;
      if (silentFor >= readDeadlineMs) {
        this.close(
          new Error(`no data from ${this.address} for ${silentFor} ms (read deadline ${readDeadlineMs} ms)`),
        );
        return;
      }
      if (now - this.lastSentAt >= pingAfterMs) this.send(PING_FRAME);
    }, tickMs);
    this.heartbeat.unref();
  }

  /**
   * Queues a complete frame. Writes issued in one tick leave in one syscall (cork/uncork), which is
   * what makes pipelined requests cheap.
   */
  send(frame: Buffer): void {
    if (this.closed) return;
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(frame);
    this.lastSentAt = Date.now();
  }

  close(reason: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.closeReason = reason;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.socket.destroy();
    this.handlers?.onClose(reason);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private dispatch(frame: Buffer): void {
    if (this.closed) return;
    if (!this.handlers) {
      this.early.push(frame);
      return;
    }
    const reader = new JuteReader(frame);
    let header: ReplyHeader;
    try {
      header = readReplyHeader(reader);
    } catch (error) {
      this.close(new ProtocolError(this.address, `reply header: ${(error as Error).message}`, error));
      return;
    }
    try {
      this.handlers.onReply(header, reader);
    } catch (error) {
      // The last guard between a bad frame and the socket's 'data' event, where a throw would be an
      // uncaught exception that ends the host process.
      this.close(
        new ProtocolError(this.address, `reply xid ${header.xid}: ${(error as Error).message}`, error),
      );
    }
  }
}

/**
 * Why a connection was dropped: the server sent something the protocol does not allow. The
 * session logs these as warnings, unlike ordinary disconnects.
 */
export class ProtocolError extends Error {
  override name = 'ProtocolError';
  constructor(address: string, what: string, cause?: unknown) {
    super(`protocol error from ${address}: ${what}`, cause === undefined ? undefined : { cause });
  }
}

/**
 * A ConnectResponse, or the bare 16-byte ReplyHeader a server sends when it refuses to create the
 * session (a read-only server without local sessions answers NOTREADONLY this way).
 */
function readHandshake(address: string, frame: Buffer): ConnectResponse {
  if (frame.length === 16) {
    const refusal = readReplyHeader(new JuteReader(frame));
    throw new Error(`${address} refused the session: ${errorCodeName(refusal.err)} (${refusal.err})`);
  }
  try {
    return readConnectResponse(new JuteReader(frame));
  } catch (error) {
    throw new Error(`bad handshake from ${address} (not a ZooKeeper server?): ${(error as Error).message}`, {
      cause: error,
    });
  }
}

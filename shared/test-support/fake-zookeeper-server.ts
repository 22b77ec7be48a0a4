import net from 'node:net';

/**
 * A valid ConnectResponse frame, as a ZooKeeper server sends it: protocol 0, session timeout
 * 4000 ms, session id 0x12345678, a 16-byte password of 07s, not read-only.
 */
export const CONNECT_RESPONSE = connectResponse(4000);

/** The same ConnectResponse with another negotiated session timeout. */
export function connectResponse(sessionTimeoutMs: number): Buffer {
  const frame = Buffer.from(
    '00000025' + '00000000' + '00000000' + '0000000012345678' + '00000010' + '07'.repeat(16) + '00',
    'hex',
  );
  frame.writeInt32BE(sessionTimeoutMs, 8);
  return frame;
}

/** A request the client sent after its ConnectRequest. */
export interface ReceivedRequest {
  xid: number;
  opCode: number;
  /** the packet body after the length prefix (header included) */
  frame: Buffer;
}

/** One client connection to the fake server, past the ConnectRequest. */
export interface FakeServerConnection {
  /** index of this connection, 0 for the first */
  readonly index: number;
  readonly acceptedAt: number;
  /** Sends the valid ConnectResponse, with `then` appended in the same TCP write. */
  sendHandshake(then?: Buffer): void;
  send(bytes: Buffer): void;
  /** the next request the client sends (pings and closeSession are answered, not returned, if so set) */
  nextRequest(): Promise<ReceivedRequest>;
  /** From now on, requests are read and dropped (a test measuring the client's heap wants that). */
  discardRequests(): void;
  /** Ends the connection as a crashing server would. */
  destroy(): void;
  readonly closed: boolean;
}

export interface FakeServerOptions {
  /**
   * Scripts one connection once the client's ConnectRequest has arrived. Without it every
   * connection gets the valid handshake and nothing more.
   */
  onConnection?: (connection: FakeServerConnection) => void | Promise<void>;
  /** answer pings (xid -2) like a server, so the client's read deadline never fires; default true */
  answerPings?: boolean;
  /** answer closeSession so that client.close() returns at once; default true */
  answerCloseSession?: boolean;
}

const PING_XID = -2;
const CLOSE_SESSION_OPCODE = -11;

/**
 * A loopback TCP server that speaks just enough of the ZooKeeper protocol to complete a handshake
 * and then sends whatever a test scripts: malformed frames, out-of-order replies, garbage. It exists
 * to test how the client survives a broken or hostile server; it is not a ZooKeeper and must never
 * stand in for one where real behaviour is tested.
 */
export class FakeZooKeeperServer {
  /** when each connection was accepted (Date.now()), in order */
  readonly acceptedAt: number[] = [];
  /** requests received over all connections, pings and closeSession not counted */
  requestsReceived = 0;
  private readonly sockets = new Set<net.Socket>();
  private scriptFailures: unknown[] = [];

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  static async start(options: FakeServerOptions = {}): Promise<FakeZooKeeperServer> {
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const fake = new FakeZooKeeperServer(server, (server.address() as net.AddressInfo).port);
    server.on('connection', (socket) => fake.accept(socket, options));
    return fake;
  }

  get connectString(): string {
    return `127.0.0.1:${this.port}`;
  }

  get connections(): number {
    return this.acceptedAt.length;
  }

  /** errors thrown by onConnection scripts; a test should assert there are none */
  get failures(): readonly unknown[] {
    return this.scriptFailures;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket, options: FakeServerOptions): void {
    const index = this.acceptedAt.length;
    const acceptedAt = Date.now();
    this.acceptedAt.push(acceptedAt);
    this.sockets.add(socket);
    socket.setNoDelay(true);
    // The client may reset the connection at any point; that is what the tests provoke.
    socket.on('error', () => {});
    socket.on('close', () => this.sockets.delete(socket));

    let buffered = Buffer.alloc(0);
    let handshakeSeen = false;
    const requests: ReceivedRequest[] = [];
    let keepRequests = true;
    const waiting: ((request: ReceivedRequest) => void)[] = [];
    const answerPings = options.answerPings ?? true;
    const answerClose = options.answerCloseSession ?? true;

    const connection: FakeServerConnection = {
      index,
      acceptedAt,
      sendHandshake: (then) =>
        void socket.write(then ? Buffer.concat([CONNECT_RESPONSE, then]) : CONNECT_RESPONSE),
      send: (bytes) => void socket.write(bytes),
      nextRequest: () => {
        const request = requests.shift();
        if (request) return Promise.resolve(request);
        return new Promise((resolve) => waiting.push(resolve));
      },
      discardRequests: () => {
        keepRequests = false;
        requests.length = 0;
      },
      destroy: () => void socket.destroy(),
      get closed() {
        return socket.destroyed;
      },
    };

    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 4) {
        const length = buffered.readInt32BE(0);
        if (buffered.length < 4 + length) return;
        const frame = buffered.subarray(4, 4 + length);
        buffered = buffered.subarray(4 + length);
        if (!handshakeSeen) {
          handshakeSeen = true;
          const script = options.onConnection ?? ((c: FakeServerConnection) => c.sendHandshake());
          Promise.resolve()
            .then(() => script(connection))
            .catch((error: unknown) => this.scriptFailures.push(error));
          continue;
        }
        const request = { xid: frame.readInt32BE(0), opCode: frame.readInt32BE(4), frame };
        if (answerPings && request.xid === PING_XID) {
          socket.write(replyHeader(PING_XID, 0));
          continue;
        }
        if (answerClose && request.opCode === CLOSE_SESSION_OPCODE) {
          socket.write(replyHeader(request.xid, 0));
          continue;
        }
        this.requestsReceived++;
        const waiter = waiting.shift();
        if (waiter) waiter(request);
        else if (keepRequests) requests.push({ ...request, frame: Buffer.from(frame) });
      }
    });
  }
}

/** A reply frame (length prefix included) with a ReplyHeader and then `body`. */
export function replyFrame(xid: number, err: number, body: Buffer = Buffer.alloc(0), zxid = 1n): Buffer {
  const frame = Buffer.alloc(4 + 16 + body.length);
  frame.writeInt32BE(16 + body.length, 0);
  frame.writeInt32BE(xid, 4);
  frame.writeBigInt64BE(zxid, 8);
  frame.writeInt32BE(err, 16);
  body.copy(frame, 20);
  return frame;
}

function replyHeader(xid: number, err: number): Buffer {
  return replyFrame(xid, err);
}

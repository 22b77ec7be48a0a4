import net from 'node:net';

/**
 * A wiretap: a TCP proxy in front of one ZooKeeper server that keeps a copy of every byte each way,
 * so a demo can show the packets our client really sent and the server really answered. Chunks are
 * kept as they arrived; {@link frames} cuts each direction into ZooKeeper's length-prefixed frames.
 */
export type Direction = 'client→server' | 'server→client';

export interface RecordedFrame {
  direction: Direction;
  /** the whole frame, its 4-byte length prefix included */
  bytes: Buffer;
}

export class PacketRecorder {
  private readonly streams: Record<Direction, Buffer[]> = { 'client→server': [], 'server→client': [] };
  /** Frames in the order their last byte arrived, across both directions. */
  private readonly ordered: RecordedFrame[] = [];
  private readonly pending: Record<Direction, Buffer> = {
    'client→server': Buffer.alloc(0),
    'server→client': Buffer.alloc(0),
  };
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  static async start(target: { host: string; port: number }): Promise<PacketRecorder> {
    const holder: { recorder?: PacketRecorder } = {};
    const server = net.createServer((client) => holder.recorder!.accept(client, target));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    holder.recorder = new PacketRecorder(server, (server.address() as net.AddressInfo).port);
    return holder.recorder;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  get frames(): readonly RecordedFrame[] {
    return this.ordered;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket, target: { host: string; port: number }): void {
    const upstream = net.connect(target.port, target.host);
    this.sockets.add(client).add(upstream);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.on('data', (chunk: Buffer) => {
      this.record('client→server', chunk);
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      this.record('server→client', chunk);
      client.write(chunk);
    });
  }

  private record(direction: Direction, chunk: Buffer): void {
    this.streams[direction].push(chunk);
    let buffer = Buffer.concat([this.pending[direction], chunk]);
    while (buffer.length >= 4 && buffer.length >= 4 + buffer.readInt32BE(0)) {
      const end = 4 + buffer.readInt32BE(0);
      this.ordered.push({ direction, bytes: Buffer.from(buffer.subarray(0, end)) });
      buffer = buffer.subarray(end);
    }
    this.pending[direction] = buffer;
  }
}

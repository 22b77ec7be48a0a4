import net from 'node:net';

export type ProxyMode = 'forward' | 'blackhole' | 'refuse';

/**
 * A TCP proxy in front of one server, for client tests that need a network fault at an exact moment
 * without touching the shared ensemble:
 * - blackhole: connections stay open but no byte passes either way (a hung server or a dead link)
 * - refuse:    new connections are closed at once (a server that is down)
 * - sever():   every open connection is cut (a crash or a reset)
 * Fault tests that must prove behaviour against real server failures kill and pause real JVMs
 * instead (*.fault.test.ts); this proxy complements them.
 */
export class TcpProxy {
  private mode: ProxyMode = 'forward';
  private readonly pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const holder: { proxy?: TcpProxy } = {};
    const server = net.createServer((client) => holder.proxy!.accept(client, target));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    holder.proxy = new TcpProxy(server, (server.address() as net.AddressInfo).port);
    return holder.proxy;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  setMode(mode: ProxyMode): void {
    this.mode = mode;
    for (const pair of this.pairs) {
      if (mode === 'blackhole') {
        pair.client.pause();
        pair.upstream.pause();
      } else if (mode === 'forward') {
        pair.client.resume();
        pair.upstream.resume();
      }
    }
  }

  /** Cuts every open connection, as a crashed server or a reset would. */
  sever(): void {
    for (const pair of this.pairs) {
      pair.client.destroy();
      pair.upstream.destroy();
    }
    this.pairs.clear();
  }

  async close(): Promise<void> {
    this.sever();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket, target: { host: string; port: number }): void {
    if (this.mode === 'refuse') {
      client.destroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    const pair = { client, upstream };
    this.pairs.add(pair);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
      this.pairs.delete(pair);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    // Explicit data forwarding (not pipe) so that pause() in blackhole mode stops the flow at once.
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => client.write(chunk));
    if (this.mode === 'blackhole') {
      client.pause();
      upstream.pause();
    }
  }
}

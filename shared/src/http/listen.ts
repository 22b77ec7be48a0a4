import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Express } from 'express';

export interface ListenOptions {
  /** 0 picks a free port. Default 0. */
  port?: number;
  /** Default 127.0.0.1: a service is exposed beyond this machine only when asked to. */
  host?: string;
}

export interface RunningServer {
  readonly server: Server;
  /** e.g. http://127.0.0.1:8080 */
  readonly url: string;
  readonly port: number;
  /**
   * Graceful shutdown: stop accepting connections, close the idle ones at once and each busy one as
   * soon as its request is answered; after graceMs, cut whatever is left (a stream that never ends).
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

export async function listen(
  app: Express,
  { port = 0, host = '127.0.0.1' }: ListenOptions = {},
): Promise<RunningServer> {
  const server = app.listen(port, host);
  await Promise.race([
    once(server, 'listening'),
    once(server, 'error').then(([error]) => Promise.reject(error as Error)),
  ]);
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  // Requests in flight per connection. Node's closeIdleConnections() leaves alone connections that
  // never sent a request (browsers open such speculative sockets) and ones that become idle after
  // shutdown began; without this, close() would wait for their keep-alive timeout.
  const inFlight = new Map<Socket, number>();
  let closing: Promise<void> | undefined;
  server.on('connection', (socket: Socket) => {
    inFlight.set(socket, 0);
    socket.once('close', () => inFlight.delete(socket));
  });
  server.on('request', (request, response) => {
    const socket = request.socket;
    inFlight.set(socket, (inFlight.get(socket) ?? 0) + 1);
    response.once('close', () => {
      const left = (inFlight.get(socket) ?? 1) - 1;
      inFlight.set(socket, left);
      if (closing && left === 0) socket.end();
    });
  });

  return {
    server,
    url: `http://${urlHost}:${address.port}`,
    port: address.port,
    close({ graceMs = 5_000 } = {}) {
      closing ??= new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        for (const [socket, requests] of inFlight) if (requests === 0) socket.end();
      });
      return closing;
    },
  };
}

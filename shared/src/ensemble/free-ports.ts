import { createServer, type Server } from 'node:net';

/** ZooKeeper's well-known ports; a developer's real server may be on them, so never take them. */
export const RESERVED_PORTS: ReadonlySet<number> = new Set([2181, 2888, 3888]);

// The OS may hand a just-released port out again; remembering what this process already handed out
// keeps two ensembles started back to back from colliding with each other.
const handedOut = new Set<number>();

/**
 * Asks the OS for `count` distinct free ports on `host`. All listeners stay open until every port is
 * known, so the OS cannot return the same port twice within one call. A port is only free at this
 * instant: the caller must cope with losing a race to another process (the ensemble retries).
 */
export async function allocateFreePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const listeners: Server[] = [];
  const ports: number[] = [];
  try {
    while (ports.length < count) {
      const server = createServer();
      listeners.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, host, () => resolve());
      });
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      if (port > 0 && !RESERVED_PORTS.has(port) && !handedOut.has(port)) ports.push(port);
    }
  } finally {
    await Promise.all(listeners.map((server) => new Promise((resolve) => server.close(resolve))));
  }
  for (const port of ports) handedOut.add(port);
  return ports;
}

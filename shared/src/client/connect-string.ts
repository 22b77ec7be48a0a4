import { validatePath } from './paths.ts';

export interface ServerAddress {
  host: string;
  port: number;
}

export interface ParsedConnectString {
  servers: ServerAddress[];
  /** "" when there is no chroot */
  chroot: string;
}

const DEFAULT_PORT = 2181;

/**
 * "host1:port1,host2:port2/optional/chroot" — the format every ZooKeeper client accepts.
 * IPv6 literals go in brackets: "[::1]:2181".
 */
export function parseConnectString(connectString: string): ParsedConnectString {
  const text = connectString.trim();
  if (text.length === 0)
    throw new Error('connect string is empty (expected host:port[,host:port...][/chroot])');
  const slash = text.indexOf('/');
  const hostPart = slash >= 0 ? text.slice(0, slash) : text;
  let chroot = slash >= 0 ? text.slice(slash) : '';
  if (chroot === '/') chroot = '';
  if (chroot) validatePath(chroot, { operation: 'connect' });
  const servers = hostPart
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
    .map(parseServer);
  if (servers.length === 0) throw new Error(`connect string "${connectString}" names no server`);
  return { servers, chroot };
}

function parseServer(entry: string): ServerAddress {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return { host: bracketed[1]!, port: parsePort(bracketed[2], entry) };
  const colon = entry.lastIndexOf(':');
  if (colon < 0) return { host: entry, port: DEFAULT_PORT };
  return { host: entry.slice(0, colon), port: parsePort(entry.slice(colon + 1), entry) };
}

function parsePort(text: string | undefined, entry: string): number {
  if (text === undefined) return DEFAULT_PORT;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`bad port in "${entry}": expected 1-65535`);
  }
  return port;
}

export function formatServer(server: ServerAddress): string {
  return server.host.includes(':') ? `[${server.host}]:${server.port}` : `${server.host}:${server.port}`;
}

/**
 * Walks the server list in a random order fixed at start, like the Java StaticHostProvider, so that
 * many clients with the same connect string spread over the ensemble.
 */
export class HostList {
  private readonly servers: ServerAddress[];
  private index = -1;

  constructor(servers: readonly ServerAddress[], random: () => number = Math.random, shuffle = true) {
    this.servers = [...servers];
    if (!shuffle) return;
    for (let i = this.servers.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [this.servers[i], this.servers[j]] = [this.servers[j]!, this.servers[i]!];
    }
  }

  get size(): number {
    return this.servers.length;
  }

  next(): ServerAddress {
    this.index = (this.index + 1) % this.servers.length;
    return this.servers[this.index]!;
  }

  /** Makes `server` the next one returned, e.g. a read-write server found while read-only. */
  preferNext(server: ServerAddress): void {
    const index = this.servers.findIndex((each) => each.host === server.host && each.port === server.port);
    if (index >= 0) this.index = (index - 1 + this.servers.length) % this.servers.length;
  }

  all(): readonly ServerAddress[] {
    return this.servers;
  }
}

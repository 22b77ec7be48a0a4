import { isIP } from 'node:net';
import type { Request, RequestHandler } from 'express';
import { HttpError } from './http-error.ts';

export interface HostCheckOptions {
  /** The address or name the service was asked to listen on (`--host`); default 127.0.0.1. */
  boundHost?: string;
  /**
   * Further names the service answers to, e.g. the name a reverse proxy or a container network uses
   * (`monitor`), or `localhost` when a container publishes the port. `name` accepts any port,
   * `name:port` only that one; IPv6 addresses in brackets (`[::1]:8080`).
   */
  allowedHosts?: readonly string[];
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/**
 * Refuses (403 FORBIDDEN_HOST) every request whose `Host` header is not a name this service is
 * reached by. This is the defence against DNS rebinding: a web page on evil.example re-points its
 * own name at 127.0.0.1 and then reads the service as if it were same-origin — but the browser still
 * sends `Host: evil.example`, which no list here contains.
 *
 * Accepted without configuration: the loopback names (127.0.0.1, localhost, [::1]) on the port the
 * connection arrived at, when it arrived on a loopback address; the address the connection arrived
 * at, with its port (an IP literal cannot be rebound); and the bound name when it is a name.
 */
export function hostCheck({
  boundHost = '127.0.0.1',
  allowedHosts = [],
}: HostCheckOptions = {}): RequestHandler {
  const extra = allowedHosts.map(parseHostEntry);
  const boundName = isIP(boundHost) === 0 && boundHost !== 'localhost' ? boundHost.toLowerCase() : undefined;
  return (request, _response, next) => {
    const host = request.headers.host;
    if (host !== undefined && isAllowedHost(host, request, boundName, extra)) {
      next();
      return;
    }
    next(
      new HttpError(
        403,
        'FORBIDDEN_HOST',
        host === undefined
          ? 'the request has no Host header'
          : `this service does not answer to the host name "${host}"`,
        { host: host ?? null, allowed: allowedHostsOf(request, boundName, allowedHosts) },
      ),
    );
  };
}

/** True for the addresses and the name that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost' || bare === '::1') return true;
  const ipv4 = bare.replace(/^::ffff:/, '');
  return isIP(ipv4) === 4 && ipv4.startsWith('127.');
}

interface HostEntry {
  name: string;
  port?: number;
}

function parseHostEntry(entry: string): HostEntry {
  const parsed = splitHost(entry.trim());
  if (!parsed) throw new TypeError(`allowed host "${entry}" is not a name, name:port or [ipv6]:port`);
  return parsed;
}

/** "name", "name:port", "1.2.3.4:80", "[::1]:80" → lower-case name (brackets kept) and port. */
function splitHost(host: string): HostEntry | undefined {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]\s/]+)(?::(\d{1,5}))?$/.exec(host);
  if (!match) return undefined;
  const name = match[1]!.toLowerCase();
  return match[2] === undefined ? { name } : { name, port: Number(match[2]) };
}

function isAllowedHost(
  host: string,
  request: Request,
  boundName: string | undefined,
  extra: readonly HostEntry[],
): boolean {
  const parsed = splitHost(host);
  if (!parsed) return false;
  const localPort = request.socket.localPort;
  // A Host without a port means the default one, 80.
  const port = parsed.port ?? 80;
  if (extra.some((entry) => entry.name === parsed.name && (entry.port === undefined || entry.port === port)))
    return true;
  if (port !== localPort) return false;
  const localAddress = request.socket.localAddress;
  if (localAddress !== undefined) {
    if (isLoopbackHost(localAddress) && LOOPBACK_NAMES.includes(parsed.name)) return true;
    if (parsed.name === hostForm(localAddress)) return true;
  }
  return boundName !== undefined && parsed.name === boundName;
}

/** How an address appears in a Host header: IPv6 in brackets, IPv4-mapped IPv6 as plain IPv4. */
function hostForm(address: string): string {
  const ipv4 = address.replace(/^::ffff:/i, '');
  if (isIP(ipv4) === 4) return ipv4;
  return isIP(address) === 6 ? `[${address.toLowerCase()}]` : address.toLowerCase();
}

function allowedHostsOf(
  request: Request,
  boundName: string | undefined,
  allowedHosts: readonly string[],
): string[] {
  const port = request.socket.localPort;
  const address = request.socket.localAddress;
  const names = new Set<string>();
  if (address !== undefined && isLoopbackHost(address))
    for (const name of LOOPBACK_NAMES) names.add(`${name}:${port}`);
  if (address !== undefined) names.add(`${hostForm(address)}:${port}`);
  if (boundName) names.add(`${boundName}:${port}`);
  for (const entry of allowedHosts) names.add(entry);
  return [...names];
}

import { request } from 'node:http';
import { connect, type Socket } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** the body parsed as JSON, or undefined when it is not JSON */
  json: unknown;
}

/**
 * One HTTP request with exactly the headers given (an empty value: no such header) — including Host, Origin and Sec-Fetch-Site,
 * which is what a browser on another site, or a DNS-rebound page, would send. fetch() picks Host
 * itself, so refusal tests use this.
 */
export function rawRequest(
  url: string,
  {
    method = 'GET',
    headers = {},
    body,
  }: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawResponse> {
  const target = new URL(url);
  // An empty value leaves the header out, so a test can remove one of its defaults.
  const sent = Object.fromEntries(
    Object.entries({ host: target.host, ...headers }).filter(([, value]) => value !== ''),
  );
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method,
        headers: { ...sent, ...(body !== undefined && { 'content-length': Buffer.byteLength(body) }) },
        agent: false,
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text, json });
        });
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/**
 * A client that sends a GET and then never reads a byte: the server's writes fill the kernel's
 * buffers and then its own. `startReading()` finally consumes what arrived and what follows.
 */
export interface StalledReader {
  readonly socket: Socket;
  /** Starts reading; resolves with everything received once `until` matches it (or rejects at the deadline). */
  startReading(until: RegExp, timeoutMs?: number): Promise<string>;
  close(): void;
}

export async function openStalledReader(url: string): Promise<StalledReader> {
  const target = new URL(url);
  const socket = connect({ host: target.hostname, port: Number(target.port) });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  // Never reading: the kernel's receive buffer fills, then the server's send buffer, then whatever
  // the server itself is willing to hold.
  socket.pause();
  socket.write(
    `GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\nAccept: text/event-stream\r\n\r\n`,
  );
  return {
    socket,
    startReading(until, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        let received = '';
        const timer = setTimeout(
          () => reject(new Error(`no ${String(until)} within ${timeoutMs} ms; got ${received.length} chars`)),
          timeoutMs,
        );
        socket.setEncoding('utf8');
        socket.on('data', (chunk: string) => {
          received += chunk;
          if (until.test(received)) {
            clearTimeout(timer);
            resolve(received);
          }
        });
        socket.resume();
      });
    },
    close() {
      socket.destroy();
    },
  };
}

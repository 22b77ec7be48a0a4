import {
  request as httpRequest,
  type Agent,
  type IncomingHttpHeaders,
  type IncomingMessage,
} from 'node:http';

/** One request as the gateway forwards it: the body read in full, so it can be sent again. */
export interface ForwardedRequest {
  method: string;
  /** path and query, e.g. /app/items/42?x=1 */
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * Why an attempt got no answer:
 * - refused: the connection was refused — nothing reached the provider (it is down, or its port
 *   closed), so even a non-idempotent request may go to another;
 * - timeout: no answer within the attempt's time; the provider may still be working on it;
 * - broken: the connection failed after it was made; the request may have arrived.
 */
export type AttemptFailure = 'refused' | 'timeout' | 'broken';

export type AttemptResult =
  | { outcome: 'answered'; response: IncomingMessage }
  | { outcome: 'failed'; failure: AttemptFailure; error: Error };

/** Headers that belong to one hop, never forwarded (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** The headers of `headers` that may go to the next hop, less those the Connection header names. */
export function endToEndHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const named = new Set(
    String(headers.connection ?? '')
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean),
  );
  const kept: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!HOP_BY_HOP.has(name) && !named.has(name) && value !== undefined) kept[name] = value;
  }
  return kept;
}

/**
 * Sends one request to one provider and resolves when its response head arrives, or with why none
 * did. Never rejects. The response body is the caller's to read (or to drop, to try elsewhere).
 */
export function forwardOnce(
  baseUrl: string,
  forwarded: ForwardedRequest,
  {
    agent,
    timeoutMs,
    extraHeaders,
  }: { agent: Agent; timeoutMs: number; extraHeaders: Record<string, string> },
): Promise<AttemptResult> {
  return new Promise((resolve) => {
    const target = new URL(baseUrl);
    let settled = false;
    const settle = (result: AttemptResult): void => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    const outgoing = httpRequest(
      {
        agent,
        host: target.hostname.replace(/^\[|\]$/g, ''),
        port: target.port,
        method: forwarded.method,
        path: forwarded.path,
        headers: {
          ...endToEndHeaders(forwarded.headers),
          ...extraHeaders,
          host: target.host,
          'content-length': String(forwarded.body.length),
        },
      },
      (response) => {
        outgoing.setTimeout(0);
        settle({ outcome: 'answered', response });
      },
    );
    outgoing.setTimeout(timeoutMs, () => {
      outgoing.destroy(new Error(`no answer from ${baseUrl} within ${timeoutMs} ms`));
      settle({
        outcome: 'failed',
        failure: 'timeout',
        error: new Error(`no answer from ${baseUrl} within ${timeoutMs} ms`),
      });
    });
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      settle({ outcome: 'failed', failure: error.code === 'ECONNREFUSED' ? 'refused' : 'broken', error });
    });
    outgoing.end(forwarded.body);
  });
}

import type { Agent, IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { HttpError } from '@zk-cookbook/core/http';
import {
  endToEndHeaders,
  forwardOnce,
  type AttemptFailure,
  type ForwardedRequest,
} from './forward-request.ts';
import type { LoadBalancer } from './load-balancer.ts';
import type { TrafficStats } from './traffic-stats.ts';

/** Methods whose repetition has the effect of one call (RFC 9110 §9.2.2): safe to send again elsewhere. */
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);

/** Answers that say "not me, not now" rather than "your request is wrong": try another provider. */
const RETRYABLE_STATUSES = new Set([502, 503, 504]);

/** The provider that answered, and how many attempts it took, on every proxied response. */
export const GATEWAY_PROVIDER_HEADER = 'x-gateway-provider';
export const GATEWAY_ATTEMPTS_HEADER = 'x-gateway-attempts';
/** A client's key for consistent hashing; without it the request's path is the key. */
export const HASH_KEY_HEADER = 'x-hash-key';

export interface ProxyOptions {
  balancer: LoadBalancer;
  stats: TrafficStats;
  agent: Agent;
  /** providers tried per request at most; default 3 */
  maxAttempts?: number;
  /** how long one attempt waits for a response head; default 5 s */
  attemptTimeoutMs?: number;
  /** a request body is held in memory so it can be sent again; default 1 MiB */
  bodyLimitBytes?: number;
  logger: Logger;
}

/**
 * The reverse proxy: each request goes to the provider the balancer picks; if that attempt fails,
 * to another one — for an idempotent method always, for any other only when the connection was
 * refused, since then nothing reached the provider. A POST whose connection broke mid-way may have
 * been processed: sending it again could take an order twice, so the client gets the 502 instead.
 * A provider's answer is streamed on as it arrives; once a byte of it is sent, there is no retry.
 */
export function proxyHandler(options: ProxyOptions) {
  const { balancer, stats, agent, logger } = options;
  const maxAttempts = options.maxAttempts ?? 3;
  const attemptTimeoutMs = options.attemptTimeoutMs ?? 5_000;
  const bodyLimitBytes = options.bodyLimitBytes ?? 1024 * 1024;

  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    let body: Buffer;
    try {
      body = await readBody(request, bodyLimitBytes);
    } catch (error) {
      sendError(
        response,
        error instanceof HttpError ? error : new HttpError(400, 'BAD_REQUEST', String(error)),
      );
      return;
    }
    const method = request.method ?? 'GET';
    const forwarded: ForwardedRequest = { method, path: request.url ?? '/', headers: request.headers, body };
    const key = hashKeyOf(request);
    const idempotent = IDEMPOTENT_METHODS.has(method);
    const tried = new Set<string>();
    const failures: { provider: string; failure: AttemptFailure | number }[] = [];
    const extraHeaders = forwardedHeaders(request);

    for (let attempt = 1; attempt <= maxAttempts && !response.destroyed; attempt++) {
      const provider = balancer.choose(tried, key);
      if (!provider) break;
      tried.add(provider.id);
      balancer.begin(provider.id);
      stats.attempt(provider.id, attempt > 1);
      const result = await forwardOnce(provider.url, forwarded, {
        agent,
        timeoutMs: attemptTimeoutMs,
        extraHeaders,
      });

      if (result.outcome === 'failed') {
        balancer.report(provider.id, false);
        balancer.end(provider.id);
        stats.outcome(provider.id, false);
        failures.push({ provider: provider.id, failure: result.failure });
        logger.debug({ provider: provider.id, failure: result.failure, err: result.error }, 'attempt failed');
        if (idempotent || result.failure === 'refused') continue;
        break;
      }

      const upstream = result.response;
      const status = upstream.statusCode ?? 502;
      const failed = RETRYABLE_STATUSES.has(status);
      balancer.report(provider.id, !failed);
      stats.outcome(provider.id, !failed);
      if (failed && idempotent && attempt < maxAttempts && balancer.offer(tried).length > 0) {
        failures.push({ provider: provider.id, failure: status });
        upstream.resume();
        upstream.once('end', () => balancer.end(provider.id));
        upstream.once('error', () => balancer.end(provider.id));
        continue;
      }
      stats.request(true);
      relay(upstream, response, provider.id, attempt, () => balancer.end(provider.id));
      return;
    }

    stats.request(false);
    if (response.destroyed) return;
    if (tried.size === 0 && failures.length === 0) {
      sendError(
        response,
        new HttpError(
          503,
          'NO_PROVIDER',
          'no provider is available',
          { method, path: forwarded.path },
          { 'Retry-After': '1' },
        ),
      );
    } else {
      sendError(
        response,
        new HttpError(502, 'PROVIDERS_FAILED', `no provider answered ${method} ${forwarded.path}`, {
          attempts: failures,
          retried: idempotent
            ? 'idempotent method: tried others'
            : 'not idempotent: retried only on refused connections',
        }),
      );
    }
  };
}

function relay(
  upstream: IncomingMessage,
  response: ServerResponse,
  providerId: string,
  attempts: number,
  done: () => void,
): void {
  let finished = false;
  const finish = (): void => {
    if (finished) return;
    finished = true;
    done();
  };
  response.writeHead(upstream.statusCode ?? 502, {
    ...endToEndHeaders(upstream.headers),
    [GATEWAY_PROVIDER_HEADER]: providerId,
    [GATEWAY_ATTEMPTS_HEADER]: String(attempts),
  });
  upstream.pipe(response);
  upstream.once('end', finish);
  // The provider died mid-answer: the client must not take a truncated body for a whole one.
  upstream.once('error', () => {
    response.destroy();
    finish();
  });
  upstream.once('aborted', () => response.destroy());
  response.once('close', () => {
    if (!upstream.complete) upstream.destroy();
    finish();
  });
}

function hashKeyOf(request: IncomingMessage): string {
  const header = request.headers[HASH_KEY_HEADER];
  if (typeof header === 'string' && header !== '') return header;
  const url = request.url ?? '/';
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

function forwardedHeaders(request: IncomingMessage): Record<string, string> {
  const client = request.socket.remoteAddress ?? '';
  const previous = request.headers['x-forwarded-for'];
  return {
    'x-forwarded-for': previous ? `${String(previous)}, ${client}` : client,
    'x-forwarded-host': request.headers.host ?? '',
    'x-forwarded-proto': 'http',
  };
}

function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > limit) {
    request.resume();
    return Promise.reject(tooLarge(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(tooLarge(limit));
        request.resume();
        return;
      }
      chunks.push(chunk);
    });
    request.once('end', () => resolve(Buffer.concat(chunks)));
    request.once('error', reject);
    // A client that goes away mid-body never sends 'end'; without this the request would wait forever.
    request.once('close', () => {
      if (!request.complete)
        reject(new HttpError(400, 'REQUEST_ABORTED', 'the client closed the request mid-body'));
    });
  });
}

function tooLarge(limit: number): HttpError {
  return new HttpError(413, 'BODY_TOO_LARGE', `the gateway holds request bodies of at most ${limit} bytes`, {
    limit,
  });
}

function sendError(response: ServerResponse, error: HttpError): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const text = JSON.stringify(error.body);
  response.writeHead(error.status, {
    ...error.headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  response.end(text);
}

import { Router } from 'express';
import { pino } from 'pino';
import { Counter } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ZooKeeperError } from '../client/index.ts';
import { RecipeError } from '../recipes/core/errors.ts';
import { eventually } from '../../test-support/index.ts';
import {
  createApp,
  createMetricsRegistry,
  healthRouter,
  listen,
  metricsRouter,
  openEventStream,
  parseRequest,
  znodePath,
  type RunningServer,
} from './index.ts';

// A small service built from the shared parts, the way a pattern service uses them; no ZooKeeper.
describe('a service built on shared/src/http', () => {
  let server: RunningServer;
  let ready = true;
  const streamsEnded: string[] = [];
  const registry = createMetricsRegistry();
  const requests = new Counter({ name: 'demo_requests_total', help: 'demo', registers: [registry] });

  beforeAll(async () => {
    const routes = Router();
    routes.post('/nodes', (request, response) => {
      const { body } = parseRequest(request, { body: z.object({ path: znodePath, data: z.string() }) });
      requests.inc();
      response.status(201).json({ created: body.path });
    });
    routes.get('/missing', () => {
      throw new ZooKeeperError('NONODE', { operation: 'getData', path: '/missing' });
    });
    routes.get('/lost', async () => {
      throw new ZooKeeperError('CONNECTIONLOSS', { operation: 'getData', path: '/x' });
    });
    routes.get('/lock-timeout', async () => {
      throw new RecipeError('TIMEOUT', 'Mutex', '/locks/a', 'not acquired within 100 ms');
    });
    routes.get('/corrupt', async () => {
      throw new RecipeError('CORRUPT_DATA', 'DistributedQueue', '/queue/q-1', 'not a JSON document');
    });
    routes.get('/bug', () => {
      throw new TypeError('cannot read properties of undefined');
    });
    routes.get('/stream', (_request, response) => {
      const stream = openEventStream(response, { heartbeatMs: 50 });
      stream.signal.addEventListener('abort', () => streamsEnded.push('stream'));
      stream.send('hello', { n: 1 });
    });
    const app = createApp({
      logger: pino({ level: 'silent' }),
      bodyLimit: '10kb',
      routes: [
        healthRouter({ session: () => ({ ready, detail: ready ? 'ok' : 'lost' }) }),
        metricsRouter(registry),
        routes,
      ],
    });
    server = await listen(app);
  });

  afterAll(async () => {
    await server?.close();
  });

  const post = (body: string, contentType = 'application/json') =>
    fetch(`${server.url}/nodes`, { method: 'POST', headers: { 'content-type': contentType }, body });

  it('accepts a valid request', async () => {
    const response = await post(JSON.stringify({ path: '/a', data: 'x' }));
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ created: '/a' });
  });

  it.each([
    ['malformed JSON', 400, 'MALFORMED_JSON', '{"path": "/a",'],
    ['a JSON string instead of an object', 400, 'MALFORMED_JSON', '"just a string"'],
    ['a wrong type', 400, 'INVALID_REQUEST', JSON.stringify({ path: '/a', data: 42 })],
    ['a bad znode path', 400, 'INVALID_REQUEST', JSON.stringify({ path: 'a//b', data: '' })],
    ['an oversize body', 413, 'PAYLOAD_TOO_LARGE', JSON.stringify({ path: '/a', data: 'x'.repeat(20_000) })],
  ])('answers %s with a JSON %i %s', async (_case, status, code, body) => {
    const response = await post(body);
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code);
  });

  it('treats a body that is not JSON at all as missing, which validation rejects', async () => {
    const response = await post('path=/a', 'application/x-www-form-urlencoded');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'INVALID_REQUEST', message: /^body: / } });
  });

  it('maps ZooKeeper errors with their code and path, and asks to retry after a connection loss', async () => {
    const missing = await fetch(`${server.url}/missing`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'NONODE', details: { path: '/missing' } } });
    const lost = await fetch(`${server.url}/lost`);
    expect(lost.status).toBe(503);
    expect(lost.headers.get('retry-after')).toBe('1');
  });

  it("maps a recipe's failures: a wait that ran out asks to retry, unreadable data is the service's fault", async () => {
    const timedOut = await fetch(`${server.url}/lock-timeout`);
    expect(timedOut.status).toBe(503);
    expect(timedOut.headers.get('retry-after')).toBe('1');
    expect(await timedOut.json()).toMatchObject({
      error: { code: 'TIMEOUT', details: { recipe: 'Mutex', path: '/locks/a' } },
    });
    const corrupt = await fetch(`${server.url}/corrupt`);
    expect(corrupt.status).toBe(500);
    expect(corrupt.headers.get('retry-after')).toBeNull();
    expect(await corrupt.json()).toMatchObject({
      error: { code: 'CORRUPT_DATA', details: { path: '/queue/q-1' } },
    });
  });

  it('answers a bug with a bare 500 and unknown routes with a JSON 404', async () => {
    const bug = await fetch(`${server.url}/bug`);
    expect(bug.status).toBe(500);
    expect(await bug.json()).toEqual({ error: { code: 'INTERNAL', message: 'internal error' } });
    const unknown = await fetch(`${server.url}/nowhere`, { method: 'DELETE' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({
      error: { code: 'NOT_FOUND', message: 'no route for DELETE /nowhere' },
    });
  });

  it('is alive whatever its dependencies say, and ready only when they are', async () => {
    ready = false;
    const notReady = await fetch(`${server.url}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({
      status: 'not-ready',
      checks: { session: { ready: false, detail: 'lost' } },
    });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    ready = true;
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  });

  it('serves its registry in the Prometheus text format, process metrics included', async () => {
    const response = await fetch(`${server.url}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toMatch(/^demo_requests_total 1$/m);
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
  });

  it('streams events with heartbeats and notices when the client goes away', async () => {
    const abort = new AbortController();
    const response = await fetch(`${server.url}/stream`, { signal: abort.signal });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let received = '';
    while (!received.includes(': heartbeat')) received += (await reader.read()).value ?? '';
    expect(received).toContain('event: hello\ndata: {"n":1}\n\n');
    abort.abort();
    await eventually(() => expect(streamsEnded).toEqual(['stream']));
  });

  it('finishes requests in flight when closing, closes idle connections at once, then refuses new ones', async () => {
    const slowApp = createApp({
      logger: pino({ level: 'silent' }),
      routes: [
        Router().get('/slow', async (_request, response) => {
          await new Promise((resolve) => setTimeout(resolve, 200));
          response.json({ done: true });
        }),
      ],
    });
    const slow = await listen(slowApp);
    const inFlight = fetch(`${slow.url}/slow`).then((response) => response.json());
    await eventually(async () => expect(await connectionCount(slow)).toBe(1));
    const started = Date.now();
    await slow.close({ graceMs: 5_000 });
    expect(await inFlight).toEqual({ done: true });
    // Neither the answered keep-alive connection nor a silent one waits out the grace period.
    expect(Date.now() - started).toBeLessThan(2_000);
    await expect(fetch(`${slow.url}/slow`)).rejects.toThrow();
  });
});

function connectionCount(running: RunningServer): Promise<number> {
  return new Promise((resolve, reject) =>
    running.server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
  );
}

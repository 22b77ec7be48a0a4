import { Router } from 'express';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../../test-support/raw-http.ts';
import {
  createApp,
  csrfProtection,
  CSRF_HEADER,
  hostCheck,
  isLoopbackHost,
  listen,
  sameOriginReads,
  type CsrfProtection,
  type RunningServer,
} from './index.ts';

// A service guarded the way the monitor is, without ZooKeeper: the refusals are the service's.
describe('request guards: Host check and CSRF protection', () => {
  let server: RunningServer;
  let csrf: CsrfProtection;
  let port: number;
  const changed: string[] = [];

  beforeAll(async () => {
    csrf = csrfProtection();
    const routes = Router();
    routes.get('/data', (_request, response) => {
      response.json({ secret: 'tree' });
    });
    routes.get('/stream', sameOriginReads(), (_request, response) => {
      response.json({ streaming: true });
    });
    routes.post('/kill', (request, response) => {
      changed.push(JSON.stringify(request.body));
      response.json({ killed: true });
    });
    const app = createApp({
      logger: pino({ level: 'silent' }),
      guards: [hostCheck({ allowedHosts: ['monitor', 'proxy.example:443'] }), csrf.guard],
      routes: [csrf.tokenRouter('/csrf-token'), routes],
    });
    server = await listen(app);
    port = server.port;
  });

  afterAll(async () => {
    await server?.close();
  });

  const own = () => `http://127.0.0.1:${port}`;
  const sameOriginPost = (headers: Record<string, string> = {}) =>
    rawRequest(`${server.url}/kill`, {
      method: 'POST',
      headers: { origin: own(), [CSRF_HEADER]: csrf.token, 'content-type': 'application/json', ...headers },
      body: '{"id":1}',
    });

  it.each([
    ['127.0.0.1 on its port', () => `127.0.0.1:${port}`],
    ['localhost on its port', () => `localhost:${port}`],
    ['[::1] on its port', () => `[::1]:${port}`],
    ['an allowed name on any port', () => 'monitor:8080'],
    ['an allowed name:port', () => 'proxy.example:443'],
  ])('answers a Host of %s', async (_case, host) => {
    const response = await rawRequest(`${server.url}/data`, { headers: { host: host() } });
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ secret: 'tree' });
  });

  it.each([
    ['a rebound name', () => `evil.example:${port}`],
    ['localhost on another port', () => `localhost:${port + 1}`],
    ['localhost without a port (80)', () => 'localhost'],
    ['an allowed name:port on another port', () => 'proxy.example:8443'],
    ['a look-alike of an allowed name', () => 'monitor.evil.example'],
  ])('refuses a Host of %s with 403 FORBIDDEN_HOST', async (_case, host) => {
    const response = await rawRequest(`${server.url}/data`, { headers: { host: host() } });
    expect(response.status).toBe(403);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.json).toMatchObject({
      error: {
        code: 'FORBIDDEN_HOST',
        details: { host: host(), allowed: expect.arrayContaining([`localhost:${port}`]) },
      },
    });
    expect(response.text).not.toContain('tree');
  });

  it('accepts a same-origin POST with the token', async () => {
    const response = await sameOriginPost();
    expect(response.status).toBe(200);
    expect(changed.at(-1)).toBe('{"id":1}');
    const viaFetchMetadata = await sameOriginPost({ origin: '', 'sec-fetch-site': 'same-origin' });
    expect(viaFetchMetadata.status).toBe(200);
  });

  it.each([
    ['no Origin (a form or a bodyless fetch from another site)', { origin: '' }, 'ORIGIN_REQUIRED'],
    ['the Origin of another site', { origin: 'http://evil.example' }, 'CROSS_ORIGIN_REQUEST'],
    ['the Origin of another port', { origin: 'http://127.0.0.1:1' }, 'CROSS_ORIGIN_REQUEST'],
    ['Origin null (a sandboxed frame)', { origin: 'null' }, 'CROSS_ORIGIN_REQUEST'],
    ['Sec-Fetch-Site: cross-site', { origin: '', 'sec-fetch-site': 'cross-site' }, 'CROSS_SITE_REQUEST'],
    ['Sec-Fetch-Site: same-site', { 'sec-fetch-site': 'same-site' }, 'CROSS_SITE_REQUEST'],
    ['no token', { [CSRF_HEADER]: '' }, 'CSRF_TOKEN_MISSING'],
    ['a wrong token', { [CSRF_HEADER]: 'x'.repeat(43) }, 'CSRF_TOKEN_INVALID'],
    ['a token of another length', { [CSRF_HEADER]: 'short' }, 'CSRF_TOKEN_INVALID'],
  ])('refuses a POST with %s: 403 %s, and the route never runs', async (_case, headers, code) => {
    const before = changed.length;
    const response = await sameOriginPost(headers as Record<string, string>);
    expect(response.status).toBe(403);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.json).toMatchObject({ error: { code } });
    expect(changed.length).toBe(before);
  });

  it('refuses a cross-site POST before reading its body', async () => {
    const response = await rawRequest(`${server.url}/kill`, {
      method: 'POST',
      headers: { origin: 'http://evil.example', 'content-type': 'application/json' },
      body: '{"not json',
    });
    expect(response.status).toBe(403);
    expect(response.json).toMatchObject({ error: { code: 'CROSS_ORIGIN_REQUEST' } });
  });

  it('hands the token only to pages of the service (the Host check guards the GET)', async () => {
    const response = await rawRequest(`${server.url}/csrf-token`);
    expect(response.json).toEqual({ header: CSRF_HEADER, token: csrf.token });
    expect(response.headers['cache-control']).toBe('no-store');
    const rebound = await rawRequest(`${server.url}/csrf-token`, {
      headers: { host: `evil.example:${port}` },
    });
    expect(rebound.status).toBe(403);
    expect(rebound.text).not.toContain(csrf.token);
    // Each start has its own token.
    expect(csrfProtection().token).not.toBe(csrf.token);
  });

  it('lets reads marked as cross-site be refused where they cost something, and curl through', async () => {
    expect((await rawRequest(`${server.url}/stream`)).status).toBe(200);
    expect(
      (await rawRequest(`${server.url}/stream`, { headers: { 'sec-fetch-site': 'same-origin' } })).status,
    ).toBe(200);
    const crossSite = await rawRequest(`${server.url}/stream`, {
      headers: { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' },
    });
    expect(crossSite.status).toBe(403);
    expect(crossSite.json).toMatchObject({ error: { code: 'CROSS_ORIGIN_REQUEST' } });
  });

  it('tells loopback hosts from the others', () => {
    for (const host of [
      '127.0.0.1',
      '127.1.2.3',
      'localhost',
      'LOCALHOST',
      '::1',
      '[::1]',
      '::ffff:127.0.0.1',
    ])
      expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '192.168.1.10', 'example.com', 'localhost.example.com', '128.0.0.1'])
      expect(isLoopbackHost(host), host).toBe(false);
  });

  it('rejects an allowed host it cannot parse when the service is built', () => {
    expect(() => hostCheck({ allowedHosts: ['http://monitor'] })).toThrow(TypeError);
  });
});

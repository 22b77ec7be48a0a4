import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, useZooKeeper } from '../../test-support/index.ts';
import { rawRequest } from '../../test-support/raw-http.ts';
import { startMonitor, type MonitorService } from './index.ts';

const zk = useZooKeeper('monitor');

interface EnsembleJson {
  controls: boolean;
  summary: { members: number; leaderPresent: boolean; leaderId: number | null; serving: number };
  members: {
    id: number;
    address: string;
    mode: string;
    zxid: string | null;
    epoch: number;
    znodes: number;
  }[];
}

describe('the monitoring service against the shared ensemble', () => {
  let monitor: MonitorService;
  const api = (path: string, init?: RequestInit) => fetch(`${monitor.url}${path}`, init);
  const json = async <T = unknown>(
    path: string,
    init?: RequestInit,
  ): Promise<{ status: number; body: T }> => {
    const response = await api(path, init);
    return { status: response.status, body: (await response.json()) as T };
  };
  const query = (path: string, parameters: Record<string, string>) =>
    `${path}?${new URLSearchParams(parameters).toString()}`;

  beforeAll(async () => {
    monitor = await startMonitor({
      connectString: zk.ensembleConnectString,
      pollIntervalMs: 500,
      heartbeatMs: 200,
      logger: pino({ level: 'silent' }),
    });
  });

  afterAll(async () => {
    await monitor?.close();
  });

  it('lists the three members with exactly one leader, and is ready', async () => {
    const ensemble = await eventually(async () => {
      const { body } = await json<EnsembleJson>('/api/ensemble');
      expect(body.members.map((member) => member.mode).sort()).toEqual(['follower', 'follower', 'leader']);
      return body;
    });
    expect(ensemble.controls).toBe(false);
    expect(ensemble.summary).toMatchObject({ members: 3, serving: 3, leaderPresent: true });
    const leader = ensemble.members.find((member) => member.mode === 'leader')!;
    expect(ensemble.summary.leaderId).toBe(leader.id);
    for (const member of ensemble.members) {
      expect(zk.ensembleConnectString.split(',')).toContain(member.address);
      expect(member.zxid).toMatch(/^0x[0-9a-f]+$/);
      expect(member.epoch).toBe(Number(BigInt(member.zxid!) >> 32n));
      expect(member.znodes).toBeGreaterThan(0);
    }
    await eventually(async () => expect((await api('/readyz')).status).toBe(200));
  });

  it('exposes per-member and ensemble series at /metrics', async () => {
    const text = await eventually(async () => {
      const body = await (await api('/metrics')).text();
      expect(body).toContain('zk_ensemble_leader_present 1');
      return body;
    });
    for (const address of zk.ensembleConnectString.split(',')) {
      const labels = `zk_host="${address.replace(/\./g, '\\.')}"`;
      expect(text).toMatch(new RegExp(`^zk_up\\{server_id="\\d",${labels}\\} 1$`, 'm'));
      expect(text).toMatch(new RegExp(`^zk_znode_count\\{server_id="\\d",${labels}\\} \\d+$`, 'm'));
      expect(text).toMatch(new RegExp(`^zk_avg_latency\\{server_id="\\d",${labels}\\} `, 'm'));
    }
    expect(text.match(/^zk_server_state\{.*state="leader"\} 1$/gm)).toHaveLength(1);
    expect(text.match(/^zk_server_state\{.*state="follower"\} 1$/gm)).toHaveLength(2);
    expect(text).toMatch(/^zk_ensemble_serving_members 3$/m);
  });

  it('lists children with their Stat and shows a node with data, Stat and ACL', async () => {
    const client = await zk.connect();
    await client.create('/tree', '');
    await client.create('/tree/config', '{"retries":3}');
    await client.create('/tree/blob', Buffer.from([0, 1, 255]));
    await client.create('/tree/config/child', 'text');
    const root = `${zk.chroot}/tree`;

    const tree = await json<{ children: { name: string; path: string; stat: { numChildren: number } }[] }>(
      query('/api/tree', { path: root }),
    );
    expect(tree.status).toBe(200);
    expect(tree.body.children.map(({ name, path, stat }) => [name, path, stat.numChildren])).toEqual([
      ['blob', `${root}/blob`, 0],
      ['config', `${root}/config`, 1],
    ]);

    const limited = await json<{ children: unknown[]; truncated: boolean }>(
      query('/api/tree', { path: root, limit: '1' }),
    );
    expect(limited.body).toMatchObject({ children: [{ name: 'blob' }], truncated: true });

    const config = await json(query('/api/node', { path: `${root}/config` }));
    expect(config).toMatchObject({
      status: 200,
      body: {
        path: `${root}/config`,
        data: { format: 'json', json: { retries: 3 }, text: '{"retries":3}' },
        stat: { version: 0, numChildren: 1, dataLength: 13, ephemeralOwner: null },
        acl: [{ scheme: 'world', id: 'anyone', perms: 'cdrwa' }],
      },
    });
    const blob = await json(query('/api/node', { path: `${root}/blob` }));
    expect(blob.body).toMatchObject({ data: { format: 'binary', hex: '0001ff', text: null } });
  });

  it('answers a missing node with 404 NONODE and its path', async () => {
    const path = `${zk.chroot}/does-not-exist`;
    for (const endpoint of ['/api/node', '/api/tree']) {
      const { status, body } = await json(query(endpoint, { path }));
      expect(status).toBe(404);
      expect(body).toMatchObject({ error: { code: 'NONODE', details: { path } } });
    }
  });

  it.each([
    ['a relative path', '/api/node?path=relative'],
    ['a trailing slash', '/api/tree?path=/a/'],
    ['a missing path', '/api/node'],
    ['a repeated parameter', '/api/tree?path=/a&path=/b'],
    ['a limit that is not a number', '/api/tree?path=/&limit=lots'],
    ['a limit out of range', '/api/tree?path=/&limit=0'],
    ['a bad path for events', '/api/events?path=a//b'],
  ])('answers %s with 400 INVALID_REQUEST', async (_case, url) => {
    const { status, body } = await json(url);
    expect(status).toBe(400);
    expect(body).toMatchObject({
      error: { code: 'INVALID_REQUEST', details: { issues: expect.any(Array) } },
    });
  });

  it('streams changes made by another client, then removes its watch when the browser leaves', async () => {
    const client = await zk.connect();
    await client.create('/events', '');
    const watched = `${zk.chroot}/events`;
    const abort = new AbortController();
    const response = await api(query('/api/events', { path: watched }), { signal: abort.signal });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const stream = readEvents(response);
    expect(await stream.next('ready')).toEqual({ path: watched });
    expect(monitor.client.watchCount).toBe(1);

    const { stat: created } = await client.create2('/events/job-1', 'new');
    expect(await stream.next('change')).toEqual({
      type: 'created',
      path: `${watched}/job-1`,
      zxid: `0x${created.czxid.toString(16)}`,
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    const changed = await client.setData('/events/job-1', 'changed');
    expect(await stream.next('change')).toMatchObject({
      type: 'dataChanged',
      path: `${watched}/job-1`,
      zxid: `0x${changed.mzxid.toString(16)}`,
    });
    await client.delete('/events/job-1');
    expect(await stream.next('change')).toMatchObject({
      type: 'deleted',
      path: `${watched}/job-1`,
      zxid: null,
    });
    // Silence is filled with comment lines, so proxies keep the stream open.
    expect(await stream.next(':comment')).toMatch(/^ heartbeat /);

    abort.abort();
    await eventually(() => expect(monitor.client.watchCount).toBe(0));
  });

  it('turns malformed input into 4xx JSON and keeps serving', async () => {
    const { token, header } = (await json<{ token: string; header: string }>('/api/csrf-token')).body;
    // As the dashboard sends it: same origin, with the token.
    const post = (path: string, body: string) =>
      json(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: monitor.url, [header]: token },
        body,
      });
    expect(await post('/api/members/1/kill', '{"oops":')).toMatchObject({
      status: 400,
      body: { error: { code: 'MALFORMED_JSON' } },
    });
    expect(
      await post('/api/members/1/kill', JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) })),
    ).toMatchObject({
      status: 413,
      body: { error: { code: 'PAYLOAD_TOO_LARGE' } },
    });
    // Monitoring an external ensemble: no fault injection.
    expect(await post('/api/members/1/kill', '{}')).toMatchObject({
      status: 404,
      body: { error: { code: 'NOT_FOUND' } },
    });
    expect((await api('/api/node?path=%E0%A4%A')).status).toBe(400);
    expect((await api('/healthz')).status).toBe(200);
  });

  it.each([
    ['a cross-site POST without Origin (a form on another site)', {}, 'ORIGIN_REQUIRED'],
    ['a POST from another origin', { origin: 'http://evil.example' }, 'CROSS_ORIGIN_REQUEST'],
    ['a POST marked cross-site by the browser', { 'sec-fetch-site': 'cross-site' }, 'CROSS_SITE_REQUEST'],
    ['a same-origin POST without the token', { origin: 'SELF' }, 'CSRF_TOKEN_MISSING'],
    [
      'a same-origin POST with a stale token',
      { origin: 'SELF', 'x-csrf-token': 'stale' },
      'CSRF_TOKEN_INVALID',
    ],
  ])('refuses %s with 403 JSON %s', async (_case, headers: Record<string, string>, code) => {
    const response = await rawRequest(`${monitor.url}/api/members/1/kill`, {
      method: 'POST',
      headers: Object.fromEntries(
        Object.entries(headers).map(([name, value]) => [name, value === 'SELF' ? monitor.url : value]),
      ),
    });
    expect(response.status).toBe(403);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.json).toMatchObject({ error: { code, message: expect.any(String) } });
  });

  it.each([
    ['the znode API', '/api/tree?path=/'],
    ['a node', '/api/node?path=/zookeeper/config'],
    ['the event stream', '/api/events?path=/'],
    ['the ensemble', '/api/ensemble'],
    ['the CSRF token', '/api/csrf-token'],
  ])('refuses %s to a DNS-rebound page (a foreign Host) with 403 JSON', async (_case, path) => {
    const port = new URL(monitor.url).port;
    const response = await rawRequest(`${monitor.url}${path}`, {
      headers: { host: `rebound.example:${port}` },
    });
    expect(response.status).toBe(403);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.json).toMatchObject({
      error: { code: 'FORBIDDEN_HOST', details: { host: `rebound.example:${port}` } },
    });
    // Nothing was set up for it: no watch for a refused stream.
    expect(monitor.streamStats().open).toBe(0);
  });

  it('refuses an event stream opened by a page of another site', async () => {
    const response = await rawRequest(`${monitor.url}/api/events?path=/`, {
      headers: { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' },
    });
    expect(response.status).toBe(403);
    expect(response.json).toMatchObject({ error: { code: 'CROSS_ORIGIN_REQUEST' } });
    expect(monitor.client.watchCount).toBe(0);
  });

  it('serves the dashboard and its modules from the service itself', async () => {
    const page = await api('/');
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await page.text();
    expect(html).toContain('data-testid="ensemble-table"');
    expect(html).not.toMatch(/https?:\/\//);
    const script = await api('/js/main.js');
    expect(script.headers.get('content-type')).toMatch(/javascript/);
  });
});

/**
 * Reads an SSE response event by event: `next(name)` waits for the next event of that name
 * (":comment" for comment lines) and returns its data.
 */
function readEvents(response: Response) {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: { event: string; data: unknown }[] = [];
  let buffer = '';
  const pump = async (): Promise<void> => {
    const { value, done } = await reader.read();
    if (done) throw new Error('the event stream ended');
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (block.startsWith(':')) events.push({ event: ':comment', data: block.slice(1) });
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event && data) events.push({ event, data: JSON.parse(data) });
    }
  };
  return {
    async next(name: string): Promise<unknown> {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const index = events.findIndex((entry) => entry.event === name);
        if (index >= 0) return events.splice(index, 1)[0]!.data;
        if (Date.now() > deadline) throw new Error(`no "${name}" event within 10 s`);
        await pump();
      }
    },
  };
}

import { request } from 'node:http';
import { pino } from 'pino';
import { expect } from 'vitest';

/** Test services log nothing unless LOG_LEVEL asks. */
export const quietLogger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });

export const ADMIN_SECRET = 'test-admin-secret';

export function basicAuth(user: string, secret: string): string {
  return `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
}

export const adminHeaders = {
  'content-type': 'application/json',
  authorization: basicAuth('admin', ADMIN_SECRET),
};

export async function getJson<T = unknown>(
  url: string,
  init?: RequestInit,
): Promise<{ status: number; body: T }> {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** PUT /api/config/:key as the admin; fails the test unless ZooKeeper acknowledged the write. */
export async function publish(
  publisherUrl: string,
  key: string,
  value: string,
): Promise<{ key: string; value: string; version: number; mzxid: string }> {
  const { status, body } = await getJson<{ key: string; value: string; version: number; mzxid: string }>(
    `${publisherUrl}/api/config/${key}`,
    { method: 'PUT', headers: adminHeaders, body: JSON.stringify({ value }) },
  );
  expect([200, 201], JSON.stringify(body)).toContain(status);
  return body;
}

/**
 * The keys' mzxids in the order a subscriber applied them must only grow: a subscriber that went
 * back to an older value, even for a moment, served a stale one.
 */
export function expectNeverWentBack(
  changes: readonly { type: string; key?: string; mzxid?: string }[],
): void {
  const last = new Map<string, bigint>();
  for (const change of changes) {
    if (change.type !== 'set' || !change.key || !change.mzxid) continue;
    const zxid = BigInt(change.mzxid);
    const before = last.get(change.key);
    if (before !== undefined) expect(zxid, `${change.key} went back`).toBeGreaterThan(before);
    last.set(change.key, zxid);
  }
}

/** GET with a Host header of our choosing (fetch will not send one): a DNS-rebinding page's request. */
export function getWithHost(
  url: string,
  host: string,
): Promise<{ status: number; body: { error: { code: string } } }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { headers: { host } }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

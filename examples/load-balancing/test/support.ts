import { pino } from 'pino';
import { GATEWAY_ATTEMPTS_HEADER, GATEWAY_PROVIDER_HEADER } from '../src/index.ts';

/** Test services log nothing unless LOG_LEVEL asks. */
export const quietLogger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });

export interface ProxiedAnswer<T = Record<string, unknown>> {
  status: number;
  /** the provider the gateway says answered (x-gateway-provider), if any */
  provider: string | undefined;
  attempts: number;
  body: T;
}

/** One request through the gateway, with who answered it and after how many attempts. */
export async function through<T = Record<string, unknown>>(
  gatewayUrl: string,
  path: string,
  init?: RequestInit,
): Promise<ProxiedAnswer<T>> {
  const response = await fetch(`${gatewayUrl}${path}`, init);
  const text = await response.text();
  return {
    status: response.status,
    provider: response.headers.get(GATEWAY_PROVIDER_HEADER) ?? undefined,
    attempts: Number(response.headers.get(GATEWAY_ATTEMPTS_HEADER) ?? 0),
    body: (text ? JSON.parse(text) : undefined) as T,
  };
}

export async function getJson<T = unknown>(
  url: string,
  init?: RequestInit,
): Promise<{ status: number; body: T }> {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** Headers a state-changing call to the gateway's own API needs: its Origin and its CSRF token. */
export async function gatewayWriteHeaders(gatewayUrl: string): Promise<Record<string, string>> {
  const { body } = await getJson<{ header: string; token: string }>(`${gatewayUrl}/gateway/csrf`);
  return { 'content-type': 'application/json', origin: gatewayUrl, [body.header]: body.token };
}

export async function putJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  return getJson<Record<string, unknown> & { error?: { code: string } }>(url, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

/** Counts how many of the answers each provider gave. */
export function tally(answers: readonly { provider: string | undefined }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { provider } of answers) counts[provider ?? 'none'] = (counts[provider ?? 'none'] ?? 0) + 1;
  return counts;
}

import { pino } from 'pino';

/** Test services log nothing unless LOG_LEVEL asks. */
export const quietLogger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });

export interface JsonAnswer<T> {
  status: number;
  body: T;
  headers: Headers;
}

export async function requestJson<T = unknown>(
  url: string,
  method = 'GET',
  body?: unknown,
): Promise<JsonAnswer<T>> {
  const response = await fetch(url, {
    method,
    ...(body !== undefined && {
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: (text ? JSON.parse(text) : undefined) as T,
    headers: response.headers,
  };
}

export type ErrorAnswer = { error: { code: string; message: string } };
export type TakenAnswer = { type: string; generator: string; names: string[] };

// The monitor's JSON API. Failures arrive as { error: { code, message, details } } with a 4xx/5xx.

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export function apiUrl(path, params = {}) {
  const url = new URL(path, window.location.origin);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.pathname + url.search;
}

export async function getJson(url, { signal } = {}) {
  return readJson(await fetch(url, { signal, headers: { accept: 'application/json' }, cache: 'no-store' }));
}

export async function postJson(url) {
  return readJson(await fetch(url, { method: 'POST', headers: { accept: 'application/json' } }));
}

async function readJson(response) {
  let body;
  try {
    body = await response.json();
  } catch {
    throw new ApiError(
      response.status,
      `HTTP_${response.status}`,
      `HTTP ${response.status} without a JSON body`,
    );
  }
  if (!response.ok) {
    const error = body && body.error ? body.error : {};
    throw new ApiError(
      response.status,
      error.code ?? `HTTP_${response.status}`,
      error.message ?? `HTTP ${response.status}`,
      error.details,
    );
  }
  return body;
}

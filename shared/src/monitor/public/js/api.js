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

// State-changing requests carry the monitor's per-start token (see shared/src/http/csrf-protection.ts);
// the browser adds the Origin header itself. Fetched once, and again if the monitor restarted.
let csrf = null;

function csrfToken({ fresh = false } = {}) {
  if (fresh || !csrf) {
    csrf = getJson('/api/csrf-token').catch((error) => {
      csrf = null;
      throw error;
    });
  }
  return csrf;
}

export async function postJson(url) {
  const send = async (fresh) => {
    const { header, token } = await csrfToken({ fresh });
    return fetch(url, { method: 'POST', headers: { accept: 'application/json', [header]: token } });
  };
  let response = await send(false);
  if (response.status === 403) {
    const body = await response
      .clone()
      .json()
      .catch(() => null);
    if (body?.error?.code === 'CSRF_TOKEN_INVALID') response = await send(true);
  }
  return readJson(response);
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

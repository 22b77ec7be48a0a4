/**
 * How the tests (and the bench) talk to the Configurator: JSON over fetch, as a same-origin page
 * would — the Origin header and the per-start CSRF token on every change — with an editor's Basic
 * credentials when given.
 */
export interface ApiAnswer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

export class ConfiguratorApi {
  private csrf: { header: string; token: string } | undefined;

  constructor(
    readonly url: string,
    private readonly credentials?: { user: string; password: string },
  ) {}

  as(user: string, password: string): ConfiguratorApi {
    return new ConfiguratorApi(this.url, { user, password });
  }

  get<T = Record<string, unknown>>(path: string): Promise<ApiAnswer<T>> {
    return this.request<T>('GET', path);
  }
  post<T = Record<string, unknown>>(path: string, body?: unknown): Promise<ApiAnswer<T>> {
    return this.request<T>('POST', path, body);
  }
  put<T = Record<string, unknown>>(path: string, body?: unknown): Promise<ApiAnswer<T>> {
    return this.request<T>('PUT', path, body);
  }

  async request<T>(method: string, path: string, body?: unknown, rawBody?: string): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined || rawBody !== undefined) headers['content-type'] = 'application/json';
    if (this.credentials)
      headers.authorization = `Basic ${Buffer.from(`${this.credentials.user}:${this.credentials.password}`).toString('base64')}`;
    if (method !== 'GET') {
      this.csrf ??= (await (await fetch(`${this.url}/api/csrf-token`)).json()) as {
        header: string;
        token: string;
      };
      headers[this.csrf.header] = this.csrf.token;
      headers.origin = this.url;
    }
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers,
      ...(rawBody !== undefined
        ? { body: rawBody }
        : body !== undefined
          ? { body: JSON.stringify(body) }
          : {}),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new Error(`${method} ${path} answered ${response.status} without JSON: ${text.slice(0, 200)}`);
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }
}

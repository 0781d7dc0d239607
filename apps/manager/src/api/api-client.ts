/** An API answer other than 2xx, with the message of Evolution's error envelope. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The gateway's base URL (SERVER_BASE_PATH included): the page is served at <base>/manager/. */
export function apiBase(): string {
  return new URL('..', document.baseURI).pathname.replace(/\/$/, '');
}

/** `{status, error, response:{message}}` → one readable line (message may be a list). */
function envelopeMessage(body: unknown, fallback: string): string {
  const message = (body as { response?: { message?: unknown } } | null)?.response?.message;
  if (Array.isArray(message)) return message.map(String).join('; ');
  if (typeof message === 'string' && message) return message;
  return fallback;
}

/** REST calls to the gateway with the key of the session (header `apikey`, never in a URL). */
export class ApiClient {
  constructor(readonly key: string) {}

  async call<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${apiBase()}${path}`, {
        method,
        headers: { apikey: this.key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
        credentials: 'omit',
      });
    } catch (err) {
      throw new ApiError(0, `The gateway cannot be reached (${(err as Error).message})`);
    }
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = text;
    }
    if (!res.ok) {
      const fallback = res.status === 401 ? 'Wrong API key' : `HTTP ${res.status}`;
      throw new ApiError(res.status, res.status === 401 ? 'Wrong API key: the gateway refused it' : envelopeMessage(parsed, fallback));
    }
    return parsed as T;
  }

  get<T>(path: string) {
    return this.call<T>('GET', path);
  }

  post<T>(path: string, body: unknown = {}) {
    return this.call<T>('POST', path, body);
  }
}

/** Path segment for an instance name (names may hold spaces and any script). */
export const seg = (name: string) => encodeURIComponent(name);

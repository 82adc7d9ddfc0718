/** A problem+json answer from the API, with the field it names when there is one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly field: string | undefined,
    readonly errors: { field: string; message: string }[] = [],
    /** The problem's stable type (`unavailable`, `invalid-field`, …): what the apps translate. */
    readonly type: string = '',
    /** Why a federation check refused (`grant-used`, …), where the problem says. */
    readonly reason: string = '',
  ) {
    super(detail || title);
  }
}

/** The network itself failed (offline, server down): distinct from an answer saying no. */
export class NetworkError extends Error {}

/** Fired when the server refuses the credential a request carried. */
export const UNAUTHORIZED_EVENT = 'healthcode:unauthorized';

export interface RequestOptions {
  token?: string | null;
  body?: unknown;
  /** Send `body` as it is with this content type instead of JSON. */
  contentType?: string;
  signal?: AbortSignal;
}

export async function api<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: BodyInit | undefined;
  if (options.body !== undefined) {
    headers['content-type'] = options.contentType ?? 'application/json';
    body = options.contentType ? (options.body as BodyInit) : JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(path, { method, headers, ...(body !== undefined ? { body } : {}), ...(options.signal ? { signal: options.signal } : {}) });
  } catch (error) {
    throw new NetworkError(error instanceof Error ? error.message : String(error));
  }
  const text = await response.text();
  const json = text ? (JSON.parse(text) as unknown) : undefined;
  if (!response.ok) {
    // A credential that has expired or been revoked: the app returns to its sign-in screen.
    if (response.status === 401 && options.token) dispatchEvent(new Event(UNAUTHORIZED_EVENT));
    const p = (json ?? {}) as { type?: string; title?: string; detail?: string; field?: string; errors?: { field: string; message: string }[]; reason?: string };
    throw new ApiError(response.status, p.title ?? response.statusText, p.detail ?? '', p.field, p.errors ?? [], (p.type ?? '').replace(/^\/problems\//, ''), p.reason ?? '');
  }
  return json as T;
}

/** Reads a value saved in localStorage as JSON; a missing or unreadable one is `fallback`. */
export function loadSaved<T>(key: string, fallback: T): T {
  try {
    const text = localStorage.getItem(key);
    return text === null ? fallback : (JSON.parse(text) as T);
  } catch {
    return fallback;
  }
}

export function save(key: string, value: unknown): void {
  if (value === null || value === undefined) localStorage.removeItem(key);
  else localStorage.setItem(key, JSON.stringify(value));
}

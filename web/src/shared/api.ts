import { retryAfterSeconds, retryDelayMs } from './retry.js';

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
    /** When the server said to come back (Retry-After), if it did. */
    readonly retryAfterSeconds: number | undefined = undefined,
    /** What is left of a refused one-time code (SignInProblem): its tries, and when a new one may be asked for. */
    readonly code: { attemptsLeft?: number; newCodeInSeconds?: number; newCodeAt?: number } = {},
  ) {
    super(detail || title);
  }
}

/** The network itself failed (offline, server down): distinct from an answer saying no. */
export class NetworkError extends Error {}

/** Fired when the server refuses the credential a request carried; the event's detail is that credential. */
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
  let waited = 0;
  for (let retries = 0; ; retries += 1) {
    let response: Response;
    try {
      response = await fetch(path, { method, headers, ...(body !== undefined ? { body } : {}), ...(options.signal ? { signal: options.signal } : {}) });
    } catch (error) {
      throw new NetworkError(error instanceof Error ? error.message : String(error));
    }
    const text = await response.text();
    const json = text ? (JSON.parse(text) as unknown) : undefined;
    if (response.ok) return json as T;
    // A credential that has expired or been revoked: the app returns to its sign-in screen.
    if (response.status === 401 && options.token) dispatchEvent(new CustomEvent(UNAUTHORIZED_EVENT, { detail: options.token }));
    const p = (json ?? {}) as { type?: string; title?: string; detail?: string; field?: string; errors?: { field: string; message: string }[]; reason?: string; attemptsLeft?: number; newCodeInSeconds?: number };
    const type = (p.type ?? '').replace(/^\/problems\//, '');
    const retryAfter = response.headers.get('retry-after');
    // A busy server says when to come back: the app does so by itself, a few times, before showing it.
    const delay = retryDelayMs({ method, status: response.status, type, retryAfter }, retries, Math.random(), waited);
    if (delay === undefined) {
      const code = { ...(typeof p.attemptsLeft === 'number' ? { attemptsLeft: p.attemptsLeft } : {}), ...(typeof p.newCodeInSeconds === 'number' ? { newCodeInSeconds: p.newCodeInSeconds, newCodeAt: Date.now() + p.newCodeInSeconds * 1000 } : {}) };
      throw new ApiError(response.status, p.title ?? response.statusText, p.detail ?? '', p.field, p.errors ?? [], type, p.reason ?? '', retryAfterSeconds(retryAfter), code);
    }
    await wait(delay, options.signal);
    waited += delay;
  }
}

/** Resolves after `ms`, or rejects as fetch does when `signal` aborts first. */
function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new NetworkError('aborted'));
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), reject(new NetworkError('aborted'))), { once: true });
  });
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

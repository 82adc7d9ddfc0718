import createClient from 'openapi-fetch';
import type { paths } from './api-schema.js';
import { retryAfterSeconds, retryDelayMs } from './retry.js';

/** A problem+json answer from the API, with the field it names when there is one. */
export class ApiError extends Error {
  /** When the server said to come back, as a time (kept, so the words do not drift as the screen stays open). */
  readonly retryAt: number | undefined;
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
    this.retryAt = retryAfterSeconds === undefined ? undefined : Date.now() + retryAfterSeconds * 1000;
  }
}

/** The network itself failed (offline, server down): distinct from an answer saying no. */
export class NetworkError extends Error {}

/** Fired when the server refuses the credential a request carried; the event's detail is that credential. */
export const UNAUTHORIZED_EVENT = 'healthcode:unauthorized';

interface Problem {
  type?: string;
  title?: string;
  detail?: string;
  field?: string;
  errors?: { field: string; message: string }[];
  reason?: string;
  attemptsLeft?: number;
  newCodeInSeconds?: number;
}

/** The ApiError a refused answer's problem+json body (already read as text) describes. */
export function problemError(status: number, statusText: string, text: string, retryAfter: string | null): ApiError {
  let p: Problem = {};
  try {
    p = (text ? JSON.parse(text) : {}) as Problem;
  } catch {
    // Not problem+json (a proxy's error page): the status line is all there is.
  }
  const type = (p.type ?? '').replace(/^\/problems\//, '');
  // A refused one-time code: when a new one may be asked for, kept as a time, so the words do not drift.
  const code = {
    ...(typeof p.attemptsLeft === 'number' ? { attemptsLeft: p.attemptsLeft } : {}),
    ...(typeof p.newCodeInSeconds === 'number' ? { newCodeInSeconds: p.newCodeInSeconds, newCodeAt: Date.now() + p.newCodeInSeconds * 1000 } : {}),
  };
  return new ApiError(status, p.title ?? statusText, p.detail ?? '', p.field, p.errors ?? [], type, p.reason ?? '', retryAfterSeconds(retryAfter), code);
}

/**
 * Sends a request the way every app call goes: a failed network is a NetworkError, a refusal an
 * ApiError (after asking again by itself when the server said when to), and a refused credential
 * fires UNAUTHORIZED_EVENT. Only successful answers reach openapi-fetch.
 */
export async function send(request: Request): Promise<Response> {
  let waited = 0;
  for (let retries = 0; ; retries += 1) {
    let response: Response;
    try {
      // A clone each time: a body can be read once, and a refused request may be sent again.
      response = await fetch(request.clone());
    } catch (error) {
      throw new NetworkError(error instanceof Error ? error.message : String(error));
    }
    if (response.ok) return response;
    const text = await response.text();
    const token = request.headers.get('authorization')?.replace(/^Bearer /, '');
    // A credential that has expired or been revoked: the app returns to its sign-in screen.
    if (response.status === 401 && token) dispatchEvent(new CustomEvent(UNAUTHORIZED_EVENT, { detail: token }));
    const refusal = problemError(response.status, response.statusText, text, response.headers.get('retry-after'));
    // A busy server says when to come back: the app does so by itself, a few times, before showing it.
    const delay = retryDelayMs({ method: request.method, status: response.status, type: refusal.type, retryAfter: response.headers.get('retry-after') }, retries, Math.random(), waited);
    if (delay === undefined) throw refusal;
    await wait(delay, request.signal);
    waited += delay;
  }
}

/**
 * The API, typed from the server's own OpenAPI document (api-schema.d.ts, `npm run api:schema`):
 * paths, parameters, bodies and answers are checked by the compiler against the routes' schemas.
 */
export const client = createClient<paths>({
  // The page's own origin: what a relative URL means in a browser, spelled out for Request.
  baseUrl: globalThis.location?.origin ?? '',
  fetch: send,
  headers: { accept: 'application/json, application/problem+json' },
});

/** The header a signed-in call carries; none without a credential. */
export function bearer(token: string | null | undefined): { authorization?: string } {
  return token ? { authorization: `Bearer ${token}` } : {};
}

/** The answer of a call; refusals have already been thrown by `send`, so there is one. */
export async function ok<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data } = await call;
  return data as T;
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

type Method = 'get' | 'post' | 'put' | 'delete' | 'patch';
type JsonOf<R> = R extends { content: { 'application/json': infer J } } ? J : never;
type SuccessOf<R> = JsonOf<R[Extract<keyof R, 200 | 201 | 202>]>;

/** What `method path` answers when it succeeds, as the server's schema declares it. */
export type Answer<P extends keyof paths, M extends Method = 'get'> = paths[P][M] extends { responses: infer R } ? SuccessOf<R> : never;
/** What `method path` takes as its JSON body. */
export type BodyOf<P extends keyof paths, M extends Method = 'post'> = paths[P][M] extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;

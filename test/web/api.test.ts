import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';

// The apps run on a page: the client resolves its paths against the page's origin.
(globalThis as { location?: unknown }).location ??= { origin: 'http://healthcode.test' };
// Loaded by a computed name: the module is compiled with web/'s DOM settings (npm run typecheck), not the server's.
const modulePath = '../../web/src/shared/api.js';
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const { ApiError, bearer, client, NetworkError, ok, UNAUTHORIZED_EVENT } = (await import(modulePath)) as any;

type Answer = { status: number; body?: unknown; headers?: Record<string, string> };

/** Stands in for the browser: fetch answers from `answers` in turn, and events fired are kept. */
function browser(answers: Answer[]): { requests: Request[]; events: CustomEvent[] } {
  const requests: Request[] = [];
  const events: CustomEvent[] = [];
  globalThis.fetch = (async (request: Request) => {
    requests.push(request);
    const a = answers.shift();
    if (!a) throw new TypeError('Failed to fetch');
    const text = a.body === undefined ? null : typeof a.body === 'string' ? a.body : JSON.stringify(a.body);
    return new Response(text, { status: a.status, headers: { 'content-type': a.status < 300 ? 'application/json' : 'application/problem+json', ...a.headers } });
  }) as typeof fetch;
  (globalThis as { dispatchEvent?: (e: Event) => boolean }).dispatchEvent = (e: Event) => (events.push(e as CustomEvent), true);
  return { requests, events };
}

const realFetch = globalThis.fetch;
const code = (token: string | null) => client.GET('/api/v1/residents/{id}/code', { params: { path: { id: 'r-1' } }, headers: bearer(token) });

describe('the typed API client', () => {
  beforeEach(() => {
    (globalThis as { CustomEvent?: unknown }).CustomEvent ??= class extends Event {
      constructor(type: string, readonly init?: { detail?: unknown }) {
        super(type);
      }
      get detail(): unknown {
        return this.init?.detail;
      }
    };
  });
  afterEach(() => {
    globalThis.fetch = realFetch;
  });

  it('sends the credential as a bearer token, to the path with its parameter filled in, and answers the body', async () => {
    const { requests } = browser([{ status: 200, body: { colour: 'green' } }]);
    assert.deepEqual(await ok(code('tok-1')), { colour: 'green' });
    assert.equal(new URL(requests[0]!.url, 'http://x').pathname, '/api/v1/residents/r-1/code');
    assert.equal(requests[0]!.headers.get('authorization'), 'Bearer tok-1');
  });

  it('turns a problem+json refusal into an ApiError with its field, type and reason', async () => {
    browser([{ status: 422, body: { type: '/problems/invalid-field', title: 'Invalid', detail: 'temperature is out of range', field: 'temperature', reason: 'grant-used' } }]);
    const error = await ok(code('tok-1')).catch((e: unknown) => e);
    assert.ok(error instanceof ApiError);
    assert.deepEqual([error.status, error.type, error.field, error.reason, error.detail], [422, 'invalid-field', 'temperature', 'grant-used', 'temperature is out of range']);
  });

  it('tells a failed network apart from a refusal', async () => {
    browser([]);
    await assert.rejects(ok(code(null)), NetworkError);
  });

  it('fires the unauthorized event with the credential the server refused', async () => {
    const { events } = browser([{ status: 401, body: { type: '/problems/unauthorized', title: 'Unauthorized' } }]);
    await assert.rejects(ok(code('expired-token')), ApiError);
    assert.deepEqual(
      events.map((e) => [e.type, e.detail]),
      [[UNAUTHORIZED_EVENT, 'expired-token']],
    );
  });

  it('asks again by itself after a refusal that says when to, sending the same body', async () => {
    const { requests } = browser([{ status: 503, body: { type: '/problems/overloaded', title: 'Busy' }, headers: { 'retry-after': '0' } }, { status: 201, body: { ok: true } }]);
    const answer = await ok(client.POST('/api/v1/residents/{id}/appeals', { params: { path: { id: 'r-1' } }, body: { message: '我没有去过那里' } }));
    assert.deepEqual(answer, { ok: true });
    assert.equal(requests.length, 2);
    assert.deepEqual(await Promise.all(requests.map((r) => r.clone().json())), [{ message: '我没有去过那里' }, { message: '我没有去过那里' }]);
  });

  it('stops waiting to ask again when the call is aborted', async () => {
    browser([{ status: 503, body: { type: '/problems/overloaded' }, headers: { 'retry-after': '5' } }]);
    const controller = new AbortController();
    const call = ok(client.GET('/api/v1/residents/{id}/code', { params: { path: { id: 'r-1' } }, signal: controller.signal }));
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(call, NetworkError);
  });
});

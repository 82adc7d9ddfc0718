import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { RegistrationInput } from '../../../../src/domain/resident.js';
import { describeOnEachEngine, type Harness } from '../../../support/harness.js';
import { GRANDMA_ZHANG, LIU_FANG, ZHANG_WEI } from '../../../support/people.js';
import { registerThroughApi, signedUpThroughApi } from '../../../support/sign-in.js';

/** Registers as the app does: the code to the phone, then the form with it. */
async function register(h: Harness, body: unknown) {
  return registerThroughApi(h, body as RegistrationInput);
}

/** Registers ZHANG_WEI through the API, which signs him in; returns his id and bearer header. */
async function signedIn(h: Harness, person = ZHANG_WEI): Promise<{ id: string; auth: { authorization: string } }> {
  return signedUpThroughApi(h, person);
}

describeOnEachEngine('HTTP API', (h) => {
  it('registers a resident with 201 and a masked summary', async () => {
    const response = await register(h(), ZHANG_WEI);
    assert.equal(response.statusCode, 201);
    assert.equal(response.json().maskedName, '张*');
    assert.ok(!response.body.includes(ZHANG_WEI.idNumber));
  });

  it('answers a taken ID number with 409 identity-taken that reveals nothing of the account holding it', async () => {
    await register(h(), ZHANG_WEI);
    const response = await register(h(), { ...ZHANG_WEI, name: '冒名者', phone: '13700001111' });
    assert.equal(response.statusCode, 409);
    assert.match(response.headers['content-type'] as string, /^application\/problem\+json/);
    const body = response.json();
    assert.equal(body.type, '/problems/identity-taken');
    assert.equal(body.field, 'idNumber');
    assert.ok(!response.body.includes('张') && !response.body.includes('2026-11-20') && !response.body.includes('139'));
  });

  it('names the field of a domain error with 422', async () => {
    const response = await register(h(), { ...ZHANG_WEI, address: { region: '330199', detail: '某路 1 号' } });
    assert.equal(response.statusCode, 422);
    assert.deepEqual(
      { type: response.json().type, field: response.json().field },
      { type: '/problems/invalid-field', field: 'address.region' },
    );
  });

  it('names a missing field with 400', async () => {
    const { name: _omitted, ...withoutName } = ZHANG_WEI;
    const response = await register(h(), withoutName);
    assert.equal(response.statusCode, 400);
    assert.equal(response.json().field, 'name');
    assert.equal(response.json().type, '/problems/malformed-request');
  });

  it('refuses unknown fields instead of dropping them', async () => {
    const response = await register(h(), { ...ZHANG_WEI, ethnicity: '汉' });
    assert.equal(response.statusCode, 400);
    assert.equal(response.json().field, 'ethnicity');
  });

  it('does not coerce a number into a name', async () => {
    const response = await register(h(), { ...ZHANG_WEI, name: 12345 });
    assert.equal(response.statusCode, 400);
    assert.equal(response.json().field, 'name');
  });

  it('answers malformed JSON with 400', async () => {
    const response = await (await h().app()).inject({ method: 'POST', url: '/api/v1/residents', headers: { 'content-type': 'application/json' }, payload: '{"name": "张伟",' });
    assert.equal(response.statusCode, 400);
    assert.equal(response.json().field, '(body)');
  });

  it('answers a body that is not JSON with 415', async () => {
    const response = await (await h().app()).inject({ method: 'POST', url: '/api/v1/residents', headers: { 'content-type': 'text/plain' }, payload: 'name=张伟' });
    assert.equal(response.statusCode, 415);
    assert.equal(response.json().type, '/problems/unsupported-media-type');
  });

  it('answers an oversized body with 413', async () => {
    const response = await register(h(), { ...ZHANG_WEI, name: '张'.repeat(70_000) });
    assert.equal(response.statusCode, 413);
  });

  it('answers an unknown route with a 404 problem', async () => {
    const response = await (await h().app()).inject({ method: 'GET', url: '/api/v1/nothing' });
    assert.equal(response.statusCode, 404);
    assert.equal(response.json().type, '/problems/not-found');
  });

  it('describes each problem type at its URI', async () => {
    const response = await (await h().app()).inject({ method: 'GET', url: '/problems/invalid-field' });
    assert.equal(response.json().status, 422);
  });

  it('requires a session for resident data, with 401 and WWW-Authenticate', async () => {
    const app = await h().app();
    const { id } = (await register(h(), ZHANG_WEI)).json();
    const response = await app.inject({ method: 'GET', url: `/api/v1/residents/${id}` });
    assert.equal(response.statusCode, 401);
    assert.match(response.headers['www-authenticate'] as string, /^Bearer/);
  });

  it("answers 404 for another resident's data, as if it did not exist", async () => {
    const app = await h().app();
    const liu = (await register(h(), LIU_FANG)).json();
    const { auth } = await signedIn(h());
    const response = await app.inject({ method: 'GET', url: `/api/v1/residents/${liu.id}`, headers: auth });
    assert.equal(response.statusCode, 404);
  });

  it('walks the resident story: sign in, declare, read history, add a dependent, declare for them, export, delete', async () => {
    const app = await h().app();
    const { id, auth } = await signedIn(h());
    const me = await app.inject({ method: 'GET', url: `/api/v1/residents/${id}`, headers: auth });
    assert.equal(me.json().phoneVerified, true);

    const declared = await app.inject({
      method: 'POST',
      url: `/api/v1/residents/${id}/declarations`,
      headers: auth,
      payload: { stays: [{ region: '310104', arrival: '2026-11-14T09:00:00+08:00', departure: '2026-11-16T20:00:00+08:00' }], contacts: [], symptoms: [], temperature: 36.4 },
    });
    assert.equal(declared.statusCode, 201);
    const history = await app.inject({ method: 'GET', url: `/api/v1/residents/${id}/declarations?limit=5`, headers: auth });
    assert.deepEqual(history.json().map((d: { stays: { regionName: string }[] }) => d.stays[0]?.regionName), ['上海市 徐汇区']);

    const dependent = await app.inject({ method: 'POST', url: `/api/v1/residents/${id}/dependents`, headers: auth, payload: GRANDMA_ZHANG });
    assert.equal(dependent.statusCode, 201);
    const grandmaId = dependent.json().id;
    const forGrandma = await app.inject({ method: 'POST', url: `/api/v1/residents/${grandmaId}/declarations`, headers: auth, payload: { stays: [], contacts: [], symptoms: ['fever'], temperature: 38.1 } });
    assert.equal(forGrandma.statusCode, 201);

    const exported = await app.inject({ method: 'GET', url: `/api/v1/residents/${id}/export`, headers: auth });
    assert.equal(exported.statusCode, 200);
    assert.match(exported.headers['content-disposition'] as string, /attachment/);
    assert.equal(exported.json().dependents[0].declarations[0].temperature, 38.1);

    const deleted = await app.inject({ method: 'DELETE', url: `/api/v1/residents/${id}`, headers: auth });
    assert.equal(deleted.json().deleted.length, 2);
    const after = await app.inject({ method: 'GET', url: `/api/v1/residents/${id}`, headers: auth });
    assert.equal(after.statusCode, 401);
  });

  it('names the offending declaration field in a 422', async () => {
    const app = await h().app();
    const { id, auth } = await signedIn(h());
    const response = await app.inject({
      method: 'POST',
      url: `/api/v1/residents/${id}/declarations`,
      headers: auth,
      payload: { stays: [{ region: '330110', arrival: '2026-11-18T08:00:00+08:00', departure: '2026-11-17T08:00:00+08:00' }], contacts: [], symptoms: [] },
    });
    assert.equal(response.statusCode, 422);
    assert.equal(response.json().field, 'stays[0].departure');
  });

  it('signs out', async () => {
    const app = await h().app();
    const { id, auth } = await signedIn(h());
    assert.equal((await app.inject({ method: 'POST', url: '/api/v1/sign-out', headers: auth })).statusCode, 204);
    assert.equal((await app.inject({ method: 'GET', url: `/api/v1/residents/${id}`, headers: auth })).statusCode, 401);
  });

  it('sets Retry-After when codes are asked for too often', async () => {
    const app = await h().app();
    await register(h(), ZHANG_WEI);
    await app.inject({ method: 'POST', url: '/api/v1/sign-in/code', payload: { phone: ZHANG_WEI.phone } });
    const again = await app.inject({ method: 'POST', url: '/api/v1/sign-in/code', payload: { phone: ZHANG_WEI.phone } });
    assert.equal(again.statusCode, 429);
    assert.equal(again.headers['retry-after'], '60');
    // Not "too many tries": the resident tried nothing; the app says a code is on its way and to type it.
    assert.equal(again.json().reason, 'code-just-sent');
  });

  it('reports liveness and readiness', async () => {
    const app = await h().app();
    assert.deepEqual((await app.inject({ method: 'GET', url: '/healthz' })).json(), { status: 'ok' });
    assert.deepEqual((await app.inject({ method: 'GET', url: '/readyz' })).json(), { status: 'ready', database: h().engine });
  });

  it('answers 503 on /readyz when the database is gone', async () => {
    const app = await h().app();
    await h().opened.store.close();
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(response.statusCode, 503);
    assert.equal(response.json().type, '/problems/not-ready');
  });

  it('exposes Prometheus metrics labelled by route template, never by id', async () => {
    const app = await h().app();
    const { id, auth } = await signedIn(h());
    await app.inject({ method: 'GET', url: `/api/v1/residents/${id}`, headers: auth });
    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    assert.match(metrics, /healthcode_http_requests_total\{method="GET",route="\/api\/v1\/residents\/:id",status="200"\} 1/);
    assert.ok(!metrics.includes(id));
  });

  it('lists every endpoint in the OpenAPI document', async () => {
    const doc = (await (await h().app()).inject({ method: 'GET', url: '/docs/json' })).json();
    const operations = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    for (const expected of [
      'POST /api/v1/residents',
      'GET /api/v1/residents/{id}',
      'DELETE /api/v1/residents/{id}',
      'GET /api/v1/residents/{id}/export',
      'POST /api/v1/residents/{id}/dependents',
      'GET /api/v1/residents/{id}/dependents',
      'POST /api/v1/residents/{id}/declarations',
      'GET /api/v1/residents/{id}/declarations',
      'POST /api/v1/sign-in/code',
      'POST /api/v1/sign-in/session',
      'POST /api/v1/sign-out',
      'GET /healthz',
      'GET /readyz',
      'GET /metrics',
      'GET /api/v1/federation/identity',
      'GET /api/v1/federation/trust-list',
      'GET /api/v1/federation/national-trust-list',
      'GET /api/v1/national-trust-list',
      'GET /api/v1/federation/status',
      'POST /api/v1/federation/members',
      'GET /api/v1/federation/members',
      'DELETE /api/v1/federation/members/{memberId}',
      'POST /api/v1/federation/refresh',
      'GET /api/v1/federation/visitors',
      'GET /api/v1/federation/operators',
      'POST /api/v1/residents/{id}/fact-grants',
      'GET /api/v1/residents/{id}/fact-grants',
      'POST /api/v1/federation/fact-bundles',
      'POST /api/v1/visitors',
      'GET /api/v1/residents/{id}/travel-card',
      'GET /oauth/interaction/{uid}/request',
      'POST /oauth/interaction/{uid}/approve',
      'GET /api/v1/residents/{id}/host-apps',
      'DELETE /api/v1/residents/{id}/host-apps/{clientId}',
      'POST /api/v1/host-apps',
      'GET /api/v1/host/code',
      'GET /api/v1/host/travel-card',
      'POST /api/v1/host/declarations',
    ]) {
      assert.ok(operations.includes(expected), `${expected} missing from ${operations.join(', ')}`);
    }
  });

  it('serves the OpenAPI UI at /docs without any CDN', async () => {
    const app = await h().app();
    const page = await app.inject({ method: 'GET', url: '/docs/' });
    const html = page.statusCode === 302 ? (await app.inject({ method: 'GET', url: page.headers.location as string })).body : page.body;
    assert.match(html, /swagger/i);
    assert.ok(!/https?:\/\/(?!localhost)[^"']*\.(js|css)/.test(html), 'the page loads a script or style from elsewhere');
  });

  it('writes no ID number, name, phone or address to the logs', async () => {
    const app = await h().app();
    const { id, auth } = await signedIn(h());
    await app.inject({ method: 'POST', url: `/api/v1/residents/${id}/dependents`, headers: auth, payload: GRANDMA_ZHANG });
    await register(h(), { ...LIU_FANG, idNumber: 'bad' });
    await app.inject({ method: 'GET', url: `/api/v1/residents/${id}/export`, headers: auth });
    const logs = h().logs.join('');
    assert.match(logs, /request completed/);
    for (const secret of [ZHANG_WEI.idNumber, ZHANG_WEI.name, '13912345678', ZHANG_WEI.address.detail, GRANDMA_ZHANG.name, GRANDMA_ZHANG.idNumber, LIU_FANG.name, '15067891234']) {
      assert.ok(!logs.includes(secret), `log contains '${secret}'`);
    }
  });
});

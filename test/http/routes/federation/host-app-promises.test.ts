import assert from 'node:assert/strict';
import { beforeEach, it } from 'node:test';
import * as oauth from 'oauth4webapi';
import { HOST_SCOPE_FIELDS } from '../../../../src/domain/federation/host-scopes.js';
import { describeOnEachEngine, type Harness } from '../../../support/harness.js';
import { LIU_FANG } from '../../../support/people.js';
import { approveAndExchange, authorize, browse, consentCall, exchange, hostGet, insecure, setUp, type Flow } from '../../../support/host-app-flow.js';
import { registerVerified } from '../../../support/sign-in.js';

/**
 * What host apps are promised not to get, tried by an attacker: someone else's consent, more than
 * the consent screen names, tokens that outlive their removal or the resident's sign-out, metadata
 * that advertises flows it refuses, redirect URIs that run script.
 */
describeOnEachEngine('host apps: the promises an attacker tries', (harness) => {
  let h: Harness;
  let f: Flow;
  beforeEach(async () => {
    h = harness();
    f = await setUp(h, ['code:read']);
  });

  it("refuses a consent link opened in the victim's browser: only the browser that started the authorization can approve it", async () => {
    // The attacker starts a real authorization in their browser and sends the victim the consent link.
    const attacker = await authorize(f, 'code:read');
    const victimBrowser = new Map<string, string>();
    const shown = await consentCall(f, attacker.uid, 'request', victimBrowser);
    assert.equal(shown.status, 403);
    const problem = (await shown.json()) as { reason: string; detail: string };
    assert.equal(problem.reason, 'other-browser');
    assert.match(problem.detail, /Do not continue/);
    // The victim taps Allow anyway (the app would not offer it): refused, and nothing is granted.
    const approved = await consentCall(f, attacker.uid, 'approve', victimBrowser);
    assert.equal(approved.status, 403);
    assert.equal(((await approved.json()) as { reason: string }).reason, 'other-browser');
    assert.deepEqual(await h.services.hostApps.connectedApps(f.residentId), []);
    // The victim's own browser with a consent cookie for some other authorization does not pass either.
    const own = await authorize(f, 'code:read');
    assert.equal((await consentCall(f, attacker.uid, 'approve', own.cookies)).status, 403);
    // The attacker's browser, holding the interaction, never comes back with a code.
    const back = await browse(f.origin, `${f.origin}/oauth/auth/${attacker.uid}`, attacker.cookies);
    assert.equal(back.searchParams.get('code'), null);
  });

  it('sends a host app with code:read exactly the fields the consent screen lists: no evidence behind the colour', async () => {
    const person = await registerVerified(h, LIU_FANG);
    await h.services.declarations.declare(person, { stays: [], contacts: [{ kind: 'confirmed', date: '2026-11-15' }], symptoms: ['fever', 'dry_cough'], temperature: 38.6 });
    const liu = { authorization: `Bearer ${(await h.services.signIn.sessionFor(person, h.clock.now().getTime())).token}` };
    const started = await authorize(f, 'code:read');
    const shown = (await (await consentCall(f, started.uid, 'request', started.cookies, liu)).json()) as { fields: Record<string, string[]> };
    assert.deepEqual(shown.fields, { 'code:read': [...HOST_SCOPE_FIELDS['code:read']] });
    const approved = (await (await consentCall(f, started.uid, 'approve', started.cookies, liu)).json()) as { redirectTo: string };
    const token = await exchange(f, started, await browse(f.origin, approved.redirectTo, started.cookies));
    const response = await hostGet(f, '/api/v1/host/code', token);
    const text = await response.text();
    const body = JSON.parse(text) as Record<string, unknown>;
    assert.notEqual(body.colour, 'green');
    assert.deepEqual(Object.keys(body).sort(), [...shown.fields['code:read']!].sort());
    assert.doesNotMatch(text, /fever|dry_cough|38\.6|2026-11-15|confirmed|rules|evidence/);
  });

  it('lists an app authorized 9 times once in "Me", and removing it once ends every token it was given', async () => {
    const tokens: string[] = [];
    for (let i = 0; i < 9; i += 1) tokens.push(await approveAndExchange(f, await authorize(f, 'code:read')));
    const listed = (await (await fetch(`${f.origin}/api/v1/residents/${f.residentId}/host-apps`, { headers: f.residentAuth })).json()) as { clientId: string; name: string }[];
    assert.deepEqual(listed.map((a) => a.name), ['支付宝']);
    assert.equal((await hostGet(f, '/api/v1/host/code', tokens[8]!)).status, 200);
    const removed = await fetch(`${f.origin}/api/v1/residents/${f.residentId}/host-apps/${listed[0]!.clientId}`, { method: 'DELETE', headers: f.residentAuth });
    assert.equal(removed.status, 204);
    for (const token of tokens) assert.equal((await hostGet(f, '/api/v1/host/code', token)).status, 401);
    assert.deepEqual(await h.services.hostApps.connectedApps(f.residentId), []);
  });

  it('ends host tokens when the resident signs out, and a browser on a shared phone gets no new code without asking again', async () => {
    const started = await authorize(f, 'code:read');
    const token = await approveAndExchange(f, started);
    // Before signing out, the same browser is let through without a new consent (the provider's session).
    const silent = await authorize(f, 'code:read', started.cookies);
    assert.ok(silent.consent.searchParams.get('code'), 'the same browser got a code without asking');
    assert.equal((await fetch(`${f.origin}/api/v1/sign-out`, { method: 'POST', headers: f.residentAuth })).status, 204);
    assert.equal((await hostGet(f, '/api/v1/host/code', token)).status, 401);
    // Whoever picks the phone up next: the host app must send them to the consent screen again.
    const after = await authorize(f, 'code:read', started.cookies);
    assert.equal(after.consent.pathname, '/resident/');
    assert.equal(after.consent.searchParams.get('code'), null);
    // What the resident allowed is still listed under Me: consent is theirs to remove there.
    assert.deepEqual((await h.services.hostApps.connectedApps(f.residentId)).map((a) => a.name), ['支付宝']);
  });

  it('publishes RFC 8414 metadata under the issuer path, advertising only the code flow with PKCE S256', async () => {
    const issuer = new URL(`${f.origin}/oauth`);
    const response = await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure });
    assert.equal(new URL(response.url).pathname, '/.well-known/oauth-authorization-server/oauth');
    const metadata = await oauth.processDiscoveryResponse(issuer, response);
    for (const m of [metadata, f.as]) {
      assert.equal(m.issuer, issuer.href);
      assert.deepEqual(m.response_types_supported, ['code']);
      assert.deepEqual(m.grant_types_supported, ['authorization_code']);
      assert.deepEqual(m.code_challenge_methods_supported, ['S256']);
    }
  });

  it('refuses a host access token copied and replayed 10 minutes after it was given, as invalid_token', async (t) => {
    const token = await approveAndExchange(f, await authorize(f, 'code:read'));
    const given = Date.now();
    // The token's lifetime is kept by the OAuth library on the wall clock: that clock is moved, not waited for.
    t.mock.timers.enable({ apis: ['Date'], now: given + 9 * 60_000 });
    assert.equal((await hostGet(f, '/api/v1/host/code', token)).status, 200, 'still live at 9 minutes');
    t.mock.timers.setTime(given + 10 * 60_000 + 1_000);
    const late = await hostGet(f, '/api/v1/host/code', token);
    assert.equal(late.status, 401);
    assert.match(late.headers.get('www-authenticate') ?? '', /^Bearer error="invalid_token"/);
  });

  it('tells a host app with an unknown token that it is invalid (RFC 6750 invalid_token)', async () => {
    const response = await hostGet(f, '/api/v1/host/code', 'forged-or-expired-token');
    assert.equal(response.status, 401);
    assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer error="invalid_token"/);
  });

  it('refuses to register redirect URIs that are not https, naming the field', async () => {
    const staff = await h.services.staff.create('疾控中心 值班员', 'authority');
    for (const uri of ['javascript:alert(document.cookie)', 'data:text/html,<script>alert(1)</script>', 'http://host.example/callback', 'http://127.0.0.1:8080/callback', 'com.example.app:/callback']) {
      const response = await fetch(`${f.origin}/api/v1/host-apps`, {
        method: 'POST',
        headers: { authorization: `Bearer ${staff.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Evil', redirectUris: ['https://ok.example/cb', uri], scopes: ['code:read'] }),
      });
      assert.equal(response.status, 422, uri);
      const problem = (await response.json()) as { errors: { field: string }[] };
      assert.deepEqual(problem.errors.map((e) => e.field), ['redirectUris[1]'], uri);
    }
    assert.deepEqual((await h.services.hostApps.apps()).map((a) => a.name), ['支付宝']);
  });
});

import assert from 'node:assert/strict';
import { beforeEach, it } from 'node:test';
import * as oauth from 'oauth4webapi';
import { describeOnEachEngine } from '../../../support/harness.js';
import { approveAndExchange, authorize, browse, consentCall, insecure, REDIRECT, setUp, type Flow } from '../../../support/host-app-flow.js';

/**
 * A host app (the role Alipay played) gets a resident's code through OAuth 2.0: authorization code
 * with PKCE, consent in the resident app, a short scoped token. The client side is oauth4webapi, an
 * independent implementation, against the real server listening on loopback.
 */

describeOnEachEngine('host apps: OAuth 2.0 with PKCE, consent in the resident app', (harness) => {
  let f: Flow;
  beforeEach(async () => {
    f = await setUp(harness(), ['code:read']);
  });

  it('lets a host app fetch the code the resident allowed it, to render its own QR', async () => {
    const started = await authorize(f, 'code:read');
    assert.equal(started.consent.pathname, '/resident/');
    const shown = (await (await consentCall(f, started.uid, 'request', started.cookies)).json()) as { client: { name: string }; scopes: string[] };
    assert.deepEqual([shown.client.name, shown.scopes], ['支付宝', ['code:read']]);
    const token = await approveAndExchange(f, started);
    const code = await fetch(`${f.origin}/api/v1/host/code`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(code.status, 200);
    const body = (await code.json()) as { colour: string; token: string; maskedName: string };
    assert.equal(body.colour, 'green');
    assert.match(body.token, /^JKM1:/);
    assert.equal(body.maskedName, '张*');
  });

  it('refuses, by name, a host app using its token beyond its scope', async () => {
    const token = await approveAndExchange(f, await authorize(f, 'code:read'));
    const declared = await fetch(`${f.origin}/api/v1/host/declarations`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ stays: [], contacts: [], symptoms: [] }) });
    assert.equal(declared.status, 403);
    assert.match(declared.headers.get('www-authenticate') ?? '', /insufficient_scope/);
    assert.equal(((await declared.json()) as { reason: string }).reason, 'insufficient-scope');
    const card = await fetch(`${f.origin}/api/v1/host/travel-card`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(card.status, 403);
  });

  it('refuses at the authorization endpoint a scope the host app was not registered for', async () => {
    const started = await authorize(f, 'declarations:write');
    assert.equal(started.consent.origin, 'https://host.example');
    assert.equal(started.consent.searchParams.get('error'), 'invalid_scope');
  });

  it('stops a host app at once when the resident revokes it in "Me", and the revocation is in their access log', async () => {
    const token = await approveAndExchange(f, await authorize(f, 'code:read'));
    const apps = (await (await fetch(`${f.origin}/api/v1/residents/${f.residentId}/host-apps`, { headers: f.residentAuth })).json()) as { clientId: string; name: string; scopes: string[] }[];
    assert.deepEqual(apps.map((a) => [a.name, a.scopes]), [['支付宝', ['code:read']]]);
    const revoked = await fetch(`${f.origin}/api/v1/residents/${f.residentId}/host-apps/${apps[0]!.clientId}`, { method: 'DELETE', headers: f.residentAuth });
    assert.equal(revoked.status, 204);
    assert.equal((await fetch(`${f.origin}/api/v1/host/code`, { headers: { authorization: `Bearer ${token}` } })).status, 401);
    const log = (await (await fetch(`${f.origin}/api/v1/residents/${f.residentId}/access-log`, { headers: f.residentAuth })).json()) as { action: string }[];
    // Newest first.
    assert.deepEqual(
      log.map((e) => e.action).filter((a) => a.endsWith('host-app')),
      ['revoke-host-app', 'grant-host-app'],
    );
  });

  it("keeps the two kinds of token apart: a resident's session opens no host API, an access token no resident API", async () => {
    const token = await approveAndExchange(f, await authorize(f, 'code:read'));
    assert.equal((await fetch(`${f.origin}/api/v1/host/code`, { headers: f.residentAuth })).status, 401);
    assert.equal((await fetch(`${f.origin}/api/v1/residents/${f.residentId}/code`, { headers: { authorization: `Bearer ${token}` } })).status, 401);
  });

  it('will not let a code be exchanged without the PKCE verifier it was asked with', async () => {
    const started = await authorize(f, 'code:read');
    const approved = (await (await consentCall(f, started.uid, 'approve', started.cookies)).json()) as { redirectTo: string };
    const callback = await browse(f.origin, approved.redirectTo, started.cookies);
    const params = oauth.validateAuthResponse(f.as, f.client, callback, started.state);
    const response = await oauth.authorizationCodeGrantRequest(f.as, f.client, oauth.None(), params, REDIRECT, oauth.generateRandomCodeVerifier(), insecure);
    await assert.rejects(oauth.processAuthorizationCodeResponse(f.as, f.client, response), (error: Error & { error?: string }) => error.error === 'invalid_grant');
  });
});

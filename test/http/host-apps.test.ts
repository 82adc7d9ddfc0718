import assert from 'node:assert/strict';
import { beforeEach, it } from 'node:test';
import * as oauth from 'oauth4webapi';
import { describeOnEachEngine, type Harness } from '../support/harness.js';
import { ZHANG_WEI } from '../support/people.js';
import { registerVerified } from '../support/sign-in.js';

/**
 * A host app (the role Alipay played) gets a resident's code through OAuth 2.0: authorization code
 * with PKCE, consent in the resident app, a short scoped token. The client side is oauth4webapi, an
 * independent implementation, against the real server listening on loopback.
 */

const REDIRECT = 'https://host.example/healthcode/callback';
const insecure = { [oauth.allowInsecureRequests]: true };

interface Flow {
  origin: string;
  as: oauth.AuthorizationServer;
  client: oauth.Client;
  residentId: string;
  residentAuth: { authorization: string };
}

async function setUp(h: Harness, scopes: string[]): Promise<Flow> {
  const app = await h.app();
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  h.services.hostApps.setOrigin(address);
  const residentId = await registerVerified(h, ZHANG_WEI);
  await h.services.declarations.declare(residentId, { stays: [], contacts: [], symptoms: [], temperature: 36.5 });
  const session = await h.services.signIn.sessionFor(residentId, h.clock.now().getTime());
  const { clientId } = await h.services.hostApps.register({ name: '支付宝', redirectUris: [REDIRECT], scopes });
  const issuer = new URL(`${address}/oauth`);
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...insecure }));
  return { origin: address, as, client: { client_id: clientId, token_endpoint_auth_method: 'none' }, residentId, residentAuth: { authorization: `Bearer ${session.token}` } };
}

/** Follows the browser's redirects within the server, carrying its cookies, until it leaves for the host app. */
async function browse(origin: string, start: string, cookies: Map<string, string>): Promise<URL> {
  let url = new URL(start, origin);
  for (let hops = 0; hops < 10; hops += 1) {
    if (url.origin !== origin || url.pathname.startsWith('/resident/')) return url;
    const response = await fetch(url, { redirect: 'manual', headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
    for (const set of response.headers.getSetCookie()) {
      const [pair] = set.split(';');
      const [name, ...value] = pair!.split('=');
      cookies.set(name!.trim(), value.join('='));
    }
    const location = response.headers.get('location');
    assert.ok(location, `${url} answered ${response.status} without a redirect: ${await response.text()}`);
    url = new URL(location, url);
  }
  assert.fail('too many redirects');
}

/** Starts an authorization as the host app would, up to the consent screen. */
async function authorize(f: Flow, scope: string) {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const url = new URL(f.as.authorization_endpoint!);
  for (const [k, v] of Object.entries({ client_id: f.client.client_id, redirect_uri: REDIRECT, response_type: 'code', scope, state, code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' })) {
    url.searchParams.set(k, v);
  }
  const cookies = new Map<string, string>();
  const consent = await browse(f.origin, url.href, cookies);
  return { verifier, state, cookies, consent };
}

/** The resident approves on the consent screen; the browser goes on; the host app swaps the code for a token. */
async function approveAndExchange(f: Flow, started: Awaited<ReturnType<typeof authorize>>): Promise<string> {
  const uid = new URLSearchParams(started.consent.hash.split('?')[1]).get('uid')!;
  const approved = await fetch(`${f.origin}/api/v1/oauth/interactions/${uid}/approve`, { method: 'POST', headers: f.residentAuth });
  assert.equal(approved.status, 200, await approved.clone().text());
  const callback = await browse(f.origin, ((await approved.json()) as { redirectTo: string }).redirectTo, started.cookies);
  const params = oauth.validateAuthResponse(f.as, f.client, callback, started.state);
  const response = await oauth.authorizationCodeGrantRequest(f.as, f.client, oauth.None(), params, REDIRECT, started.verifier, insecure);
  return (await oauth.processAuthorizationCodeResponse(f.as, f.client, response)).access_token;
}

describeOnEachEngine('host apps: OAuth 2.0 with PKCE, consent in the resident app', (harness) => {
  let f: Flow;
  beforeEach(async () => {
    f = await setUp(harness(), ['code:read']);
  });

  it('lets a host app fetch the code the resident allowed it, to render its own QR', async () => {
    const started = await authorize(f, 'code:read');
    assert.equal(started.consent.pathname, '/resident/');
    const uid = new URLSearchParams(started.consent.hash.split('?')[1]).get('uid')!;
    const shown = (await (await fetch(`${f.origin}/api/v1/oauth/interactions/${uid}`, { headers: f.residentAuth })).json()) as { client: { name: string }; scopes: string[] };
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
    const apps = (await (await fetch(`${f.origin}/api/v1/residents/${f.residentId}/host-apps`, { headers: f.residentAuth })).json()) as { grantId: string; name: string; scopes: string[] }[];
    assert.deepEqual(apps.map((a) => [a.name, a.scopes]), [['支付宝', ['code:read']]]);
    const revoked = await fetch(`${f.origin}/api/v1/residents/${f.residentId}/host-apps/${apps[0]!.grantId}`, { method: 'DELETE', headers: f.residentAuth });
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
    const uid = new URLSearchParams(started.consent.hash.split('?')[1]).get('uid')!;
    const approved = (await (await fetch(`${f.origin}/api/v1/oauth/interactions/${uid}/approve`, { method: 'POST', headers: f.residentAuth })).json()) as { redirectTo: string };
    const callback = await browse(f.origin, approved.redirectTo, started.cookies);
    const params = oauth.validateAuthResponse(f.as, f.client, callback, started.state);
    const response = await oauth.authorizationCodeGrantRequest(f.as, f.client, oauth.None(), params, REDIRECT, oauth.generateRandomCodeVerifier(), insecure);
    await assert.rejects(oauth.processAuthorizationCodeResponse(f.as, f.client, response), (error: Error & { error?: string }) => error.error === 'invalid_grant');
  });
});

import assert from 'node:assert/strict';
import * as oauth from 'oauth4webapi';
import type { Harness } from './harness.js';
import { ZHANG_WEI } from './people.js';
import { registerVerified } from './sign-in.js';

/**
 * A host app (oauth4webapi, an independent client) and browsers (cookie jars over HTTP) against the
 * real server listening on loopback: what the host-app tests drive.
 */

export const REDIRECT = 'https://host.example/healthcode/callback';
export const insecure = { [oauth.allowInsecureRequests]: true };

export interface Flow {
  origin: string;
  as: oauth.AuthorizationServer;
  client: oauth.Client;
  residentId: string;
  residentAuth: { authorization: string };
}

/** A browser: its cookies, by name (one origin, so paths are not told apart). */
export type Jar = Map<string, string>;

export async function setUp(h: Harness, scopes: string[]): Promise<Flow> {
  const app = await h.app();
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  h.services.oauthServer.setOrigin(address);
  const residentId = await registerVerified(h, ZHANG_WEI);
  await h.services.declarations.declare(residentId, { stays: [], contacts: [], symptoms: [], temperature: 36.5 });
  const session = await h.services.signIn.sessionFor(residentId, h.clock.now().getTime());
  const { clientId } = await h.services.hostApps.register({ name: '支付宝', redirectUris: [REDIRECT], scopes });
  const issuer = new URL(`${address}/oauth`);
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...insecure }));
  return { origin: address, as, client: { client_id: clientId, token_endpoint_auth_method: 'none' }, residentId, residentAuth: { authorization: `Bearer ${session.token}` } };
}

export const cookieHeader = (jar: Jar) => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

function keep(jar: Jar, response: Response): void {
  for (const set of response.headers.getSetCookie()) {
    const [pair] = set.split(';');
    const [name, ...value] = pair!.split('=');
    jar.set(name!.trim(), value.join('='));
  }
}

/** Follows the browser's redirects within the server, carrying its cookies, until it reaches the resident app or leaves for the host app. */
export async function browse(origin: string, start: string, jar: Jar): Promise<URL> {
  let url = new URL(start, origin);
  for (let hops = 0; hops < 10; hops += 1) {
    if (url.origin !== origin || url.pathname.startsWith('/resident/')) return url;
    const response = await fetch(url, { redirect: 'manual', headers: { cookie: cookieHeader(jar) } });
    keep(jar, response);
    const location = response.headers.get('location');
    assert.ok(location, `${url} answered ${response.status} without a redirect: ${await response.text()}`);
    url = new URL(location, url);
  }
  assert.fail('too many redirects');
}

/** Starts an authorization as the host app would, in browser `jar` (a new one unless given), up to the consent screen. */
export async function authorize(f: Flow, scope: string, jar: Jar = new Map()) {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const url = new URL(f.as.authorization_endpoint!);
  for (const [k, v] of Object.entries({ client_id: f.client.client_id, redirect_uri: REDIRECT, response_type: 'code', scope, state, code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' })) {
    url.searchParams.set(k, v);
  }
  const consent = await browse(f.origin, url.href, jar);
  const uid = consent.pathname.startsWith('/resident/') ? new URLSearchParams(consent.hash.split('?')[1]).get('uid')! : '';
  return { verifier, state, cookies: jar, consent, uid };
}

export type Started = Awaited<ReturnType<typeof authorize>>;

/** The resident app calls the consent API, from browser `jar`, signed in as `auth`. */
export async function consentCall(f: Flow, uid: string, what: 'request' | 'approve' | 'deny', jar: Jar, auth = f.residentAuth): Promise<Response> {
  return fetch(`${f.origin}/oauth/interaction/${encodeURIComponent(uid)}/${what}`, { method: what === 'request' ? 'GET' : 'POST', headers: { ...auth, cookie: cookieHeader(jar) } });
}

/** The host app swaps the code the browser came back with for an access token. */
export async function exchange(f: Flow, started: Started, callback: URL): Promise<string> {
  const params = oauth.validateAuthResponse(f.as, f.client, callback, started.state);
  const response = await oauth.authorizationCodeGrantRequest(f.as, f.client, oauth.None(), params, REDIRECT, started.verifier, insecure);
  return (await oauth.processAuthorizationCodeResponse(f.as, f.client, response)).access_token;
}

/** The resident approves on the consent screen in the same browser; the browser goes on; the host app swaps the code for a token. */
export async function approveAndExchange(f: Flow, started: Started): Promise<string> {
  const approved = await consentCall(f, started.uid, 'approve', started.cookies);
  assert.equal(approved.status, 200, await approved.clone().text());
  const callback = await browse(f.origin, ((await approved.json()) as { redirectTo: string }).redirectTo, started.cookies);
  return exchange(f, started, callback);
}

export const hostGet = (f: Flow, path: string, token: string) => fetch(`${f.origin}${path}`, { headers: { authorization: `Bearer ${token}` } });

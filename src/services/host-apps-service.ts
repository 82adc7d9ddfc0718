import { fixedPurpose } from '../domain/audit-wording.js';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Provider, { errors as oidcErrors, type Configuration } from 'oidc-provider';
import { FieldErrorCollector } from '../domain/field-errors.js';
import { HOST_SCOPES, isHostScope, type HostScope } from '../domain/host-scopes.js';
import { redirectUriRefusal } from '../domain/redirect-uris.js';
import type { AuditService } from './audit-service.js';
import type { ServiceContext } from './context.js';
import { deriveSubkey } from '../privacy/field-cipher.js';
import type { KeysService } from './keys-service.js';
import { oauthAdapter } from './oauth-adapter.js';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from './service-errors.js';

export { HOST_SCOPES, type HostScope };

/** Where the authorization server lives, under this server's origin. */
export const OAUTH_PATH = '/oauth';
/** The resource indicator (RFC 8707) and audience of every access token: this operator's host API. */
export const HOST_API_AUDIENCE = 'urn:healthcode:host-api';
/** Access tokens are short: ten minutes, then the host app asks again with its grant. */
export const ACCESS_TOKEN_TTL_SECONDS = 600;
const GRANT_TTL_SECONDS = 180 * 24 * 3600;

/** The browser that is answering an authorization: its request (with its cookies) and response. */
export interface Browser {
  req: IncomingMessage;
  res: ServerResponse;
}

export interface ConsentRequest {
  uid: string;
  client: { id: string; name: string };
  scopes: HostScope[];
  expiresAt: number;
}

export interface ConnectedApp {
  clientId: string;
  name: string;
  scopes: string[];
  grantedAt: number;
}

/**
 * The OAuth 2.0 authorization server for host apps, by oidc-provider (certified, maintained): the
 * authorization code flow with PKCE for public clients, short opaque access tokens for this API and
 * nothing else, consent given in the resident app. Written here only what is the product's own: where
 * records are kept, the consent screen's API, which resident a token acts for, and revocation from "Me".
 */
export class HostAppsService {
  #provider: Provider | undefined;
  /** This server's origin as others reach it: the issuer is made from it, never from a request's Host header. */
  #origin: string | undefined;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly keys: KeysService,
    private readonly audit: AuditService,
  ) {}

  /** Registers a host app (a public client: PKCE, no secret); returns its client id. */
  async register(input: { name: string; redirectUris: string[]; scopes: string[] }): Promise<{ clientId: string }> {
    const errors = new FieldErrorCollector();
    if (input.name.trim() === '' || input.name.length > 80) errors.add('name', 'must be 1-80 characters');
    if (input.redirectUris.length === 0) errors.add('redirectUris', 'must name at least one redirect URI');
    input.redirectUris.forEach((uri, i) => {
      const refusal = redirectUriRefusal(uri, this.ctx.settings.mode);
      if (refusal) errors.add(`redirectUris[${i}]`, refusal);
    });
    if (input.scopes.length === 0) errors.add('scopes', `must name at least one of ${HOST_SCOPES.join(', ')}`);
    input.scopes.forEach((s, i) => {
      if (!isHostScope(s)) errors.add(`scopes[${i}]`, `must be one of ${HOST_SCOPES.join(', ')}`);
    });
    errors.throwIfAny();
    const clientId = `app-${randomBytes(9).toString('base64url')}`;
    await this.ctx.stores.oauth.addApp({ clientId, name: input.name.trim(), redirectUris: input.redirectUris, scopes: [...new Set(input.scopes)], now: this.ctx.clock.now().getTime() });
    return { clientId };
  }

  async apps(): Promise<{ clientId: string; name: string; redirectUris: string[]; scopes: string[] }[]> {
    return (await this.ctx.stores.oauth.apps()).map((a) => ({ clientId: a.client_id, name: a.name, redirectUris: JSON.parse(a.redirect_uris) as string[], scopes: JSON.parse(a.scopes) as string[] }));
  }

  /** Where this server is reached (HEALTHCODE_PUBLIC_URL, else the address it listens on); set once it listens. */
  setOrigin(origin: string): void {
    this.#origin ??= origin.replace(/\/+$/, '');
  }

  /** The authorization server, made on first use for this server's origin (its issuer is `${origin}/oauth`). */
  async provider(): Promise<Provider> {
    if (this.#provider) return this.#provider;
    const origin = this.ctx.settings.operator?.publicUrl ?? this.#origin;
    if (origin === undefined) throw new HostAppsUnavailableError();
    const key = await this.keys.operatorKey();
    const jwk = { ...key.privateKey.export({ format: 'jwk' }), kid: key.kid, alg: 'EdDSA', use: 'sig' };
    const provider = new Provider(`${origin}${OAUTH_PATH}`, this.configuration(jwk));
    // Behind a TLS-terminating proxy the issuer's scheme comes from X-Forwarded-Proto.
    provider.proxy = this.ctx.settings.mode === 'production';
    this.#provider = provider;
    return provider;
  }

  private configuration(jwk: Record<string, unknown>): Configuration {
    const store = this.ctx.stores.oauth;
    return {
      adapter: oauthAdapter(store),
      findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
      // Listed here too so that each client's registered `scope` can limit what it may ask for: a
      // request beyond it is refused with invalid_scope, not quietly narrowed.
      scopes: ['openid', ...HOST_SCOPES],
      clientDefaults: { grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'none', id_token_signed_response_alg: 'EdDSA' },
      enabledJWA: { idTokenSigningAlgValues: ['EdDSA'] } as Configuration['enabledJWA'],
      jwks: { keys: [jwk as never] },
      // Host apps are refused every other flow, so the metadata (RFC 8414) advertises none: the
      // code flow alone, PKCE with S256 alone, no refresh tokens.
      responseTypes: ['code'],
      cookies: { keys: [Buffer.from(deriveSubkey(Buffer.from(this.ctx.sessionKey), 'oauth cookies')).toString('base64url')] },
      pkce: { required: () => true, methods: ['S256'] },
      features: {
        devInteractions: { enabled: false },
        revocation: { enabled: true },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => HOST_API_AUDIENCE,
          useGrantedResource: () => true,
          getResourceServerInfo: (_ctx, indicator) => {
            if (indicator !== HOST_API_AUDIENCE) throw new oidcErrors.InvalidTarget();
            return { scope: HOST_SCOPES.join(' '), audience: HOST_API_AUDIENCE, accessTokenTTL: ACCESS_TOKEN_TTL_SECONDS, accessTokenFormat: 'opaque' };
          },
        },
      },
      // Consent happens in the resident app, signed in as it always is. The provider sets its
      // interaction cookie on this path; the consent API lives beneath it, so only the browser that
      // started the authorization carries that cookie to it (RFC 9700 §4.2, consent bound to the user agent).
      interactions: { url: (_ctx, interaction) => `${OAUTH_PATH}/interaction/${encodeURIComponent(interaction.uid)}` },
      ttl: { AccessToken: ACCESS_TOKEN_TTL_SECONDS, AuthorizationCode: 60, Interaction: 600, Session: 3600, Grant: GRANT_TTL_SECONDS, IdToken: 600 },
      renderError: async (koa, out) => {
        koa.type = 'application/problem+json';
        koa.body = JSON.stringify({ type: '/problems/oauth', title: 'The authorization request was refused', status: koa.status, detail: `${out.error}: ${out.error_description ?? ''}`, instance: koa.path });
      },
    };
  }

  /** Hands a request under /oauth to the authorization server. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const provider = await this.provider();
    // The provider's routes are relative to its issuer's path; it reads where it is mounted from
    // originalUrl, as under Express.
    const original = req.url ?? '/';
    (req as IncomingMessage & { originalUrl?: string }).originalUrl = original;
    req.url = original.slice(OAUTH_PATH.length) || '/';
    provider.callback()(req, res);
  }

  /**
   * The interaction this browser started, found by its interaction cookie (oidc-provider's own
   * check, `interactionDetails`). A consent link opened in any other browser has no such cookie:
   * refused, so that nobody can have a resident approve a request someone else will finish.
   */
  private async ownInteraction(uid: string, browser: Browser) {
    const provider = await this.provider();
    let interaction;
    try {
      interaction = await provider.interactionDetails(browser.req, browser.res);
    } catch (error) {
      if (error instanceof oidcErrors.SessionNotFound && /cookie not found/.test(String(error.error_description))) throw new OtherBrowserError();
      if (error instanceof oidcErrors.SessionNotFound) throw new NotFoundError('authorization request (it may have expired: start again in the app)');
      throw error;
    }
    if (interaction.uid !== uid) throw new OtherBrowserError();
    return interaction;
  }

  /** What the consent screen shows: which app asks for what. Refused when the interaction has expired, is unknown, or was started in another browser. */
  async consentRequest(uid: string, browser: Browser): Promise<ConsentRequest> {
    const interaction = await this.ownInteraction(uid, browser);
    const clientId = String(interaction.params.client_id);
    const app = await this.ctx.stores.oauth.app(clientId);
    if (!app) throw new NotFoundError('host app');
    const allowed = JSON.parse(app.scopes) as string[];
    const scopes = String(interaction.params.scope ?? '')
      .split(' ')
      .filter((s): s is HostScope => allowed.includes(s) && isHostScope(s));
    return { uid, client: { id: clientId, name: app.name }, scopes, expiresAt: (interaction.exp ?? 0) * 1000 };
  }

  /**
   * The resident approves, in the browser that asked: a grant of the scopes shown, and where the
   * browser goes on to finish. One grant per resident and app: a new consent widens the one the app
   * already has, so "Me" lists the app once and removing it ends everything it was given.
   */
  async approve(uid: string, residentId: string, browser: Browser): Promise<{ redirectTo: string }> {
    const provider = await this.provider();
    const request = await this.consentRequest(uid, browser);
    const interaction = await this.ownInteraction(uid, browser);
    const [existing] = await this.grantsFor(residentId, request.client.id);
    const grant = (existing && (await provider.Grant.find(existing.id))) || new provider.Grant({ accountId: residentId, clientId: request.client.id });
    // The scopes are the API's (its resource) and, being listed with the provider too, its own.
    grant.addOIDCScope(request.scopes.join(' '));
    grant.addResourceScope(HOST_API_AUDIENCE, request.scopes.join(' '));
    const grantId = await grant.save();
    interaction.result = { login: { accountId: residentId }, consent: { grantId } };
    await interaction.persist();
    await this.audit.append(`resident:${residentId}`, 'grant-host-app', fixedPurpose('host-app-consent'), residentId, { app: request.client.name, clientId: request.client.id, scopes: request.scopes });
    return { redirectTo: interaction.returnTo };
  }

  async deny(uid: string, browser: Browser): Promise<{ redirectTo: string }> {
    const interaction = await this.ownInteraction(uid, browser);
    interaction.result = { error: 'access_denied', error_description: 'the resident did not allow it' };
    await interaction.persist();
    return { redirectTo: interaction.returnTo };
  }

  /** A resident's live grants to one app, newest first (more than one only from before grants were reused). */
  private async grantsFor(residentId: string, clientId: string) {
    const grants = await this.ctx.stores.oauth.grantsOf(residentId, Date.now());
    return grants.filter((g) => g.payload.clientId === clientId).sort((a, b) => Number(b.payload.iat ?? 0) - Number(a.payload.iat ?? 0));
  }

  /** The host apps a resident has let in, once each, with everything each may do. */
  async connectedApps(residentId: string): Promise<ConnectedApp[]> {
    const grants = await this.ctx.stores.oauth.grantsOf(residentId, Date.now());
    const names = new Map((await this.ctx.stores.oauth.apps()).map((a) => [a.client_id, a.name]));
    const byApp = new Map<string, ConnectedApp>();
    for (const { payload } of grants) {
      const clientId = String(payload.clientId);
      const resources = (payload.resources ?? {}) as Record<string, string>;
      const scopes = (resources[HOST_API_AUDIENCE] ?? '').split(' ').filter(Boolean);
      const grantedAt = Number(payload.iat ?? 0) * 1000;
      const seen = byApp.get(clientId);
      byApp.set(clientId, {
        clientId,
        name: names.get(clientId) ?? clientId,
        scopes: [...new Set([...(seen?.scopes ?? []), ...scopes])].sort(),
        grantedAt: Math.min(seen?.grantedAt ?? grantedAt, grantedAt),
      });
    }
    return [...byApp.values()].sort((a, b) => a.grantedAt - b.grantedAt);
  }

  /** Removes an app's access: every grant the resident gave it, with its codes and tokens, goes at once. */
  async revoke(residentId: string, clientId: string): Promise<void> {
    const app = (await this.connectedApps(residentId)).find((a) => a.clientId === clientId);
    if (!app) throw new NotFoundError('connected app');
    for (const grant of await this.grantsFor(residentId, clientId)) await this.ctx.stores.oauth.revokeByGrantId(grant.id);
    await this.audit.append(`resident:${residentId}`, 'revoke-host-app', fixedPurpose('host-app-removed'), residentId, { app: app.name, clientId: app.clientId });
  }

  /**
   * The resident signed out: every host app's access token and code for them ends, and so does the
   * authorization server's memory of them in any browser, so no app gets a new token without the
   * resident approving again, signed in. What they allowed stays listed under Me (that is consent,
   * removed there); the apps just have to ask them again.
   */
  async endTokensOf(residentId: string): Promise<void> {
    await this.ctx.stores.oauth.endTokensOf(residentId);
  }

  /** Deletes expired sessions, codes and tokens of the authorization server: retention, enforced. */
  async purgeExpired(): Promise<number> {
    return this.ctx.stores.oauth.purgeExpired(Date.now());
  }

  /** The resident a host app's access token acts for, if it carries `scope`; a named refusal otherwise. */
  async residentFor(token: string, scope: HostScope): Promise<{ residentId: string; clientId: string }> {
    const provider = await this.provider();
    const found = await provider.AccessToken.find(token);
    if (!found || found.isExpired) throw new InvalidTokenError('the access token is unknown, expired or revoked: ask the resident again');
    if (found.aud !== HOST_API_AUDIENCE) throw new InvalidTokenError('the access token is not for this API');
    if (!String(found.scope ?? '').split(' ').includes(scope)) throw new InsufficientScopeError(scope);
    if (!(await this.ctx.stores.oauth.app(String(found.clientId)))) throw new InvalidTokenError('the host app was removed');
    return { residentId: String(found.accountId), clientId: String(found.clientId) };
  }
}

/** A host app asked for more than the resident allowed it. */
export class InsufficientScopeError extends ForbiddenError {
  constructor(readonly scope: string) {
    super(`the access token does not carry the scope ${scope}: the resident did not allow it`);
    this.name = 'InsufficientScopeError';
  }
}

/** A host app's access token that this server does not honour (RFC 6750 `invalid_token`). */
export class InvalidTokenError extends UnauthenticatedError {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidTokenError';
  }
}

/** A consent link opened in a browser other than the one that started the authorization. */
export class OtherBrowserError extends ForbiddenError {
  constructor() {
    super(
      'this authorization was started in another browser or app, not this one. Do not continue: someone may be trying to get access to your health code. If you were using an app, start again from that app.',
    );
    this.name = 'OtherBrowserError';
  }
}

/** No address to make the issuer from: the server is not listening yet and HEALTHCODE_PUBLIC_URL is not set. */
export class HostAppsUnavailableError extends Error {
  constructor() {
    super('host app sign-in is not available until this server knows its public address: set HEALTHCODE_PUBLIC_URL');
    this.name = 'HostAppsUnavailableError';
  }
}

import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Provider, { errors as oidcErrors, type Configuration } from 'oidc-provider';
import { FieldErrorCollector } from '../domain/field-errors.js';
import type { OAuthStore } from '../store/oauth-store.js';
import type { AuditService } from './audit-service.js';
import type { ServiceContext } from './context.js';
import { deriveSubkey } from '../privacy/field-cipher.js';
import type { KeysService } from './keys-service.js';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from './service-errors.js';

/** What a host app may be allowed: show the code, declare for the resident, read the travel card. */
export const HOST_SCOPES = ['code:read', 'declarations:write', 'travel-card:read'] as const;
export type HostScope = (typeof HOST_SCOPES)[number];

/** Where the authorization server lives, under this server's origin. */
export const OAUTH_PATH = '/oauth';
/** The resource indicator (RFC 8707) and audience of every access token: this operator's host API. */
export const HOST_API_AUDIENCE = 'urn:healthcode:host-api';
/** Access tokens are short: ten minutes, then the host app asks again with its grant. */
export const ACCESS_TOKEN_TTL_SECONDS = 600;
const GRANT_TTL_SECONDS = 180 * 24 * 3600;

export interface ConsentRequest {
  uid: string;
  client: { id: string; name: string };
  scopes: HostScope[];
  expiresAt: number;
}

export interface ConnectedApp {
  grantId: string;
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
      try {
        const url = new URL(uri);
        if (url.hash !== '') errors.add(`redirectUris[${i}]`, 'must not have a fragment');
        if (url.protocol === 'http:' && !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) errors.add(`redirectUris[${i}]`, 'must be https (or http on loopback, for native apps)');
      } catch {
        errors.add(`redirectUris[${i}]`, 'is not a URL');
      }
    });
    if (input.scopes.length === 0) errors.add('scopes', `must name at least one of ${HOST_SCOPES.join(', ')}`);
    input.scopes.forEach((s, i) => {
      if (!(HOST_SCOPES as readonly string[]).includes(s)) errors.add(`scopes[${i}]`, `must be one of ${HOST_SCOPES.join(', ')}`);
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
      cookies: { keys: [Buffer.from(deriveSubkey(Buffer.from(this.ctx.sessionKey), 'oauth cookies')).toString('base64url')] },
      pkce: { required: () => true },
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
      // Consent happens in the resident app, signed in as it always is.
      interactions: { url: (_ctx, interaction) => `/resident/#/oauth?uid=${encodeURIComponent(interaction.uid)}` },
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

  /** What the consent screen shows: which app asks for what. Refused when the interaction has expired or is unknown. */
  async consentRequest(uid: string): Promise<ConsentRequest> {
    const provider = await this.provider();
    const interaction = await provider.Interaction.find(uid);
    if (!interaction) throw new NotFoundError('authorization request (it may have expired: start again in the app)');
    const clientId = String(interaction.params.client_id);
    const app = await this.ctx.stores.oauth.app(clientId);
    if (!app) throw new NotFoundError('host app');
    const allowed = JSON.parse(app.scopes) as string[];
    const scopes = String(interaction.params.scope ?? '')
      .split(' ')
      .filter((s): s is HostScope => allowed.includes(s) && (HOST_SCOPES as readonly string[]).includes(s));
    return { uid, client: { id: clientId, name: app.name }, scopes, expiresAt: (interaction.exp ?? 0) * 1000 };
  }

  /** The resident approves: a grant of the scopes shown, and where the browser goes on to finish. */
  async approve(uid: string, residentId: string): Promise<{ redirectTo: string }> {
    const provider = await this.provider();
    const request = await this.consentRequest(uid);
    const interaction = (await provider.Interaction.find(uid))!;
    const grant = new provider.Grant({ accountId: residentId, clientId: request.client.id });
    // The scopes are the API's (its resource) and, being listed with the provider too, its own.
    grant.addOIDCScope(request.scopes.join(' '));
    grant.addResourceScope(HOST_API_AUDIENCE, request.scopes.join(' '));
    const grantId = await grant.save();
    interaction.result = { login: { accountId: residentId }, consent: { grantId } };
    await interaction.persist();
    await this.audit.append(`resident:${residentId}`, 'grant-host-app', 'host app access (own consent)', residentId, { app: request.client.name, clientId: request.client.id, scopes: request.scopes });
    return { redirectTo: interaction.returnTo };
  }

  async deny(uid: string): Promise<{ redirectTo: string }> {
    const provider = await this.provider();
    const interaction = await provider.Interaction.find(uid);
    if (!interaction) throw new NotFoundError('authorization request');
    interaction.result = { error: 'access_denied', error_description: 'the resident did not allow it' };
    await interaction.persist();
    return { redirectTo: interaction.returnTo };
  }

  /** The host apps a resident has let in, with what each may do. */
  async connectedApps(residentId: string): Promise<ConnectedApp[]> {
    const grants = await this.ctx.stores.oauth.grantsOf(residentId, Date.now());
    const apps = new Map((await this.ctx.stores.oauth.apps()).map((a) => [a.client_id, a.name]));
    return grants.map(({ id, payload }) => {
      const resources = (payload.resources ?? {}) as Record<string, string>;
      return { grantId: id, clientId: String(payload.clientId), name: apps.get(String(payload.clientId)) ?? String(payload.clientId), scopes: (resources[HOST_API_AUDIENCE] ?? '').split(' ').filter(Boolean), grantedAt: Number(payload.iat ?? 0) * 1000 };
    });
  }

  /** Revokes an app's access: its grant, codes and tokens go at once. */
  async revoke(residentId: string, grantId: string): Promise<void> {
    const app = (await this.connectedApps(residentId)).find((a) => a.grantId === grantId);
    if (!app) throw new NotFoundError('connected app');
    await this.ctx.stores.oauth.revokeByGrantId(grantId);
    await this.audit.append(`resident:${residentId}`, 'revoke-host-app', 'host app access (own decision)', residentId, { app: app.name, clientId: app.clientId });
  }

  /** Deletes expired sessions, codes and tokens of the authorization server: retention, enforced. */
  async purgeExpired(): Promise<number> {
    return this.ctx.stores.oauth.purgeExpired(Date.now());
  }

  /** The resident a host app's access token acts for, if it carries `scope`; a named refusal otherwise. */
  async residentFor(token: string, scope: HostScope): Promise<{ residentId: string; clientId: string }> {
    const provider = await this.provider();
    const found = await provider.AccessToken.find(token);
    if (!found || found.isExpired) throw new UnauthenticatedError('the access token is unknown, expired or revoked: ask the resident again');
    if (found.aud !== HOST_API_AUDIENCE) throw new UnauthenticatedError('the access token is not for this API');
    if (!String(found.scope ?? '').split(' ').includes(scope)) throw new InsufficientScopeError(scope);
    if (!(await this.ctx.stores.oauth.app(String(found.clientId)))) throw new UnauthenticatedError('the host app was removed');
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

/**
 * oidc-provider's adapter over the database. Its own clock (real time) decides expiry, so the adapter
 * uses real time too. Host apps are its `Client` model, read from their own table.
 */
function oauthAdapter(store: OAuthStore) {
  return class DatabaseAdapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: Record<string, unknown>, expiresIn?: number): Promise<void> {
      await store.upsert(this.model, id, payload, expiresIn ? Date.now() + expiresIn * 1000 : null);
    }

    async find(id: string): Promise<Record<string, unknown> | undefined> {
      if (this.model === 'Client') {
        const app = await store.app(id);
        return (
          app && {
            client_id: app.client_id,
            client_name: app.name,
            redirect_uris: JSON.parse(app.redirect_uris) as string[],
            scope: (JSON.parse(app.scopes) as string[]).join(' '),
            token_endpoint_auth_method: 'none',
            grant_types: ['authorization_code'],
            response_types: ['code'],
          }
        );
      }
      return store.find(this.model, id, Date.now());
    }

    async findByUid(uid: string): Promise<Record<string, unknown> | undefined> {
      return store.findByUid(this.model, uid, Date.now());
    }

    async findByUserCode(): Promise<undefined> {
      return undefined;
    }

    async consume(id: string): Promise<void> {
      await store.consume(this.model, id, Date.now());
    }

    async destroy(id: string): Promise<void> {
      await store.destroy(this.model, id);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await store.revokeByGrantId(grantId);
    }
  };
}

/** No address to make the issuer from: the server is not listening yet and HEALTHCODE_PUBLIC_URL is not set. */
export class HostAppsUnavailableError extends Error {
  constructor() {
    super('host app sign-in is not available until this server knows its public address: set HEALTHCODE_PUBLIC_URL');
    this.name = 'HostAppsUnavailableError';
  }
}

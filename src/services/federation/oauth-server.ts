import type { IncomingMessage, ServerResponse } from 'node:http';
import Provider, { errors as oidcErrors, type Configuration } from 'oidc-provider';
import { HOST_SCOPES } from '../../domain/federation/host-scopes.js';
import { deriveSubkey } from '../../privacy/field-cipher.js';
import type { ServiceContext } from '../context.js';
import type { KeysService } from '../keys-service.js';
import { oauthAdapter } from './oauth-adapter.js';
import { ForbiddenError, NotFoundError } from '../service-errors.js';

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

/**
 * The OAuth 2.0 authorization server for host apps, by oidc-provider (certified, maintained): the
 * authorization code flow with PKCE for public clients, short opaque access tokens for this API and
 * nothing else, consent given in the resident app. What it is configured with, where it is mounted,
 * and which browser an authorization belongs to; what residents allow is HostAppsService's.
 */
export class OAuthServer {
  #provider: Provider | undefined;
  /** This server's origin as others reach it: the issuer is made from it, never from a request's Host header. */
  #origin: string | undefined;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly keys: KeysService,
  ) {}

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
  async interaction(uid: string, browser: Browser) {
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

import { fixedPurpose } from '../../domain/audit-wording.js';
import { randomBytes } from 'node:crypto';
import { FieldErrorCollector } from '../../domain/field-errors.js';
import { HOST_SCOPES, isHostScope, type HostScope } from '../../domain/federation/host-scopes.js';
import { redirectUriRefusal } from '../../domain/federation/redirect-uris.js';
import type { AuditService } from '../audit-service.js';
import type { ServiceContext } from '../context.js';
import { HOST_API_AUDIENCE, type Browser, type OAuthServer } from './oauth-server.js';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from '../service-errors.js';

export { HOST_SCOPES, type HostScope };

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
 * Host apps and what residents let them do: registering an app, the consent screen's API, the apps a
 * resident let in and their removal from "Me", and which resident a token acts for. The authorization
 * server itself (oidc-provider) is OAuthServer.
 */
export class HostAppsService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly oauth: OAuthServer,
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

  /** What the consent screen shows: which app asks for what. Refused when the interaction has expired, is unknown, or was started in another browser. */
  async consentRequest(uid: string, browser: Browser): Promise<ConsentRequest> {
    const interaction = await this.oauth.interaction(uid, browser);
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
    const provider = await this.oauth.provider();
    const request = await this.consentRequest(uid, browser);
    const interaction = await this.oauth.interaction(uid, browser);
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
    const interaction = await this.oauth.interaction(uid, browser);
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
    const provider = await this.oauth.provider();
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


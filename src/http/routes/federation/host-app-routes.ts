import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HOST_SCOPE_FIELDS, onlyScopeFields } from '../../../domain/federation/host-scopes.js';
import { HOST_SCOPES } from '../../../services/federation/host-apps-service.js';
import { OAUTH_PATH } from '../../../services/federation/oauth-server.js';
import { NotFoundError } from '../../../services/service-errors.js';
import type { Services } from '../../../services/services.js';
import { hostAppResident, residentCaller, staffCaller } from '../../route-access.js';
import { HealthCodeSchema, TravelCardSchema } from '../../response-schemas.js';
import { DeclarationBody, DeclarationSchema, problemResponses, ResidentIdParams } from '../../schemas.js';
import { declarationWire, healthCodeView, travelCardView } from '../../views.js';
import { wireTime } from '../../wire.js';

const Uid = Type.Object({ uid: Type.String({ minLength: 1, maxLength: 100 }) });
const Redirect = Type.Object({ redirectTo: Type.String({ description: 'Where the browser goes on, to finish the authorization' }) });
// What a host app is sent: the fields its scope names (domain/federation/host-scopes.ts), the serializer drops any other.
const HostHealthCodeSchema = Type.Pick(HealthCodeSchema, [...HOST_SCOPE_FIELDS['code:read']]);
const HostTravelCardSchema = Type.Pick(TravelCardSchema, [...HOST_SCOPE_FIELDS['travel-card:read']]);

/**
 * Host apps (the role Alipay and WeChat played): the OAuth 2.0 authorization server under /oauth,
 * the consent screen's API for the resident app, connected apps in "Me", and the host API a host
 * app calls with its access token.
 */
export const hostAppRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  // The authorization server reads (and bounds) form bodies itself: the stream is left to it unread.
  app.addContentTypeParser('application/x-www-form-urlencoded', (_request, _payload, done) => done(null));
  const toProvider = async (request: FastifyRequest, reply: { hijack(): void }) => {
    // The consent API's own routes are below; whatever else is under its path (a malformed uid) is not the provider's.
    if (request.url.startsWith(`${OAUTH_PATH}/interaction/`)) throw new NotFoundError('authorization request');
    reply.hijack();
    await services.oauthServer.handle(request.raw, (reply as unknown as { raw: import('node:http').ServerResponse }).raw);
  };
  for (const url of [OAUTH_PATH, `${OAUTH_PATH}/*`]) app.all(url, { config: { access: { public: true } }, schema: { hide: true } }, toProvider);
  // RFC 8414 §3: an issuer with a path has its metadata at /.well-known/oauth-authorization-server
  // followed by that path. The provider's own document (a superset of RFC 8414's) is served there.
  app.get(`/.well-known/oauth-authorization-server${OAUTH_PATH}`, { config: { access: { public: true } }, schema: { hide: true } }, async (request, reply) => {
    request.raw.url = `${OAUTH_PATH}/.well-known/openid-configuration`;
    await toProvider(request, reply);
  });

  // The provider sends the browser here when the resident must answer, with its interaction cookie
  // set for this path; the consent screen is in the resident app, and its API below sits under this
  // path so that the same browser's cookie comes with every call.
  app.get(`${OAUTH_PATH}/interaction/:uid`, { config: { access: { public: true } }, schema: { hide: true, params: Uid } }, async (request, reply) =>
    reply.header('cache-control', 'no-store').redirect(`/resident/#/oauth?uid=${encodeURIComponent(request.params.uid)}`, 303),
  );
  const browser = (request: FastifyRequest, reply: FastifyReply) => ({ req: request.raw, res: reply.raw });
  const otherBrowser = 'Forbidden (reason other-browser): the authorization was started in another browser; this one must not answer it';

  app.get(
    `${OAUTH_PATH}/interaction/:uid/request`,
    {
      config: { access: { resident: 'signed-in' } },
      schema: {
        tags: ['host apps'],
        summary: "What a host app asks for: the consent screen (resident, in the browser that started the authorization: its interaction cookie is checked)",
        params: Uid,
        response: {
          200: Type.Object({ uid: Type.String(), client: Type.Object({ id: Type.String(), name: Type.String() }), scopes: Type.Array(Type.String()), fields: Type.Record(Type.String(), Type.Array(Type.String()), { description: 'Per scope, exactly the fields the app will be sent' }), expiresAt: Type.String() }),
          ...problemResponses(401, 403, 404),
        },
        description: otherBrowser,
      },
    },
    async (request, reply) => {
      const consent = await services.hostApps.consentRequest(request.params.uid, browser(request, reply));
      reply.header('cache-control', 'no-store');
      return { ...consent, fields: Object.fromEntries(consent.scopes.map((s) => [s, [...HOST_SCOPE_FIELDS[s]]])), expiresAt: wireTime(consent.expiresAt) };
    },
  );

  // Before signing in: which app sent the person here, and for what, by the name it was registered
  // under (never the URL's text), so the sign-in screen can say so. Not personal; the same browser's cookie still needed.
  app.get(
    `${OAUTH_PATH}/interaction/:uid/app`,
    {
      config: { access: { public: true } },
      schema: {
        tags: ['host apps'],
        summary: 'Which host app started this authorization and what it asks for, for the sign-in screen (no sign-in; the browser that started it)',
        params: Uid,
        response: {
          200: Type.Object({ app: Type.String({ description: "The app's registered display name" }), scopes: Type.Array(Type.String()) }),
          ...problemResponses(403, 404),
        },
        description: otherBrowser,
      },
    },
    async (request, reply) => {
      const consent = await services.hostApps.consentRequest(request.params.uid, browser(request, reply));
      reply.header('cache-control', 'no-store');
      return { app: consent.client.name, scopes: consent.scopes };
    },
  );

  for (const decision of ['approve', 'deny'] as const) {
    app.post(
      `${OAUTH_PATH}/interaction/:uid/${decision}`,
      {
        config: { access: { resident: 'signed-in' } },
        schema: {
          tags: ['host apps'],
          summary: decision === 'approve' ? 'Allow the host app what it asked for (resident, in the browser that started the authorization; audited)' : 'Refuse the host app (resident, in the browser that started the authorization)',
          params: Uid,
          response: { 200: Redirect, ...problemResponses(401, 403, 404) },
          description: otherBrowser,
        },
      },
      async (request, reply) => {
        const caller = residentCaller(request);
        return decision === 'approve' ? services.hostApps.approve(request.params.uid, caller.residentId, browser(request, reply)) : services.hostApps.deny(request.params.uid, browser(request, reply));
      },
    );
  }

  app.get(
    '/api/v1/residents/:id/host-apps',
    {
      config: { access: { resident: 'self' } },
      schema: {
        tags: ['host apps'],
        summary: 'The host apps you let in, with what each may do',
        params: ResidentIdParams,
        response: { 200: Type.Array(Type.Object({ clientId: Type.String(), name: Type.String(), scopes: Type.Array(Type.String()), grantedAt: Type.String() })), ...problemResponses(401, 404) },
      },
    },
    async (request) => {
      return (await services.hostApps.connectedApps(request.params.id)).map((a) => ({ ...a, grantedAt: wireTime(a.grantedAt) }));
    },
  );

  app.delete(
    '/api/v1/residents/:id/host-apps/:clientId',
    {
      config: { access: { resident: 'self' } },
      schema: {
        tags: ['host apps'],
        summary: "Remove a host app's access: every grant, code and token it has for you ends at once (audited)",
        params: Type.Object({ id: Type.String({ format: 'uuid' }), clientId: Type.String({ minLength: 1, maxLength: 100 }) }),
        response: { ...problemResponses(401, 404) },
      },
    },
    async (request, reply) => {
      await services.hostApps.revoke(request.params.id, request.params.clientId);
      return reply.code(204).send();
    },
  );

  app.post(
    '/api/v1/host-apps',
    {
      config: { access: { staff: ['authority'] } },
      schema: {
        tags: ['host apps'],
        summary: 'Register a host app: a public OAuth client using PKCE (authority)',
        body: Type.Object(
          {
            name: Type.String({ maxLength: 80 }),
            redirectUris: Type.Array(Type.String({ maxLength: 500 }), { minItems: 1, maxItems: 10 }),
            scopes: Type.Array(Type.Union(HOST_SCOPES.map((s) => Type.Literal(s))), { minItems: 1 }),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ clientId: Type.String() }), ...problemResponses(400, 401, 403, 422) },
      },
    },
    async (request, reply) => {
      return reply.code(201).send(await services.hostApps.register(request.body));
    },
  );

  // The host API: what a host app does with an access token, each within its scope.
  app.get(
    '/api/v1/host/code',
    {
      config: { access: { hostApp: 'code:read' } },
      schema: {
        tags: ['host apps'],
        summary: "The resident's code, for the host app to render its own QR (scope code:read)",
        response: { 200: HostHealthCodeSchema, ...problemResponses(401, 403) },
      },
    },
    async (request, reply) => {
      const residentId = hostAppResident(request);
      reply.header('cache-control', 'no-store');
      return onlyScopeFields('code:read', await healthCodeView(services, residentId));
    },
  );

  app.get(
    '/api/v1/host/travel-card',
    {
      config: { access: { hostApp: 'travel-card:read' } },
      schema: {
        tags: ['host apps'],
        summary: "The resident's signed travel card (scope travel-card:read)",
        response: { 200: HostTravelCardSchema, ...problemResponses(401, 403) },
      },
    },
    async (request, reply) => {
      const residentId = hostAppResident(request);
      reply.header('cache-control', 'no-store');
      return onlyScopeFields('travel-card:read', await travelCardView(services, residentId));
    },
  );

  app.post(
    '/api/v1/host/declarations',
    {
      config: { access: { hostApp: 'declarations:write' } },
      schema: {
        tags: ['host apps'],
        summary: 'Declare for the resident, as they entered it in the host app (scope declarations:write)',
        body: DeclarationBody,
        response: { 201: DeclarationSchema, ...problemResponses(400, 401, 403, 422) },
      },
    },
    async (request, reply) => {
      const residentId = hostAppResident(request);
      return reply.code(201).send(declarationWire(await services.declarations.declare(residentId, request.body)));
    },
  );
};

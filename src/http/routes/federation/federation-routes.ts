import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { bytesToBase64Url } from '../../../codes/trust-list.js';
import { operatorOf } from '../../../services/context.js';
import type { Services } from '../../../services/services.js';
import { staffCaller } from '../../route-access.js';
import { MemberStatusSchema } from '../../response-schemas.js';
import { problemResponses } from '../../schemas.js';
import { wireTime } from '../../wire.js';

const RawKey = Type.Object({ kid: Type.String(), x: Type.String({ description: 'raw Ed25519 public key, base64url' }) });
const OperatorSchema = Type.Object({ id: Type.String(), name: Type.String(), regions: Type.Array(Type.String()) });


type MemberStatus = Awaited<ReturnType<Services['hub']['members']>>[number];
const memberView = (m: MemberStatus) => ({ ...m, lastSuccessAt: wireTime(m.lastSuccessAt), lastAttemptAt: wireTime(m.lastAttemptAt), listExpiresAt: wireTime(m.listExpiresAt) });

/**
 * One country, many operators: this operator's identity and signed trust list (for the hub); on a
 * hub, its members, their freshness and the signed national list; on any operator, the national
 * list it holds, for its scanners.
 */
export const federationRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.get(
    '/api/v1/federation/identity',
    {
      config: { access: { public: true } },
      schema: {
        tags: ['federation'],
        summary: 'Who this operator is: its id, regions and the public keys that sign its documents (and, on a hub, the national list)',
        response: { 200: Type.Object({ operator: OperatorSchema, operatorKey: RawKey, hubKey: Type.Union([RawKey, Type.Null()]) }) },
      },
    },
    async () => {
      const { id, name, regions } = operatorOf(services);
      const key = await services.keys.operatorKey();
      const hubKey = services.hub.enabled ? await services.keys.hubKey() : null;
      return {
        operator: { id, name, regions },
        operatorKey: { kid: key.kid, x: bytesToBase64Url(key.publicKey) },
        hubKey: hubKey && { kid: hubKey.kid, x: bytesToBase64Url(hubKey.publicKey) },
      };
    },
  );

  app.get(
    '/api/v1/federation/trust-list',
    {
      config: { access: { public: true } },
      schema: {
        tags: ['federation'],
        summary: "This operator's trust list as the hub fetches it: COSE_Sign1 (application/cose) signed with the operator key, with an expiry",
        produces: ['application/cose'],
      },
    },
    async (_request, reply) => {
      reply.type('application/cose').header('cache-control', 'no-cache');
      return Buffer.from(await services.keys.signedTrustList());
    },
  );

  app.get(
    '/api/v1/federation/national-trust-list',
    {
      config: { access: { public: true } },
      schema: {
        tags: ['federation'],
        summary: 'The national trust list the hub publishes: COSE_Sign1 (application/cose) signed with the hub key, with a sequence number and an expiry (hub only)',
        produces: ['application/cose'],
        response: { ...problemResponses(403) },
      },
    },
    async (_request, reply) => {
      const list = await services.hub.nationalList();
      reply.type('application/cose').header('cache-control', 'no-cache').header('x-sequence', String(list.sequence));
      return Buffer.from(list.document);
    },
  );

  app.get(
    '/api/v1/national-trust-list',
    {
      config: { access: { public: true } },
      schema: {
        tags: ['federation'],
        summary: "The national trust list this operator holds, for its scanners: the hub's signed document as it came, and the hub key it verified against",
        description: 'A scanner pins the hub key the first time and afterwards accepts only documents signed with it, with a sequence no lower than the one it has.',
        response: {
          200: Type.Object({ hubKey: Type.String(), sequence: Type.Integer(), expiresAt: Type.String(), document: Type.String({ description: 'COSE_Sign1, base64url' }) }),
          204: Type.Null({ description: 'This operator is in no federation, or has not reached its hub yet' }),
        },
      },
    },
    async (_request, reply) => {
      const current = await services.nationalList.current();
      if (!current) return reply.code(204).send(null);
      reply.header('cache-control', 'no-cache');
      return { hubKey: current.hubKey, sequence: current.sequence, expiresAt: wireTime(current.expiresAt), document: bytesToBase64Url(current.document) };
    },
  );

  app.get(
    '/api/v1/federation/status',
    {
      config: { access: { public: true } },
      schema: {
        tags: ['federation'],
        summary: "The hub's status page: each member's freshness, the last successful fetch and the last error (hub only; public)",
        response: {
          200: Type.Object({ hub: Type.String(), sequence: Type.Integer(), issuedAt: Type.String(), expiresAt: Type.String(), members: Type.Array(MemberStatusSchema) }),
          ...problemResponses(403),
        },
      },
    },
    async () => {
      // On a hub, the list it holds is its own newest (a non-hub is refused by the members read below).
      const members = (await services.hub.members()).map(memberView);
      const { list, expiresAt } = (await services.nationalList.current())!;
      return {
        hub: operatorOf(services).id,
        sequence: list.sequence,
        issuedAt: wireTime(list.issuedAt * 1000),
        expiresAt: wireTime(expiresAt),
        members,
      };
    },
  );

  app.post(
    '/api/v1/federation/members',
    {
      config: { access: { staff: ['authority'] } },
      schema: {
        tags: ['federation'],
        summary: 'Register or update a member operator (hub authority)',
        description: "operatorKey is the member's key as `healthcode federation identity` prints it there, given out of band; in development it may be left out and is then learned on first contact and pinned.",
        body: Type.Object(
          {
            id: Type.String({ maxLength: 40 }),
            name: Type.String({ maxLength: 80 }),
            regions: Type.Array(Type.String({ maxLength: 6 }), { minItems: 1, maxItems: 400 }),
            url: Type.String({ maxLength: 300 }),
            contact: Type.String({ maxLength: 200 }),
            operatorKey: Type.Optional(Type.String({ maxLength: 43 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: MemberStatusSchema, ...problemResponses(400, 401, 403, 409, 422) },
      },
    },
    async (request, reply) => {
      return reply.code(201).send(memberView(await services.hub.addMember(request.body)));
    },
  );

  app.get(
    '/api/v1/federation/members',
    { config: { access: { staff: ['authority'] } }, schema: { tags: ['federation'], summary: 'Member operators and their freshness (hub authority)', response: { 200: Type.Array(MemberStatusSchema), ...problemResponses(401, 403) } } },
    async (request) => {
      return (await services.hub.members()).map(memberView);
    },
  );

  app.delete(
    '/api/v1/federation/members/:memberId',
    {
      config: { access: { staff: ['authority'] } },
      schema: {
        tags: ['federation'],
        summary: 'Remove a member: its keys leave the next national list (hub authority)',
        params: Type.Object({ memberId: Type.String({ maxLength: 40 }) }),
        response: { ...problemResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await services.hub.removeMember(request.params.memberId);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/v1/federation/visitors',
    {
      config: { access: { staff: ['authority', 'auditor'] } },
      schema: {
        tags: ['federation'],
        summary: "Visitors' codes scanned at this operator's checkpoints, by issuing region and operator: counts only (authority, auditor)",
        querystring: Type.Object({ days: Type.Optional(Type.Integer({ minimum: 1, maximum: 28, default: 14 })) }, { additionalProperties: false }),
        response: {
          200: Type.Array(
            Type.Object({ issuer: Type.String(), region: Type.String(), operator: Type.Union([Type.String(), Type.Null()]), operatorName: Type.Union([Type.String(), Type.Null()]), scans: Type.Integer(), admitted: Type.Integer() }),
          ),
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (request) => {
      return services.nationalList.visitorScans(request.query.days ?? 14);
    },
  );

  app.post(
    '/api/v1/federation/refresh',
    {
      config: { access: { staff: ['authority'] } },
      schema: {
        tags: ['federation'],
        summary: "Fetch now: on a hub, every member's trust list, then publish; on a member, the hub's national list (authority)",
        response: { 200: Type.Object({ sequence: Type.Union([Type.Integer(), Type.Null()]), error: Type.Union([Type.String(), Type.Null()]) }), ...problemResponses(401, 403) },
      },
    },
    async (request) => {
      if (services.hub.enabled) return { sequence: (await services.hub.refreshAll()).sequence, error: null };
      const result = await services.nationalList.refresh();
      return 'sequence' in result ? { sequence: result.sequence, error: null } : { sequence: null, error: result.error };
    },
  );
};

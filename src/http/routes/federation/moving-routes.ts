import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../../../services/services.js';
import { GrantGivenSchema } from '../../response-schemas.js';
import { AddressSchema, problemResponses, ResidentIdParams, SessionSchema, SignInTicket, signInProblemResponses } from '../../schemas.js';
import { sessionWire } from '../../views.js';
import { wireTime } from '../../wire.js';


/**
 * Moving between regions without registering twice (GB/T 38963 "query" between platforms): the
 * resident's grant at home, the bundle the home releases to the destination, and the destination
 * admitting the visitor with it.
 */
export const movingRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.addContentTypeParser('application/cose', { parseAs: 'buffer', bodyLimit: 65_536 }, (_request, body, done) => done(null, body));
  app.get(
    '/api/v1/federation/operators',
    {
      config: { access: { public: true } },
      schema: {
        tags: ['federation'],
        summary: 'The operators of the national trust list, with the regions each serves (public): where a resident can take their registration',
        response: { 200: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), regions: Type.Array(Type.String()), status: Type.String() })) },
      },
    },
    async () => ((await services.nationalList.current())?.list.members ?? []).map((m) => ({ id: m.id, name: m.name, regions: m.regions, status: m.status })),
  );

  app.post(
    '/api/v1/residents/:id/fact-grants',
    {
      config: { access: { resident: 'self' } },
      schema: {
        tags: ['federation'],
        summary: 'Give a one-time grant for another operator to fetch your facts once, within 15 minutes (stays, contacts, cases, tests, vaccinations; no ID number, masked name only)',
        params: ResidentIdParams,
        body: Type.Object({ audience: Type.String({ minLength: 2, maxLength: 40, description: 'the destination operator id' }) }, { additionalProperties: false }),
        response: {
          201: GrantGivenSchema,
          ...problemResponses(400, 401, 403, 404, 422),
        },
      },
    },
    async (request, reply) => {
      const grant = await services.moving.giveGrant(request.params.id, request.body.audience);
      return reply.code(201).send({ ...grant, expiresAt: wireTime(grant.expiresAt) });
    },
  );

  app.get(
    '/api/v1/residents/:id/fact-grants',
    {
      config: { access: { resident: 'self' } },
      schema: {
        tags: ['federation'],
        summary: 'The grants you gave: to which operator, when, and whether it fetched your facts',
        params: ResidentIdParams,
        response: { 200: Type.Array(Type.Object({ audience: Type.String(), createdAt: Type.String(), expiresAt: Type.String(), usedAt: Type.Union([Type.String(), Type.Null()]) })), ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => {
      return (await services.moving.grantsOf(request.params.id)).map((g) => ({ audience: g.audience, createdAt: wireTime(g.createdAt), expiresAt: wireTime(g.expiresAt), usedAt: wireTime(g.usedAt) }));
    },
  );

  app.post(
    '/api/v1/federation/fact-bundles',
    {
      config: { access: { public: true } },
      schema: {
        tags: ['federation'],
        summary: "Release a resident's signed fact bundle to the operator their grant names (operator to operator)",
        description:
          'The body is a fact request (application/cose) signed with the asking operator’s key as the national list has it, carrying the grant. Refusals are problem+json with a reason: bad-signature, unknown-operator, grant-not-for-you, grant-expired, grant-used, grant-unknown.',
        consumes: ['application/cose'],
        produces: ['application/cose'],
        response: { ...problemResponses(400, 403, 415) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      if (!Buffer.isBuffer(body)) return reply.code(415).type('application/problem+json').send({ type: '/problems/unsupported-media-type', title: 'Unsupported content type', status: 415, detail: 'send the fact request as application/cose', instance: request.url });
      const bundle = await services.moving.releaseBundle(new Uint8Array(body));
      reply.type('application/cose').header('cache-control', 'no-store');
      return Buffer.from(bundle);
    },
  );

  app.post(
    '/api/v1/visitors',
    {
      config: { access: { public: true } },
      schema: {
        tags: ['federation'],
        summary: 'Use your registration from another operator here: the grant from home, a phone proven here (its SMS code) and where you stay here',
        description: 'First POST /api/v1/sign-in/code with the phone. The home operator releases your facts once; this operator decides your colour under its own public rules and says so.',
        body: Type.Object(
          {
            grant: Type.String({ minLength: 5, maxLength: 2000 }),
            phone: Type.String({ minLength: 1, maxLength: 32 }),
            code: Type.String({ minLength: 1, maxLength: 12 }),
            ticket: Type.Optional(SignInTicket),
            address: AddressSchema,
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ residentId: Type.String(), homeOperator: Type.String(), homeOperatorName: Type.String(), created: Type.Boolean(), session: SessionSchema }),
          ...signInProblemResponses(400, 401, 403, 409, 422, 429, 502),
        },
      },
    },
    async (request, reply) => {
      const admitted = await services.moving.admitVisitor(request.body, () => app.limitRegistration(request));
      return reply.code(201).send({ ...admitted, session: sessionWire(admitted.session) });
    },
  );
};

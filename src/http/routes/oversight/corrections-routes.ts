import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { COLOURS } from '../../../domain/colour.js';
import type { Correction } from '../../../services/oversight/corrections-service.js';
import type { Services } from '../../../services/services.js';
import { staffCaller } from '../../route-access.js';
import { CorrectionSchema, Localized } from '../../response-schemas.js';
import { problemResponses, ResidentIdParams } from '../../schemas.js';
import { wireTime } from '../../wire.js';

const correctionWire = (c: Correction) => ({ ...c, expiresAt: wireTime(c.expiresAt), proposedAt: wireTime(c.proposedAt), decidedAt: wireTime(c.decidedAt), endedAt: wireTime(c.endedAt) });

const CorrectionId = Type.Object({ correctionId: Type.String({ format: 'uuid' }) });

/**
 * Corrections of one resident's colour: the reasons are public; proposing, approving (by a second
 * authority), rejecting and ending are the authority's, each audited.
 */
export const correctionsRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.get(
    '/api/v1/corrections/reasons',
    {
      config: { access: { public: true } },
      schema: {
        tags: ['corrections'],
        summary: 'The published reasons an authority may correct a colour for, and the colours each may set (no sign-in needed)',
        response: { 200: Type.Array(Type.Object({ id: Type.String(), colours: Type.Array(Type.String()), description: Localized })) },
      },
    },
    async () => services.corrections.reasons(),
  );

  app.post(
    '/api/v1/residents/:id/corrections',
    {
      config: { access: { staff: ['authority'] } },
      schema: {
        tags: ['corrections'],
        summary: "Propose a correction of one resident's colour (authority); in force once a second authority approves",
        params: ResidentIdParams,
        body: Type.Object(
          {
            colour: Type.Union(COLOURS.map((c) => Type.Literal(c))),
            reason: Type.String({ maxLength: 64 }),
            note: Type.String({ maxLength: 1000, description: 'Why, in words the resident reads' }),
            expiresAt: Type.String({ maxLength: 40, description: 'When it ends, within 14 days' }),
          },
          { additionalProperties: false },
        ),
        response: { 201: CorrectionSchema, ...problemResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request, reply) => reply.code(201).send(correctionWire(await services.corrections.propose(staffCaller(request), request.params.id, request.body))),
  );

  app.get(
    '/api/v1/corrections',
    {
      config: { access: { staff: ['authority'] } },
      schema: {
        tags: ['corrections'],
        summary: 'Corrections in a state, newest first (authority); reading them is audited',
        querystring: Type.Object({ status: Type.Optional(Type.Union(['pending', 'active', 'rejected', 'ended'].map((s) => Type.Literal(s)))) }, { additionalProperties: false }),
        response: { 200: Type.Array(CorrectionSchema), ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => (await services.corrections.list(staffCaller(request), (request.query.status ?? 'pending') as 'pending')).map(correctionWire),
  );

  for (const [action, summary] of [
    ['approve', 'Approve a correction another authority proposed: it is in force at once (authority)'],
    ['reject', 'Reject a correction another authority proposed (authority)'],
    ['end', 'End a correction in force before its expiry (authority)'],
  ] as const) {
    app.post(
      `/api/v1/corrections/:correctionId/${action}`,
      {
        config: { access: { staff: ['authority'] } },
        schema: { tags: ['corrections'], summary, params: CorrectionId, response: { 200: CorrectionSchema, ...problemResponses(400, 401, 403, 404, 409) } },
      },
      async (request) => correctionWire(await services.corrections[action](staffCaller(request), request.params.correctionId)),
    );
  }
};

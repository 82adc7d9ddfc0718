import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../../../services/services.js';
import { declarationWire } from '../../views.js';
import { DeclarationBody, DeclarationSchema, problemResponses, ResidentIdParams } from '../../schemas.js';

/** Health and travel declarations, made by the resident or a guardian for a dependent. */
export const declarationRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.post(
    '/api/v1/residents/:id/declarations',
    {
      config: { access: { resident: 'self' } },
      schema: {
        tags: ['declarations'],
        summary: 'Declare the last 14 days: stays, contacts with cases, symptoms, temperature',
        params: ResidentIdParams,
        body: DeclarationBody,
        response: { 201: DeclarationSchema, ...problemResponses(400, 401, 404, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      return reply.code(201).send(declarationWire(await services.declarations.declare(request.params.id, request.body)));
    },
  );

  app.get(
    '/api/v1/residents/:id/declarations',
    {
      config: { access: { resident: 'self' } },
      schema: {
        tags: ['declarations'],
        summary: "A resident's declarations, newest first",
        params: ResidentIdParams,
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })) }, { additionalProperties: false }),
        response: { 200: Type.Array(DeclarationSchema), ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => {
      return (await services.declarations.history(request.params.id, request.query.limit ?? 100)).map(declarationWire);
    },
  );
};

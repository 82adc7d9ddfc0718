import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../../../services/services.js';
import { TravelCardSchema } from '../../response-schemas.js';
import { problemResponses, ResidentIdParams } from '../../schemas.js';
import { travelCardView } from '../../views.js';

/** The travel card: cities stayed 4 hours or more in 14 days, from imported telecom, rail and air records, signed. */
export const travelCardRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.get(
    '/api/v1/residents/:id/travel-card',
    {
      config: { access: { resident: 'self' } },
      schema: {
        tags: ['federation'],
        summary: 'The travel card: cities stayed 4 h or more in the last 14 days, risk cities marked, each with its source; signed for offline checks',
        params: ResidentIdParams,
        response: { 200: TravelCardSchema, ...problemResponses(400, 401, 404, 409) },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return travelCardView(services, request.params.id);
    },
  );
};

import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { regionName, regionNameEn } from '../../domain/regions.js';
import type { Services } from '../../services/services.js';
import { authorizeFor } from '../auth.js';
import { TravelCardSchema } from '../response-schemas.js';
import { problemResponses, ResidentIdParams } from '../schemas.js';

const iso = (ms: number) => new Date(ms).toISOString();

/** The travel card: cities stayed 4 hours or more in 14 days, from imported telecom, rail and air records, signed. */
export const travelCardRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.get(
    '/api/v1/residents/:id/travel-card',
    {
      schema: {
        tags: ['federation'],
        summary: 'The travel card: cities stayed 4 h or more in the last 14 days, risk cities marked, each with its source; signed for offline checks',
        security: [{ bearerAuth: [] }],
        params: ResidentIdParams,
        response: { 200: TravelCardSchema, ...problemResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      await authorizeFor(services, request, request.params.id);
      const card = await services.travelCards.card(request.params.id);
      reply.header('cache-control', 'no-store');
      return {
        ...card,
        stays: card.stays.map((s) => ({
          ...s,
          cityName: s.city === null ? null : (regionName(s.city) ?? null),
          cityNameEn: s.city === null ? null : (regionNameEn(s.city) ?? null),
          arrival: iso(s.arrival),
          departure: iso(s.departure),
        })),
        issuedAt: iso(card.issuedAt),
        expiresAt: iso(card.expiresAt),
      };
    },
  );
};

import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { regionName } from '../../domain/regions.js';
import { problem, sendProblem } from '../problem.js';
import { problemResponses } from '../schemas.js';

/** Public lookup of GB/T 2260 codes, so clients show names rather than numbers. */
export const regionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/v1/regions/:code',
    {
      schema: {
        tags: ['reference'],
        summary: 'Name of an administrative division',
        params: Type.Object({ code: Type.String({ pattern: '^\\d{6}$', description: 'GB/T 2260 code' }) }),
        response: { 200: Type.Object({ code: Type.String(), name: Type.String() }), ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const name = regionName(request.params.code);
      if (name === undefined) return sendProblem(reply, problem('not-found', `no administrative division ${request.params.code}`, request.url));
      return { code: request.params.code, name };
    },
  );
};

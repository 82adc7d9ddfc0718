import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { regionName, regionNameEn, searchRegions } from '../../domain/regions.js';
import { problem, sendProblem } from '../problem.js';
import { problemResponses } from '../schemas.js';
import { toSimplified } from '../simplified-text.js';
import { toTraditional } from '../../domain/traditional-text.js';

const RegionAnswer = Type.Object({
  code: Type.String(),
  name: Type.String(),
  traditionalName: Type.String({ description: 'The name in Traditional Chinese, converted from name with OpenCC' }),
  englishName: Type.String(),
});

/** Public lookup of GB/T 2260 codes, so clients show names rather than numbers. */
export const regionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/v1/regions',
    {
      config: { access: { public: true } },
      schema: {
        tags: ['reference'],
        summary: 'Search administrative divisions by Chinese name, pinyin or English name (Yuhang, wuchang), or code, for pickers',
        querystring: Type.Object({ q: Type.String({ minLength: 1, maxLength: 40 }), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })) }, { additionalProperties: false }),
        response: { 200: Type.Array(RegionAnswer), ...problemResponses(400) },
      },
    },
    async (request) => searchRegions(request.query.q, request.query.limit ?? 20, toSimplified).map((r) => ({ ...r, traditionalName: toTraditional(r.name) })),
  );

  app.get(
    '/api/v1/regions/:code',
    {
      config: { access: { public: true } },
      schema: {
        tags: ['reference'],
        summary: 'Name of an administrative division',
        params: Type.Object({ code: Type.String({ pattern: '^\\d{6}$', description: 'GB/T 2260 code' }) }),
        response: { 200: RegionAnswer, ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const name = regionName(request.params.code);
      if (name === undefined) return sendProblem(reply, problem('not-found', `no administrative division ${request.params.code}`, request.url));
      return { code: request.params.code, name, traditionalName: toTraditional(name), englishName: regionNameEn(request.params.code)! };
    },
  );
};

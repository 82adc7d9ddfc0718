import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { RECLAIM_METHODS } from '../../services/identity-reclaims-service.js';
import type { Services } from '../../services/services.js';
import { authorizeStaff } from '../auth.js';
import { ReclaimSchema } from '../response-schemas.js';
import { problemResponses } from '../schemas.js';


const Params = Type.Object({ reclaimId: Type.String({ format: 'uuid' }) });
const Note = Type.String({ minLength: 5, maxLength: 500, description: 'What was checked, for the audit log' });

/** Identity reclaims: the authority's queue of documents claimed by someone other than the account holding them. */
export const reclaimRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.get(
    '/api/v1/identity-reclaims',
    { schema: { tags: ['residents'], summary: 'Pending identity reclaims, oldest first (authority)', security: [{ bearerAuth: [] }], response: { 200: Type.Array(ReclaimSchema), ...problemResponses(401, 403) } } },
    async (request) => {
      await authorizeStaff(services, request, ['authority']);
      return services.reclaims.pending();
    },
  );

  app.post(
    '/api/v1/identity-reclaims/:reclaimId/approve',
    {
      schema: {
        tags: ['residents'],
        summary: "Approve a reclaim after checking the authority's identity records or the document in person (authority; audited)",
        description: 'The account holding the document loses it; the claimant gets an account with the phone they proved (or, for a household member, one under the guardian who claimed). Both are told by SMS.',
        security: [{ bearerAuth: [] }],
        params: Params,
        body: Type.Object({ method: Type.Union(RECLAIM_METHODS.map((m) => Type.Literal(m))), note: Note }, { additionalProperties: false }),
        response: { 200: Type.Object({ ...ReclaimSchema.properties, residentId: Type.String() }), ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => services.reclaims.approve(await authorizeStaff(services, request, ['authority']), request.params.reclaimId, request.body),
  );

  app.post(
    '/api/v1/identity-reclaims/:reclaimId/reject',
    {
      schema: {
        tags: ['residents'],
        summary: 'Reject a reclaim (authority; audited)',
        security: [{ bearerAuth: [] }],
        params: Params,
        body: Type.Object({ note: Note }, { additionalProperties: false }),
        response: { 200: ReclaimSchema, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => services.reclaims.reject(await authorizeStaff(services, request, ['authority']), request.params.reclaimId, request.body.note),
  );
};

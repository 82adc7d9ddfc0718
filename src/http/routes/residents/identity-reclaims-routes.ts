import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { MAX_EVIDENCE_LENGTH, RECLAIM_METHODS, type ReclaimView } from '../../../services/residents/identity-reclaims-service.js';
import type { Services } from '../../../services/services.js';
import { staffCaller } from '../../route-access.js';
import { ReclaimSchema } from '../../response-schemas.js';
import { problemResponses } from '../../schemas.js';
import { wireTime } from '../../wire.js';

const reclaimWire = <R extends ReclaimView>(r: R) => ({ ...r, createdAt: wireTime(r.createdAt), proposedAt: wireTime(r.proposedAt), resolvedAt: wireTime(r.resolvedAt) });


const Params = Type.Object({ reclaimId: Type.String({ format: 'uuid' }) });
const Note = Type.String({ minLength: 5, maxLength: 500, description: 'What was checked, for the audit log' });
const Evidence = Type.Object(
  {
    method: Type.Union(RECLAIM_METHODS.map((m) => Type.Literal(m)), { description: "Where: authority-record (the public security identity records) or in-person (the document at a service point)" }),
    document: Type.String({ minLength: 1, maxLength: MAX_EVIDENCE_LENGTH, description: 'Which document was checked, e.g. 居民身份证 or 户口簿' }),
    reference: Type.String({ minLength: 1, maxLength: MAX_EVIDENCE_LENGTH, description: "A reference to the check: the records query's number, or the service point and desk" }),
  },
  { additionalProperties: false, description: "The officer's own check, recorded in the audit log" },
);
const Decision = Type.Object({ evidence: Evidence, note: Note }, { additionalProperties: false });

/** Identity reclaims: the authority's queue of documents claimed by someone other than the account holding them. */
export const reclaimRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.get(
    '/api/v1/identity-reclaims',
    { config: { access: { staff: ['authority'] } }, schema: { tags: ['residents'], summary: 'Pending identity reclaims, oldest first (authority)', response: { 200: Type.Array(ReclaimSchema), ...problemResponses(401, 403) } } },
    async (request) => {
      return (await services.reclaims.queue(staffCaller(request))).map(reclaimWire);
    },
  );

  app.post(
    '/api/v1/identity-reclaims/:reclaimId/propose',
    {
      config: { access: { staff: ['authority'] } },
      schema: {
        tags: ['residents'],
        summary: "Propose approving a reclaim, having checked the authority's identity records or the document in person (authority; audited)",
        description: 'The first of two authorities: records what was checked, where, and a reference. Nothing changes until a second authority approves.',
        params: Params,
        body: Decision,
        response: { 200: ReclaimSchema, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => reclaimWire(await services.reclaims.propose(staffCaller(request), request.params.reclaimId, request.body)),
  );

  app.post(
    '/api/v1/identity-reclaims/:reclaimId/approve',
    {
      config: { access: { staff: ['authority'] } },
      schema: {
        tags: ['residents'],
        summary: 'Approve a proposed reclaim, as a second authority who checked too (authority; audited)',
        description: 'Refused (403) to the authority who proposed it, and (409) before a proposal. The account holding the document loses it; the claimant gets an account with the phone they proved (or, for a household member, the member added while the claim waited holds it, checked). Both are told by SMS.',
        params: Params,
        body: Decision,
        response: { 200: Type.Object({ ...ReclaimSchema.properties, residentId: Type.String() }), ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => reclaimWire(await services.reclaims.approve(staffCaller(request), request.params.reclaimId, request.body)),
  );

  app.post(
    '/api/v1/identity-reclaims/:reclaimId/reject',
    {
      config: { access: { staff: ['authority'] } },
      schema: {
        tags: ['residents'],
        summary: 'Reject a reclaim (authority; audited)',
        params: Params,
        body: Type.Object({ note: Note }, { additionalProperties: false }),
        response: { 200: ReclaimSchema, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => reclaimWire(await services.reclaims.reject(staffCaller(request), request.params.reclaimId, request.body.note)),
  );
};

import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../../../services/services.js';
import type { CaseTimeline } from '../../../services/tracing/case-finder-service.js';
import { staffCaller } from '../../route-access.js';
import { CaseTimelineSchema, GranteeSchema, SearchResultSchema, StaffGrantSchema } from './case-finder-schemas.js';
import { problemResponses, ResidentIdParams } from '../../schemas.js';
import { wireTime } from '../../wire.js';

const caseTimelineWire = (t: CaseTimeline) => ({
  ...t,
  from: wireTime(t.from),
  to: wireTime(t.to),
  visits: t.visits.map((v) => ({ ...v, at: wireTime(v.at) })),
  traces: t.traces.map((r) => ({ ...r, from: wireTime(r.from), to: wireTime(r.to), openedAt: wireTime(r.openedAt) })),
});

const GrantIdQuery = Type.Object({ grantId: Type.String({ format: 'uuid' }) }, { additionalProperties: false });

/** Officers find residents and cases by what they know, under a grant, and act on them by clicking. */
export const caseFindingRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.get(
    '/api/v1/grants/mine',
    {
      config: { access: { staff: ['tracer', 'authority'] } },
      schema: {
        tags: ['tracing'],
        summary: "The caller's live grants, to pick from (tracer or authority)",
        response: {
          200: Type.Array(StaffGrantSchema),
          ...problemResponses(401, 403),
        },
      },
    },
    async (request) => (await services.caseFinder.myGrants(staffCaller(request))).map((g) => ({ ...g, expiresAt: wireTime(g.expiresAt) })),
  );

  app.get(
    '/api/v1/staff/grantees',
    {
      config: { access: { staff: ['authority'] } },
      schema: {
        tags: ['tracing'],
        summary: 'Tracers and authorities the caller may give a grant to (authority)',
        response: { 200: Type.Array(GranteeSchema), ...problemResponses(401, 403) },
      },
    },
    async (request) => services.caseFinder.grantees(staffCaller(request)),
  );

  app.post(
    '/api/v1/residents/search',
    {
      config: { access: { staff: ['tracer', 'authority'] } },
      schema: {
        tags: ['tracing'],
        summary: 'Find residents or cases by ID number, mobile number or name, masked (tracer or authority, under a grant; audited)',
        description:
          'An ID number or a phone is matched through its blind index; a name (whole, part or masked, 张*芳) among the confirmed and suspected cases of the last 28 days. Only residents of the regions the caller answers for are found, and only the one a grant names, if it names one. No match answers 404 with reason no-match.',
        body: Type.Object({ grantId: Type.String({ format: 'uuid' }), query: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
        response: { 200: SearchResultSchema, ...problemResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request) => services.caseFinder.search(staffCaller(request), request.body),
  );

  app.get(
    '/api/v1/residents/:id/timeline',
    {
      config: { access: { staff: ['tracer', 'authority'] } },
      schema: {
        tags: ['tracing'],
        summary: "A case's visits over the last 14 days and the traces opened for it (tracer or authority, under a grant; audited)",
        params: ResidentIdParams,
        querystring: GrantIdQuery,
        response: {
          200: CaseTimelineSchema,
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => caseTimelineWire(await services.caseFinder.timeline(staffCaller(request), request.params.id, request.query.grantId)),
  );
};

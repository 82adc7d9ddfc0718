import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { COLOURS } from '../../../domain/colour.js';
import { APPEAL_OUTCOMES, type Appeal } from '../../../services/oversight/appeals-service.js';
import type { Services } from '../../../services/services.js';
import { staffCaller } from '../../route-access.js';
import { AppealSchema, DashboardSchema } from '../../response-schemas.js';
import { problemResponses, ResidentIdParams } from '../../schemas.js';
import { appealsView } from '../../views.js';
import { wireTime } from '../../wire.js';

const appealWire = (a: Appeal) => ({ ...a, createdAt: wireTime(a.createdAt), resolvedAt: wireTime(a.resolvedAt), dueAt: wireTime(a.dueAt), escalatedAt: wireTime(a.escalatedAt) });

/** Appeals against a decision: filed by the resident (or for a dependent), answered by the authority. */
export const appealsRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.post(
    '/api/v1/residents/:id/appeals',
    {
      config: { access: { resident: 'self' } },
      schema: {
        tags: ['appeals'],
        summary: 'Appeal against the current colour, saying why',
        params: ResidentIdParams,
        body: Type.Object({ message: Type.String({ maxLength: 4000 }), colourAsked: Type.Optional(Type.Union(COLOURS.map((c) => Type.Literal(c)), { description: 'The colour the resident says is right' })) }, { additionalProperties: false }),
        response: { 201: AppealSchema, ...problemResponses(400, 401, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const [filed] = await appealsView(services, request.params.id, [await services.appeals.file(request.params.id, request.body.message, request.body.colourAsked)]);
      return reply.code(201).send(appealWire(filed!));
    },
  );

  app.get(
    '/api/v1/residents/:id/appeals',
    {
      config: { access: { resident: 'self' } },
      schema: { tags: ['appeals'], summary: 'A resident’s appeals and their answers, newest first', params: ResidentIdParams, response: { 200: Type.Array(AppealSchema), ...problemResponses(400, 401, 404) } },
    },
    async (request) => {
      return (await appealsView(services, request.params.id, await services.appeals.ofResident(request.params.id))).map(appealWire);
    },
  );

  app.get(
    '/api/v1/appeals',
    {
      config: { access: { staff: ['authority'] } },
      schema: {
        tags: ['appeals'],
        summary: 'The appeals queue, oldest first (authority); reading it is audited',
        querystring: Type.Object({ status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('resolved')])) }, { additionalProperties: false }),
        response: { 200: Type.Array(AppealSchema), ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => (await services.appeals.queue(staffCaller(request), request.query.status ?? 'open')).map(appealWire),
  );

  app.post(
    '/api/v1/appeals/:appealId/answer',
    {
      config: { access: { staff: ['authority'] } },
      schema: {
        tags: ['appeals'],
        summary: 'Answer an appeal (authority); the resident is told by SMS',
        description:
          'upheld: the decision stands. corrected: the record it rested on (a case, a risk area, a trace) was fixed where that record lives and the colour has changed since; refused with 409 while the colour is still the one appealed. To set the colour by hand, propose a correction from the appeal (POST /api/v1/appeals/{appealId}/correction).',
        params: Type.Object({ appealId: Type.String({ format: 'uuid' }) }),
        body: Type.Object({ outcome: Type.Union(APPEAL_OUTCOMES.map((o) => Type.Literal(o))), response: Type.String({ maxLength: 4000 }) }, { additionalProperties: false }),
        response: { 200: AppealSchema, ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request) => appealWire(await services.appeals.resolve(staffCaller(request), request.params.appealId, request.body)),
  );

  app.post(
    '/api/v1/appeals/:appealId/correction',
    {
      config: { access: { staff: ['authority'] } },
      schema: {
        tags: ['appeals'],
        summary: "Uphold an appeal with a correction of the resident's colour (authority): proposed for a second authority's approval, the appeal answered with it",
        description: 'The resident is told the appeal was upheld and the correction awaits approval; their colour changes (and they are texted) only once a second authority approves it.',
        params: Type.Object({ appealId: Type.String({ format: 'uuid' }) }),
        body: Type.Object(
          {
            colour: Type.Union(COLOURS.map((c) => Type.Literal(c))),
            reason: Type.String({ maxLength: 64 }),
            note: Type.String({ maxLength: 1000, description: 'Why, in words the resident reads on their "why" screen' }),
            expiresAt: Type.String({ maxLength: 40, description: 'When it ends, within 14 days' }),
            response: Type.String({ maxLength: 4000, description: 'The answer to the appeal' }),
          },
          { additionalProperties: false },
        ),
        response: { 201: AppealSchema, ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => reply.code(201).send(appealWire(await services.appeals.proposeCorrection(staffCaller(request), request.params.appealId, request.body))),
  );

  app.get(
    '/api/v1/dashboard',
    {
      config: { access: { staff: ['authority', 'auditor'] } },
      schema: {
        tags: ['authority'],
        summary: "Counts for the authority dashboard, of the caller's region or one under it: colours by district and over time, scans per hour, quarantines ending, appeals overdue, corrections by staff (authority, auditor)",
        description:
          "Every count is of the region asked (`region`), by default the caller's own; a region outside the one the credential answers for is refused 403 naming the field. A count under `smallCount` is shown as { atLeast, atMost }, and so is every total holding one (docs/api.md, \"Small counts\").",
        querystring: Type.Object(
          { region: Type.Optional(Type.String({ pattern: '^\\d{2,6}$', description: "A district, city or province code (or its prefix: 3301) within the caller's region" })), days: Type.Optional(Type.Integer({ minimum: 1, maximum: 60 })) },
          { additionalProperties: false },
        ),
        response: { 200: DashboardSchema, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const counts = await services.stats.dashboard(staffCaller(request), { ...(request.query.region ? { region: request.query.region } : {}), ...(request.query.days ? { days: request.query.days } : {}) });
      return { ...counts, generatedAt: wireTime(counts.generatedAt), scansPerHour: counts.scansPerHour.map((h) => ({ ...h, hour: wireTime(h.hour) })) };
    },
  );
};

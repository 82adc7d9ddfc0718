import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { toCsv } from '../../../domain/csv.js';
import type { AuditEntry } from '../../../services/audit-service.js';
import type { Services } from '../../../services/services.js';
import { staffCaller } from '../../route-access.js';
import { AuditEntrySchema, TraceSchema } from '../../response-schemas.js';
import { TraceOutcomeSchema, TracePreviewSchema } from './case-finder-schemas.js';
import { problemResponses, ResidentIdParams } from '../../schemas.js';
import { wireTime } from '../../wire.js';


const auditEntryWire = (e: AuditEntry) => ({ ...e, at: wireTime(e.at) });
const TraceParams = Type.Object({ traceId: Type.String({ format: 'uuid' }) });

/** Grants, contact tracing, and the audit log that records who read what and why. */
export const tracingRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.post(
    '/api/v1/grants',
    {
      config: { access: { staff: ['authority'] } },
      schema: {
        tags: ['tracing'],
        summary: 'Give a staff member a purpose-bound, expiring grant (authority)',
        body: Type.Object(
          {
            staffId: Type.String({ format: 'uuid' }),
            scope: Type.Union([Type.Literal('trace'), Type.Literal('read-personal')]),
            purpose: Type.String({ minLength: 5, maxLength: 500 }),
            residentId: Type.Optional(Type.String({ format: 'uuid' })),
            hours: Type.Integer({ minimum: 1, maximum: 168 }),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ id: Type.String(), expiresAt: Type.String() }), ...problemResponses(400, 401, 403, 422) },
      },
    },
    async (request, reply) => {
      const staff = staffCaller(request);
      const grant = await services.audit.grant(staff, { ...request.body, residentId: request.body.residentId ?? null });
      return reply.code(201).send({ ...grant, expiresAt: wireTime(grant.expiresAt) });
    },
  );

  app.get(
    '/api/v1/staff/me',
    { config: { access: { staff: ['authority', 'tracer', 'checkpoint', 'venue', 'auditor'] } }, schema: { tags: ['tracing'], summary: 'Who this staff credential is, its role, and the region it answers for', response: { 200: Type.Object({ id: Type.String(), name: Type.String(), role: Type.String(), region: Type.Union([Type.String(), Type.Null()], { description: 'The district, city or province this person answers for; null: every region this operator serves' }) }), ...problemResponses(401) } } },
    async (request) => {
      const staff = staffCaller(request);
      return { id: staff.id, name: staff.name, role: staff.role, region: staff.region };
    },
  );

  app.post(
    '/api/v1/residents/find',
    {
      config: { access: { staff: ['tracer', 'authority'] } },
      schema: {
        tags: ['tracing'],
        summary: 'Find a case by phone or identity document (tracer or authority, with a read-personal grant; audited)',
        body: Type.Object(
          { grantId: Type.String({ format: 'uuid' }), phone: Type.Optional(Type.String({ maxLength: 40 })), idType: Type.Optional(Type.String({ maxLength: 40 })), idNumber: Type.Optional(Type.String({ maxLength: 32 })), idCountry: Type.Optional(Type.String({ maxLength: 3 })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ residentId: Type.String(), maskedName: Type.String(), colour: Type.Union([Type.String(), Type.Null()]) }), ...problemResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request) => services.caseFinder.findResident(staffCaller(request), request.body),
  );

  app.post(
    '/api/v1/traces',
    {
      config: { access: { staff: ['tracer', 'authority'] } },
      schema: {
        tags: ['tracing'],
        summary: 'Open a trace for a confirmed case (tracer or authority, with a trace grant)',
        body: Type.Object({ caseResidentId: Type.String({ format: 'uuid' }), from: Type.String({ maxLength: 40 }), to: Type.String({ maxLength: 40 }), grantId: Type.String({ format: 'uuid' }) }, { additionalProperties: false }),
        response: { 201: TraceSchema, ...problemResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      const staff = staffCaller(request);
      return reply.code(201).send(await services.tracing.open(staff, request.body));
    },
  );

  app.get(
    '/api/v1/traces/:traceId',
    {
      config: { access: { staff: ['tracer', 'authority'] } },
      schema: {
        tags: ['tracing'],
        summary: 'A trace (tracer or authority, with a live trace grant that covers its case; the read is audited)',
        description: 'Without grantId, any live trace grant of the caller that covers the case is used.',
        params: TraceParams,
        querystring: Type.Object({ grantId: Type.Optional(Type.String({ format: 'uuid' })) }, { additionalProperties: false }),
        response: { 200: TraceSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => services.tracing.get(staffCaller(request), request.params.traceId, request.query.grantId),
  );

  app.get(
    '/api/v1/traces/:traceId/preview',
    {
      config: { access: { staff: ['tracer', 'authority'] } },
      schema: {
        tags: ['tracing'],
        summary: 'What confirming the trace would do: how many contacts would turn which colour (nothing is recorded but the read)',
        description: 'Without grantId, any live trace grant of the caller that covers the case is used. Refused outside the caller\'s region (the case\'s district decides).',
        params: TraceParams,
        querystring: Type.Object({ grantId: Type.Optional(Type.String({ format: 'uuid' })) }, { additionalProperties: false }),
        response: { 200: TracePreviewSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => services.tracing.preview(staffCaller(request), request.params.traceId, request.query.grantId),
  );

  app.post(
    '/api/v1/traces/:traceId/confirm',
    {
      config: { access: { staff: ['authority'] } },
      schema: {
        tags: ['tracing'],
        summary: 'Confirm the contacts: close and secondary contact facts, re-decision, notifications (authority of the case\'s region, under a live trace grant that covers the case)',
        params: TraceParams,
        body: Type.Object({ grantId: Type.String({ format: 'uuid' }) }, { additionalProperties: false }),
        response: { 200: TraceOutcomeSchema, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => services.tracing.confirm(staffCaller(request), request.params.traceId, request.body.grantId),
  );

  app.get(
    '/api/v1/audit-log',
    {
      config: { access: { staff: ['auditor'] } },
      schema: {
        tags: ['tracing'],
        summary: 'The access log, newest first (auditor)',
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }, { additionalProperties: false }),
        response: { 200: Type.Array(AuditEntrySchema), ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      return (await services.audit.entries({ limit: request.query.limit ?? 100 })).map(auditEntryWire);
    },
  );

  app.get(
    '/api/v1/audit-log.csv',
    {
      config: { access: { staff: ['auditor'] } },
      schema: {
        tags: ['tracing'],
        summary: 'The access log as CSV for a spreadsheet, newest first (auditor); cells that a spreadsheet would run as formulas are written as text',
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })) }, { additionalProperties: false }),
        response: { ...problemResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const entries = await services.audit.entries({ limit: request.query.limit ?? 10_000 });
      reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="audit-log.csv"');
      return toCsv(
        ['seq', 'at', 'actor', 'action', 'purpose', 'residentId', 'detail', 'hash'],
        entries.map((e) => [e.seq, wireTime(e.at), e.actor, e.action, e.purpose, e.residentId, JSON.stringify(e.detail), e.hash]),
      );
    },
  );

  app.get(
    '/api/v1/audit-log/verify',
    {
      config: { access: { staff: ['auditor'] } },
      schema: {
        tags: ['tracing'],
        summary: 'Check the hash chain of the whole log (auditor)',
        response: { 200: Type.Object({ entries: Type.Integer(), firstBroken: Type.Union([Type.Integer(), Type.Null()]), problem: Type.Union([Type.String(), Type.Null()]) }), ...problemResponses(401, 403) },
      },
    },
    async (request) => {
      return services.audit.verify();
    },
  );

  app.get(
    '/api/v1/residents/:id/access-log',
    {
      config: { access: { resident: 'self' } },
      schema: {
        tags: ['tracing'],
        summary: 'Who accessed my data, and why',
        params: ResidentIdParams,
        response: { 200: Type.Array(AuditEntrySchema), ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => {
      return (await services.audit.entries({ residentId: request.params.id, limit: 500 })).map(auditEntryWire);
    },
  );
};


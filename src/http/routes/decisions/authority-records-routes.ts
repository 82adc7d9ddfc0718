import { Readable } from 'node:stream';
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IMPORT_KINDS, type ImportKind } from '../../../domain/decisions/authority-records.js';
import { parseImport } from '../../../services/decisions/import-parsing.js';
import type { RiskArea } from '../../../services/decisions/authority-records-service.js';
import type { Services } from '../../../services/services.js';
import { staffCaller } from '../../route-access.js';
import { ImportReportSchema, RiskAreaPreviewSchema, RiskAreaSavedSchema, RiskAreaSchema } from '../../response-schemas.js';
import { problemResponses } from '../../schemas.js';
import { wireTime } from '../../wire.js';

const riskAreaWire = (a: RiskArea) => ({ ...a, from: wireTime(a.from), to: wireTime(a.to) });





/** Risk areas (public to read) and the authority's bulk imports. */
const RiskAreaBody = Type.Object(
  {
    region: Type.Optional(Type.String({ maxLength: 12 })),
    country: Type.Optional(Type.String({ maxLength: 3 })),
    level: Type.Union([Type.Literal('high'), Type.Literal('medium'), Type.Literal('low')]),
    from: Type.String({ maxLength: 40 }),
    to: Type.Optional(Type.Union([Type.String({ maxLength: 40 }), Type.Null()])),
  },
  { additionalProperties: false },
);

export const authorityRoutes: FastifyPluginAsyncTypebox<{ services: Services; importBodyLimit: number }> = async (app, { services, importBodyLimit }) => {
  // Import bodies are read as text and parsed row by row, so one bad row does not sink the file.
  app.addContentTypeParser(['application/x-ndjson', 'text/csv'], { parseAs: 'string', bodyLimit: importBodyLimit }, (_request, body, done) => done(null, body));

  app.get(
    '/api/v1/risk-areas',
    { config: { access: { public: true } }, schema: { tags: ['authority'], summary: 'Listed risk areas and countries (no sign-in needed)', response: { 200: Type.Array(RiskAreaSchema) } } },
    async () => (await services.authority.riskAreas()).map(riskAreaWire),
  );

  app.post(
    '/api/v1/risk-areas',
    {
      config: { access: { staff: ['authority'] } },
      schema: {
        tags: ['authority'],
        summary: 'List a risk area, or change one (the same place and level over a period that meets it: its start moved, its end set); affected residents are re-decided at once',
        description: 'Answers what it did as its preview does: only residents of the region the caller answers for (named in counted), each count through the small-count protection. The exact operator-wide counts are in the audit entry of the listing.',
        body: RiskAreaBody,
        response: { 200: RiskAreaSavedSchema, ...problemResponses(400, 401, 403, 413, 415, 422) },
      },
    },
    async (request) => {
      const set = await services.previews.setRiskArea(staffCaller(request), request.body);
      return { ...set, area: riskAreaWire(set.area) };
    },
  );

  app.post(
    '/api/v1/risk-areas/preview',
    {
      config: { access: { staff: ['authority'] } },
      schema: {
        tags: ['authority'],
        summary: "What listing a risk area would do, before it is saved (authority): the caller's region's residents decided again, and colour changes",
        description: 'Counts only residents of the region the caller answers for (named in counted), each through the small-count protection as on the dashboard; every preview is written to the audit log with what it showed.',
        body: RiskAreaBody,
        response: { 200: RiskAreaPreviewSchema, ...problemResponses(400, 401, 403, 413, 415, 422) },
      },
    },
    async (request) => {
      return services.previews.riskArea(staffCaller(request), request.body);
    },
  );

  app.post(
    '/api/v1/imports/:kind',
    {
      config: { access: { staff: ['authority'] } },
      schema: {
        tags: ['authority'],
        summary: 'Bulk import (authority): NDJSON (application/x-ndjson) or CSV (text/csv) with a header row',
        description: "Rows are matched to residents by idType+idNumber (+idCountry) or phone, among the residents of the regions the caller answers for: a row naming anyone else is reported unmatched, exactly as a number nobody registered. Invalid and unmatched rows are reported with their line numbers; valid rows are kept; importing the same file again changes nothing. Each import is written to the audit log (kind and counts), and each resident a record was written for sees it in their access log.",
        params: Type.Object({ kind: Type.Union(IMPORT_KINDS.map((k) => Type.Literal(k))) }),
        response: { 200: ImportReportSchema, ...problemResponses(400, 401, 403, 413, 415) },
      },
    },
    async (request) => {
      const format = String(request.headers['content-type']).startsWith('text/csv') ? 'csv' : 'ndjson';
      if (typeof request.body !== 'string') throw Object.assign(new Error('send the file as application/x-ndjson or text/csv'), { statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' });
      return services.authority.import(request.params.kind as ImportKind, parseImport(format, Readable.from([request.body])), { staff: staffCaller(request) });
    },
  );
};

import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../../../services/services.js';
import { ShownCountSchema } from '../../response-schemas.js';
import { problemResponses } from '../../schemas.js';

const Report = Type.Object(
  {
    report: Type.Object({
      id: Type.String(),
      operator: Type.String(),
      region: Type.String(),
      regionName: Type.String(),
      requestedBy: Type.String({ description: 'Staff id of the authority who asked' }),
      requestedAt: Type.String(),
      approvedBy: Type.String({ description: 'Staff id of the second authority, who approved' }),
      approvedAt: Type.String(),
      finishedAt: Type.String(),
      smallCount: Type.Optional(Type.Integer({ description: 'Counts from 1 to this less one are shown as { atLeast, atMost } (HEALTHCODE_SMALL_COUNT); absent in reports published before counts were shown so, whose counts are exact' })),
      residents: { ...ShownCountSchema, description: 'Residents whose personal data was destroyed, as the dashboard shows counts (docs/api.md, "Small counts"); the exact figure is in the audit entry of the run' },
      deleted: Type.Record(Type.String(), ShownCountSchema, { description: 'Rows deleted, by table, each count shown as the dashboard shows one (1 to smallCount-1 as a range); the exact figures are in the audit entry of the run' }),
      keysDestroyed: Type.Array(Type.Object({ region: Type.String(), kid: Type.String() }), { description: "Districts' data keys destroyed, by id" }),
      backups: Type.Optional(
        Type.Object(
          {
            keyBackups: Type.String({ description: 'What key backups taken before the sunset can still open' }),
            databaseCopies: Type.String({ description: 'What a database copy taken before the sunset still holds' }),
            until: Type.String({ description: "When the last such copy is deleted under the operator's backup retention" }),
          },
          { description: 'What a backup taken before the sunset can still reveal, and until when (reports from before this was stated lack it)' },
          ),
        ),
      files: Type.Optional(
        Type.Object(
          {
            engine: Type.String(),
            compacted: Type.String({ description: "What cleaned the database's files of the deleted rows after the deletion" }),
            tables: Type.Array(Type.String()),
            mayRemain: Type.String({ description: "What the engine's own logs (PostgreSQL's WAL), a WAL archive or a backup taken before may still hold" }),
          },
          { description: "The database's files after the deletion (absent in reports published before it was recorded)" },
        ),
      ),
    }),
    signed: Type.String({ description: "The same report signed with this operator's key: COSE_Sign1 (typ application/healthcode-sunset-report+json), base64; verify it against GET /api/v1/federation/identity" }),
  },
  { description: 'A destruction report' },
);

/** Sunset reports are public: anyone may check that a region's data was destroyed, and when. */
export const sunsetRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.get(
    '/api/v1/sunset-reports',
    { config: { access: { public: true } }, schema: { tags: ['sunset'], summary: 'Every published destruction report, newest first (no sign-in needed)', response: { 200: Type.Array(Report) } } },
    async () => services.sunset.reports(),
  );

  app.get(
    '/api/v1/sunset-reports/:sunsetId',
    {
      config: { access: { public: true } },
      schema: {
        tags: ['sunset'],
        summary: "A region's destruction report, signed (no sign-in needed)",
        params: Type.Object({ sunsetId: Type.String({ format: 'uuid' }) }),
        response: { 200: Report, ...problemResponses(400, 404) },
      },
    },
    async (request) => services.sunset.report(request.params.sunsetId),
  );
};

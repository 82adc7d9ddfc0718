import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SYMPTOMS } from '../../../domain/declaration.js';
import { renderQr, type CodeViewAhead } from '../../../services/decisions/health-codes-service.js';
import type { Services } from '../../../services/services.js';
import { HealthCodeSchema, DecisionHistorySchema, FiredRuleSchema } from '../../response-schemas.js';
import { withTraditional } from '../../../domain/traditional-text.js';
import { problemResponses, ResidentIdParams } from '../../schemas.js';
import { healthCodeViewBodies, decisionHistoryView, shownDecision } from '../../views.js';
import { wireTime } from '../../wire.js';
import type { DayOfCheckIns } from '../../../services/residents/check-ins-service.js';

const DayOfCheckInsSchema = Type.Object(
  {
    date: Type.String({ description: 'The local calendar day, YYYY-MM-DD' }),
    readings: Type.Array(Type.Object({ at: Type.String({ format: 'date-time' }), temperature: Type.Union([Type.Number(), Type.Null()]), symptoms: Type.Array(Type.String()) }), {
      description: 'Oldest first; the day is clean only if every reading was',
    }),
  },
  { description: "A day's check-in" },
);

const dayOfCheckInsView = (day: DayOfCheckIns) => ({ date: day.date, readings: day.readings.map((r) => ({ at: wireTime(r.at), temperature: r.temperature, symptoms: r.symptoms })) });


/** A resident's code: the colour with its reasons, the signed token, the QR image; history and daily check-ins. */
export const healthCodeRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  // This route's bodies, kept by the code they show (healthCodeViewBodies).
  const bodies = healthCodeViewBodies();
  app.get(
    '/api/v1/residents/:id/code',
    {
      config: { access: { resident: 'self' }, readAlong: (services, request) => services.healthCodes.readAlong((request.params as { id: string }).id, () => services.moving.originWatermark()) },
      schema: {
        tags: ['health codes'],
        summary: 'The current colour, why, when it turns green, and a signed short-lived token',
        params: ResidentIdParams,
        response: { 200: HealthCodeSchema, ...problemResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      // readAhead: set by this route's readAlong (above), or undefined.
      const body = await bodies(services, request.params.id, request.readAhead as CodeViewAhead | undefined, (view) => reply.serialize(withTraditional(view)) as string);
      // Serialized by this route's own response serializer already and kept as UTF-8: sent as it is,
      // its length the content-length (test/http/routes/decisions/health-code-bytes.test.ts).
      return reply.header('cache-control', 'no-store').type('application/json; charset=utf-8').send(body as never);
    },
  );

  for (const format of ['svg', 'png'] as const) {
    app.get(
      `/api/v1/residents/:id/code.${format}`,
      {
        config: { access: { resident: 'self' } },
        schema: {
          tags: ['health codes'],
          summary: `The current code as a QR image (${format.toUpperCase()})`,
          params: ResidentIdParams,
          response: { ...problemResponses(400, 401, 404) },
        },
      },
      async (request, reply) => {
        const issued = await services.healthCodes.issue(request.params.id);
        reply.header('cache-control', 'no-store').header('x-code-expires-at', wireTime(issued.expiresAt));
        reply.type(format === 'svg' ? 'image/svg+xml' : 'image/png');
        return renderQr(issued.token, format);
      },
    );
  }

  app.post(
    '/api/v1/residents/:id/offline-pass',
    {
      config: { access: { resident: 'self' } },
      schema: {
        tags: ['health codes'],
        summary: "An offline pass: the current colour signed like the code, bound to the phone's own public key",
        description:
          'The phone keeps the pass and, with no network, shows an offline code (JKO1): the pass and its own Ed25519 signature over the current 30-second step, which a checkpoint verifies offline. The pass ends at the decision\'s valid_until or after HEALTHCODE_OFFLINE_PASS_MAX, whichever is sooner.',
        params: ResidentIdParams,
        body: Type.Object({ publicKey: Type.String({ maxLength: 64, description: "The phone's raw Ed25519 public key (32 bytes), base64url" }) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            pass: Type.String({ description: 'The signed pass (COSE_Sign1), base64url' }),
            colour: Type.String(),
            mark: Type.Union([Type.String(), Type.Null()]),
            maskedName: Type.String(),
            decidedAt: Type.String({ format: 'date-time', description: 'When the server vouched for the colour: the issue, the stored decision being current then' }),
            issuedAt: Type.String({ format: 'date-time' }),
            expiresAt: Type.String({ format: 'date-time' }),
          }),
          ...problemResponses(400, 401, 404, 422),
        },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      const issued = await services.offlinePasses.issue(request.params.id, request.body);
      return { ...issued, decidedAt: wireTime(issued.decidedAt), issuedAt: wireTime(issued.issuedAt), expiresAt: wireTime(issued.expiresAt) };
    },
  );

  app.get(
    '/api/v1/residents/:id/decisions',
    {
      config: { access: { resident: 'self' } },
      schema: {
        tags: ['health codes'],
        summary: 'Colour changes, newest first, each with the rule set version and the cause',
        params: ResidentIdParams,
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) }, { additionalProperties: false }),
        response: {
          200: DecisionHistorySchema,
          ...problemResponses(400, 401, 404),
        },
      },
    },
    async (request) => {
      return decisionHistoryView(services, request.params.id, request.query.limit ?? 100);
    },
  );

  app.post(
    '/api/v1/residents/:id/check-ins',
    {
      config: { access: { resident: 'self' } },
      schema: {
        tags: ['health codes'],
        summary: 'Quarantine check-in (yellow or red codes): daily; again the same day adds a reading, never replaces one',
        params: ResidentIdParams,
        body: Type.Object(
          { temperature: Type.Number({ description: '°C' }), symptoms: Type.Array(Type.Union(SYMPTOMS.map((s) => Type.Literal(s))), { maxItems: SYMPTOMS.length }) },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ date: Type.String(), colour: Type.String(), greenOn: Type.Union([Type.String(), Type.Null()]), rules: Type.Array(FiredRuleSchema), today: DayOfCheckInsSchema }),
          ...problemResponses(400, 401, 404, 409, 413, 415, 422),
        },
      },
    },
    async (request, reply) => {
      const { date, decision: made } = await services.checkIns.checkIn(request.params.id, request.body);
      const decision = await shownDecision(services, request.params.id, made);
      const today = await services.checkIns.day(request.params.id, date);
      return reply.code(201).send({ date, colour: decision.colour, greenOn: wireTime(decision.greenOn), rules: decision.rules, today: dayOfCheckInsView(today) });
    },
  );

  app.get(
    '/api/v1/residents/:id/check-ins/today',
    {
      config: { access: { resident: 'self' } },
      schema: {
        tags: ['health codes'],
        summary: "Today's check-in: the readings taken this local calendar day, oldest first (none yet: an empty list)",
        params: ResidentIdParams,
        response: { 200: DayOfCheckInsSchema, ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => dayOfCheckInsView(await services.checkIns.today(request.params.id)),
  );

  app.get(
    '/api/v1/trust-list',
    {
      config: { access: { public: true } },
      schema: {
        tags: ['health codes'],
        summary: "Issuers' public keys, for verifying codes offline (no sign-in needed)",
        response: {
          200: Type.Object({
            version: Type.Integer(),
            generatedAt: Type.Integer({ description: 'epoch seconds' }),
            operator: Type.Object({ id: Type.String(), name: Type.String(), regions: Type.Array(Type.String()) }, { description: 'The operator whose keys these are' }),
            keys: Type.Array(
              Type.Object({ kid: Type.String(), issuer: Type.String(), alg: Type.String(), crv: Type.String(), x: Type.String(), validFrom: Type.Integer(), validUntil: Type.Union([Type.Integer(), Type.Null()]), binding: Type.Optional(Type.String({ description: 'Proof of possession: Ed25519 by this key over (operator id, kid, issuer)' })) }),
            ),
            revoked: Type.Array(Type.Object({ kid: Type.String(), revokedAt: Type.Integer() }), { description: 'Keys distrusted before their time: drop them at once' }),
          }),
        },
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=300');
      return services.keys.trustList();
    },
  );
};

import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { bytesToBase64Url } from '../../../codes/trust-list.js';
import { COLOURS } from '../../../domain/colour.js';
import { InvalidInputError } from '../../../domain/field-errors.js';
import { VENUE_TYPES } from '../../../domain/checkpoints/venue.js';
import { CARD_REFUSALS } from '../../../domain/residents/paper-card.js';
import type { ScanOutcome } from '../../../services/checkpoints/scan-outcome.js';
import { MAX_BATCH } from '../../../services/checkpoints/scans-service.js';
import { renderQr } from '../../../services/decisions/health-codes-service.js';
import type { Services } from '../../../services/services.js';
import { deviceCaller, staffCaller } from '../../route-access.js';
import { ScanOutcomeSchema, VenueSchema, VisitSchema } from '../../response-schemas.js';
import { problemResponses, ResidentIdParams } from '../../schemas.js';
import { wireTime } from '../../wire.js';



const scanOutcomeWire = ({ decidedAt, ...o }: ScanOutcome) => ({ ...o, validUntil: wireTime(o.validUntil), ...(decidedAt === undefined ? {} : { decidedAt: wireTime(decidedAt) }) });
const ScanBody = Type.Object({ scanId: Type.String({ maxLength: 64 }), token: Type.String({ maxLength: 2000 }), scannedAt: Type.String({ maxLength: 40 }) }, { additionalProperties: false });
const Colour = Type.Union([Type.Literal('green'), Type.Literal('yellow'), Type.Literal('red'), Type.Literal('gray')], { description: COLOURS.join(', ') });
const DecidedWithin = Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 1440 }), Type.Null()], { description: "An offline code's colour must have been decided within this many minutes; null or absent: no limit" }));
const Policy = Type.Object({ allowed: Type.Array(Colour, { maxItems: 4 }), overlapMinutes: Type.Integer(), decidedWithinMinutes: DecidedWithin }, { additionalProperties: false });

/** Venues, checkpoint devices, entry policies, scanning at checkpoints, and residents' visits by place code. */
const PairingSchema = Type.Object({ code: Type.String({ description: 'HCPAIR1: and 40 hex digits, for a QR' }), expiresAt: Type.String({ format: 'date-time' }) });

export const checkpointRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.get('/api/v1/venues', { config: { access: { public: true } }, schema: { tags: ['checkpoints'], summary: 'Registered venues (public)', querystring: Type.Object({ region: Type.Optional(Type.String({ pattern: '^\\d{6}$' })) }, { additionalProperties: false }), response: { 200: Type.Array(VenueSchema) } } }, async (request) =>
    services.venues.list(request.query.region),
  );

  app.get(
    '/api/v1/venues/operated',
    {
      config: { access: { staff: ['venue', 'authority'] } },
      schema: {
        tags: ['checkpoints'],
        summary: 'The venues this credential manages: those it registered (venue), or every venue (authority)',
        response: { 200: Type.Array(VenueSchema), ...problemResponses(401, 403) },
      },
    },
    async (request) => services.venues.venuesOperatedBy(staffCaller(request)),
  );

  app.post(
    '/api/v1/venues',
    {
      config: { access: { staff: ['venue', 'authority'] } },
      schema: {
        tags: ['checkpoints'],
        summary: 'Register a venue (venue operator or authority); returns its signed place code',
        body: Type.Object(
          {
            name: Type.String({ maxLength: 400 }),
            type: Type.Union(VENUE_TYPES.map((t) => Type.Literal(t))),
            region: Type.String({ maxLength: 12 }),
            address: Type.String({ maxLength: 800 }),
            latitude: Type.Number(),
            longitude: Type.Number(),
            operator: Type.String({ maxLength: 400 }),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ ...VenueSchema.properties, placeCode: Type.String() }), ...problemResponses(400, 401, 403, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const staff = staffCaller(request);
      return reply.code(201).send(await services.venues.registerVenue(request.body, staff));
    },
  );

  app.get(
    '/api/v1/venues/:venueId/place-code.svg',
    { config: { access: { public: true } }, schema: { tags: ['checkpoints'], summary: "A venue's place code as a printable QR image", params: Type.Object({ venueId: Type.String({ format: 'uuid' }) }), response: problemResponses(400, 404) } },
    async (request, reply) => {
      const venue = await services.venues.venue(request.params.venueId);
      reply.type('image/svg+xml');
      return renderQr(await services.venues.placeCode(venue), 'svg');
    },
  );

  app.post(
    '/api/v1/venues/:venueId/devices',
    {
      config: { access: { staff: ['venue', 'authority'] } },
      schema: {
        tags: ['checkpoints'],
        summary: 'Register a checkpoint device for a venue you operate (the venue credential that registered it, or the authority); its credential is shown once',
        params: Type.Object({ venueId: Type.String({ format: 'uuid' }) }),
        body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false }),
        response: { 201: Type.Object({ deviceId: Type.String(), token: Type.String(), pairing: PairingSchema }), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const staff = staffCaller(request);
      const device = await services.venues.registerCheckpointDevice(request.params.venueId, request.body.name, staff);
      return reply.code(201).send({ ...device, pairing: { ...device.pairing, expiresAt: wireTime(device.pairing.expiresAt) } });
    },
  );

  app.post(
    '/api/v1/venues/:venueId/devices/:deviceId/pairing',
    {
      config: { access: { staff: ['venue', 'authority'] } },
      schema: {
        tags: ['checkpoints'],
        summary: 'A new one-time pairing code for a device (its QR is scanned by the scanner app); the one before stops working',
        params: Type.Object({ venueId: Type.String({ format: 'uuid' }), deviceId: Type.String({ format: 'uuid' }) }),
        response: { 201: PairingSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const staff = staffCaller(request);
      const pairing = await services.venues.newPairing(request.params.venueId, request.params.deviceId, staff);
      return reply.code(201).send({ ...pairing, expiresAt: wireTime(pairing.expiresAt) });
    },
  );

  app.post(
    '/api/v1/checkpoint/pair',
    {
      config: { access: { public: true } },
      schema: {
        tags: ['checkpoints'],
        summary: "Pair a scanner: a scanned one-time pairing code for the device's credential (works once, for 10 minutes)",
        body: Type.Object({ code: Type.String({ maxLength: 100 }) }, { additionalProperties: false }),
        response: { 201: Type.Object({ deviceId: Type.String(), token: Type.String() }), ...problemResponses(400, 401) },
      },
    },
    async (request, reply) => reply.code(201).send(await services.venues.pair(request.body.code)),
  );

  app.get('/api/v1/entry-policies', { config: { access: { public: true } }, schema: { tags: ['checkpoints'], summary: 'Which colours each venue type admits (public)', response: { 200: Type.Record(Type.String(), Policy) } } }, async () =>
    Object.fromEntries(await Promise.all(VENUE_TYPES.map(async (t) => [t, await services.venues.policy(t)]))),
  );

  app.put(
    '/api/v1/entry-policies/:type',
    {
      config: { access: { staff: ['authority'] } },
      schema: {
        tags: ['checkpoints'],
        summary: "Set a venue type's entry policy (authority)",
        params: Type.Object({ type: Type.Union(VENUE_TYPES.map((t) => Type.Literal(t))) }),
        body: Policy,
        response: { 200: Policy, ...problemResponses(400, 401, 403, 422) },
      },
    },
    async (request) => {
      return services.venues.setPolicy(request.params.type, request.body);
    },
  );

  app.get(
    '/api/v1/checkpoint/me',
    {
      config: { access: { device: true } },
      schema: {
        tags: ['checkpoints'],
        summary: 'The device’s venue and its entry policy, for a scanner to work offline (device)',
        description:
          "hubKey is the national hub's key (raw Ed25519, base64url) this operator's scanners verify the national trust list with: given here, over the device's own credential, and never taken from the list's unauthenticated answer. A scanner takes a new one from here at its next sync after the hub key changed. operatorKey is this operator's own key (raw Ed25519, base64url): the scanner takes only the operator's signed trust list (GET /api/v1/federation/trust-list) that it verifies.",
        response: {
          200: Type.Object({
            deviceId: Type.String(),
            venue: Type.Object({ id: Type.String(), name: Type.String(), type: Type.String() }),
            policy: Type.Object({ allowed: Type.Array(Type.String()), overlapMinutes: Type.Integer(), decidedWithinMinutes: DecidedWithin }),
            hubKey: Type.Union([Type.String(), Type.Null()]),
            operatorKey: Type.String(),
          }),
          ...problemResponses(401),
        },
      },
    },
    async (request) => {
      const device = deviceCaller(request);
      const venue = await services.venues.venue(device.venueId);
      return { deviceId: device.id, venue: { id: venue.id, name: venue.name, type: venue.type }, policy: await services.venues.policy(venue.type), hubKey: await services.nationalList.hubKeyForScanners(), operatorKey: bytesToBase64Url((await services.keys.operatorKey()).publicKey) };
    },
  );

  app.post(
    '/api/v1/checkpoint/verify',
    {
      config: { access: { device: true } },
      schema: {
        tags: ['checkpoints'],
        summary: 'Verify a code or an offline code (JKO1) online and record the scan (device)',
        description: 'The checkpoint sees colour, validity and masked name, nothing else. For an offline code of this operator\'s resident the colour is the one decided now (decidedAt), not the one its pass holds.',
        body: Type.Object({ scanId: Type.String({ maxLength: 64 }), token: Type.String({ maxLength: 2000 }) }, { additionalProperties: false }),
        response: { 200: ScanOutcomeSchema, ...problemResponses(400, 401) },
      },
    },
    async (request) => {
      const device = deviceCaller(request);
      return scanOutcomeWire(await services.scans.verifyOnline(device, request.body));
    },
  );

  app.post(
    '/api/v1/checkpoint/scans',
    {
      config: { access: { device: true } },
      schema: {
        tags: ['checkpoints'],
        summary: `Upload scans made offline (device), up to ${MAX_BATCH} a batch`,
        description: 'Idempotent by scan id: a retry never loses or doubles a scan. A bad row is rejected by itself and the rest kept.',
        body: Type.Object({ scans: Type.Array(ScanBody, { maxItems: MAX_BATCH }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ results: Type.Array(ScanOutcomeSchema) }), ...problemResponses(400, 401, 413) },
      },
    },
    async (request) => {
      const device = deviceCaller(request);
      return { results: (await services.scans.recordScans(device, request.body.scans, 'offline')).map(scanOutcomeWire) };
    },
  );

  app.post(
    '/api/v1/checkpoint/lookup',
    {
      config: { access: { device: true } },
      schema: {
        tags: ['checkpoints'],
        summary: 'Check a person without a phone by ID number (device): colour only, audited, limited per device and per venue (60 and 120 an hour by default)',
        body: Type.Object({ idType: Type.String({ maxLength: 40 }), idNumber: Type.String({ maxLength: 32 }), idCountry: Type.Optional(Type.String({ maxLength: 3 })) }, { additionalProperties: false }),
        response: { 200: Type.Object({ colour: Type.String(), admitted: Type.Boolean() }), ...problemResponses(400, 401, 404, 422, 429) },
      },
    },
    async (request) => services.scans.lookUpByIdNumber(deviceCaller(request), request.body),
  );

  app.post(
    '/api/v1/checkpoint/paper-card',
    {
      config: { access: { device: true } },
      schema: {
        tags: ['checkpoints'],
        summary: "Check a paper card online (device): the holder's colour now and masked name, or why the card is refused (unrecognised, revoked, expired, or its holder's identity disputed); audited",
        description: 'A card carries no colour: it is only ever checked here, never offline.',
        body: Type.Object({ scanId: Type.String({ maxLength: 64 }), card: Type.String({ maxLength: 200 }) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            colour: Type.Union([Colour, Type.Null()]),
            admitted: Type.Boolean(),
            maskedName: Type.Union([Type.String(), Type.Null()]),
            validUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
            reason: Type.Union([Type.Literal('allowed'), Type.Literal('colour-not-admitted'), Type.Literal('card-unrecognised'), Type.Literal('card-revoked'), Type.Literal('card-expired'), Type.Literal('card-identity-disputed')], { description: ['allowed', 'colour-not-admitted', ...CARD_REFUSALS].join(', ') }),
          }),
          ...problemResponses(400, 401),
        },
      },
    },
    async (request) => {
      const check = await services.scans.checkPaperCard(deviceCaller(request), request.body);
      return { ...check, validUntil: wireTime(check.validUntil) };
    },
  );

  app.post(
    '/api/v1/residents/:id/visits',
    {
      config: { access: { resident: 'self' } },
      schema: {
        tags: ['checkpoints'],
        summary: "Check in at a venue by scanning its place code; shows colour, venue and time for staff",
        params: ResidentIdParams,
        body: Type.Object({ placeCode: Type.String({ maxLength: 1000 }), visitId: Type.String({ maxLength: 64, description: 'Made by the app; a retry with the same id is the same visit' }) }, { additionalProperties: false }),
        response: {
          201: VisitSchema,
          ...problemResponses(400, 401, 404, 422),
        },
      },
    },
    async (request, reply) => {
      const place = await services.venues.venueOfPlaceCode(request.body.placeCode.trim());
      if ('error' in place) throw new InvalidInputError([{ field: 'placeCode', message: place.error }]);
      const visit = await services.scans.visit(request.params.id, place.venueId, request.body.visitId);
      return reply.code(201).send({ ...visit, at: wireTime(visit.at) });
    },
  );
};


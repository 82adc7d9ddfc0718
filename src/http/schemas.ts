import { Type } from '@fastify/type-provider-typebox';
import { CONTACT_KINDS, SYMPTOMS } from '../domain/declaration.js';
import { ID_TYPES } from '../domain/identity/identity-document.js';
import { MAX_ADDRESS_LENGTH, MAX_NAME_LENGTH, RELATIONSHIPS } from '../domain/resident.js';

/**
 * Request and response shapes for the OpenAPI document and for validation. They fix the shape
 * (types, lengths, no unknown fields); the domain checks the meaning (check digits, dates, codes).
 */

export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'Stable problem type; GET it for a description' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.String(),
    field: Type.Optional(Type.String({ description: 'The first offending field, as a path like stays[0].arrival' })),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
    reason: Type.Optional(Type.String({ description: 'Why, stably named: a federation check (grant-expired, grant-used, bad-signature, …), a staff grant (no-grant, grant-expired, grant-other-resident), what a staff credential reaches (outside-jurisdiction, national-rules, wrong-role, second-authority, other-venue), a search (no-match, outside-jurisdiction) an unknown id (unknown-trace, unknown-resident), which conflict (not-in-quarantine), or a limit reached (code-just-sent: a code asked for again too soon; too-many-registrations: from one address within the hour, Retry-After saying when to try again)' })),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details' },
);

export const problemResponses = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [s, Type.Ref('Problem')])) as Record<number, ReturnType<typeof Type.Ref>>;

/**
 * A problem with a one-time code: how many tries it has left and when a new one may be asked for,
 * so the app can say so in a person's words rather than "sign in again".
 */
export const SignInProblemSchema = Type.Object(
  {
    ...ProblemSchema.properties,
    reason: Type.Optional(
      Type.Union([Type.Literal('wrong-code'), Type.Literal('no-attempts-left'), Type.Literal('no-valid-code'), Type.Literal('code-used'), Type.Literal('no-account'), Type.Literal('too-many-registrations')], {
        description: 'wrong-code: try again (attemptsLeft says how often); no-attempts-left: this code can no longer be tried, ask for a new one (newCodeInSeconds says when); no-valid-code: no code sent to this phone is still valid; code-used: the code was used already; no-account: the code is right but no account uses the phone (register with it); too-many-registrations (429): as many registrations from this address as an hour allows, Retry-After says when to try again',
      }),
    ),
    attemptsLeft: Type.Optional(Type.Integer({ minimum: 0, description: 'Tries this code still has for the caller' })),
    newCodeInSeconds: Type.Optional(Type.Integer({ minimum: 0, description: 'Seconds before a new code may be asked for (0: now)' })),
  },
  { $id: 'SignInProblem', description: 'RFC 9457 problem details of a one-time code' },
);

/** The problems of a request that carries a one-time code: 401 and 429 say what became of the code. */
export const signInProblemResponses = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [s, Type.Ref(s === 401 || s === 429 ? 'SignInProblem' : 'Problem')])) as Record<number, ReturnType<typeof Type.Ref>>;

const Text = (max: number, description: string) => Type.String({ minLength: 1, maxLength: max, description });

export const AddressSchema = Type.Object(
  {
    region: Type.String({ minLength: 1, maxLength: 12, description: 'GB/T 2260 administrative division code, e.g. 330110 (Yuhang)', examples: ['330110'] }),
    detail: Text(MAX_ADDRESS_LENGTH * 4, 'Street, building and room'),
  },
  { additionalProperties: false },
);

const identityFields = {
  name: Text(MAX_NAME_LENGTH * 4, 'Full name as on the identity document'),
  idType: Type.Union(ID_TYPES.map((t) => Type.Literal(t)), { description: 'resident_id: mainland ID card; hmt_residence_permit: Hong Kong/Macao/Taiwan residents; foreign_permanent_residence; passport; hk_macao_travel_permit: Mainland Travel Permit for Hong Kong and Macao Residents (H or M and 8 digits; an older booklet\'s 10 digits are read as the card\'s first 8); taiwan_travel_permit: Mainland Travel Permit for Taiwan Residents (8 digits)' }),
  idNumber: Type.String({ minLength: 1, maxLength: 32 }),
  idCountry: Type.Optional(Type.String({ minLength: 2, maxLength: 3, description: 'Issuing country of a passport, ISO 3166 alpha-2 or alpha-3' })),
  address: AddressSchema,
};

/** The request ticket POST /api/v1/sign-in/code answered with, sent back with its code. */
export const SignInTicket = Type.String({
  maxLength: 64,
  description:
    'The ticket POST /api/v1/sign-in/code answered with. With it, a guess draws on the 5 attempts kept for whoever asked for the code; without it (or with another), on the 5 all others share, so strangers cannot use up yours.',
});

export const RegistrationBody = Type.Object(
  {
    ...identityFields,
    phone: Type.String({ minLength: 1, maxLength: 32, description: 'Mainland mobile number or E.164', examples: ['13800138001'] }),
    code: Type.String({ minLength: 1, maxLength: 12, description: 'The one-time code sent to the phone by POST /api/v1/sign-in/code: registration starts with proof of the phone' }),
    ticket: Type.Optional(SignInTicket),
  },
  { additionalProperties: false },
);

export const SessionSchema = Type.Object({ token: Type.String(), residentId: Type.String(), expiresAt: Type.String({ format: 'date-time' }) });

export const DependentBody = Type.Object(
  { ...identityFields, relationship: Type.Union(RELATIONSHIPS.map((r) => Type.Literal(r)), { description: "The dependent's relation to you" }) },
  { additionalProperties: false },
);

export const ResidentSummarySchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  maskedName: Type.String({ examples: ['张*明'] }),
  idType: Type.String(),
  maskedIdNumber: Type.String({ examples: ['3301**********0019'] }),
  maskedPhone: Type.Union([Type.String(), Type.Null()]),
  region: Type.String(),
  regionName: Type.String(),
  phoneVerified: Type.Boolean(),
  identityRevoked: Type.Boolean({ description: "The document was reclaimed by its real holder and no longer belongs to this account" }),
  registeredAt: Type.String({ format: 'date-time' }),
});

export const DependentSummarySchema = Type.Object({ ...ResidentSummarySchema.properties, relationship: Type.String() });

export const ResidentIdParams = Type.Object({ id: Type.String({ format: 'uuid', description: 'Resident id' }) }, { additionalProperties: false });

export const StaySchema = Type.Object(
  {
    region: Type.Optional(Type.String({ maxLength: 12, description: 'GB/T 2260 code of a place in China' })),
    country: Type.Optional(Type.String({ maxLength: 3, description: 'ISO 3166 code of a country outside China' })),
    arrival: Type.String({ maxLength: 40, description: 'ISO 8601 date-time with offset', examples: ['2026-11-15T09:30:00+08:00'] }),
    departure: Type.Optional(Type.Union([Type.String({ maxLength: 40 }), Type.Null()], { description: 'Omit or null while still there' })),
  },
  { additionalProperties: false },
);

export const DeclarationBody = Type.Object(
  {
    stays: Type.Array(StaySchema, { maxItems: 50, description: 'Places stayed in during the last 14 days' }),
    contacts: Type.Array(
      Type.Object(
        { kind: Type.Union(CONTACT_KINDS.map((k) => Type.Literal(k))), date: Type.String({ maxLength: 10, description: 'YYYY-MM-DD' }) },
        { additionalProperties: false },
      ),
      { maxItems: 50, description: 'Contacts with confirmed or suspected cases' },
    ),
    symptoms: Type.Array(Type.Union(SYMPTOMS.map((s) => Type.Literal(s))), { maxItems: SYMPTOMS.length }),
    temperature: Type.Optional(Type.Union([Type.Number({ description: 'Body temperature, °C' }), Type.Null()])),
  },
  { additionalProperties: false },
);

export const DeclarationSchema = Type.Object({
  id: Type.String(),
  declaredAt: Type.String({ format: 'date-time' }),
  stays: Type.Array(
    Type.Object({
      region: Type.Optional(Type.String()),
      regionName: Type.Optional(Type.String()),
      country: Type.Optional(Type.String()),
      arrival: Type.String({ format: 'date-time' }),
      departure: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    }),
  ),
  contacts: Type.Array(Type.Object({ kind: Type.String(), date: Type.String() })),
  symptoms: Type.Array(Type.String()),
  temperature: Type.Union([Type.Number(), Type.Null()]),
});

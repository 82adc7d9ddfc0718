import { Type } from '@fastify/type-provider-typebox';
import { PURPOSE_CODES, STAFF_ROLE_NAMES, type PurposeCode } from '../domain/audit-wording.js';
import { COLOURS, MARKS } from '../domain/colour.js';

/**
 * What the API answers, as schemas: Fastify serialises responses by them, the OpenAPI document
 * shows them, and the browser apps take their types from them (web/src/shared/api-schema.d.ts, `npm run api:schema`), so the three agree.
 */

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
const Instant = Type.String({ format: 'date-time' });
/**
 * A text the server keeps in Simplified Chinese and English; `zh-Hant` is converted from `zh-CN` as
 * every answer is sent (src/domain/traditional-text.ts), so the routes hand over what is stored and
 * the schema marks it optional for them, though every answer carries it.
 */
export const Localized = Type.Object({
  'zh-CN': Type.String(),
  'zh-Hant': Type.Optional(Type.String({ description: 'Traditional Chinese, converted from zh-CN with OpenCC as the answer is sent (always present in answers); never stored' })),
  en: Type.String(),
});

export const FiredRuleSchema = Type.Object({
  id: Type.String(),
  version: Type.Integer(),
  colour: Type.String(),
  mark: Nullable(Type.String()),
  status: Type.String({ description: 'active, or awaiting-check-ins' }),
  quarantineDays: Type.Integer(),
  checkIns: Nullable(Type.Object({ required: Type.Integer(), onSymptoms: Type.Optional(Type.String({ description: 'reset, or escalate' })), streak: Type.Integer() })),
  description: Localized,
  clears: Type.Optional(Type.Intersect([Localized], { description: "How it clears, as far as the rule's outcome says: generated from it, so it always agrees with greenOn. Absent in decisions made before it existed." })),
  howToClear: Type.Intersect([Localized], { description: "The rule author's words on what else to do" }),
  evidence: Type.Array(Type.Object({ fact: Type.String(), source: Nullable(Type.String()), at: Nullable(Type.String()), detail: Type.Record(Type.String(), Type.Unknown()) })),
});

export const DecisionFields = {
  colour: Type.String({ examples: ['green'] }),
  mark: Nullable(Type.String()),
  rules: Type.Array(FiredRuleSchema),
  greenOn: Type.Union([Instant, Type.Null()], { description: 'When the code turns green if nothing new happens and daily check-ins go on' }),
  greenOnNote: Type.Union([Type.String(), Type.Null()], { description: 'already-green, or needs-action when waiting will not turn it green' }),
  ruleSet: Type.Object({ region: Type.String(), version: Type.Integer(), inherits: Type.Optional(Type.Array(Type.Object({ region: Type.String(), version: Type.Integer() }), { description: 'The sets above it, national first' })) }),
};

export const HealthCodeSchema = Type.Object({
  ...DecisionFields,
  evaluatedAt: Instant,
  token: Type.String({ description: 'The QR text: JKM1: + base45(COSE_Sign1)' }),
  maskedName: Type.String({ description: 'The name as the code shows it, e.g. 张*' }),
  issuedAt: Instant,
  expiresAt: Instant,
  factsFrom: Type.Union(
    [
      Type.Object({
        operator: Type.String(),
        operatorName: Type.String(),
        asOf: Instant,
        facts: Type.Object(
          { stays: Type.Integer(), contacts: Type.Integer(), cases: Type.Integer(), tests: Type.Integer(), vaccinations: Type.Integer(), declaration: Type.Boolean() },
          { description: 'Which facts came from that operator, by kind (and whether the latest declaration did)' },
        ),
      }),
      Type.Null(),
    ],
    { description: "A visitor's facts came from their home operator (as of then); the rules are this operator's (ruleSet). Null for residents registered here." },
  ),
});

export const AppealSchema = Type.Object({
  id: Type.String(),
  residentId: Type.String(),
  colour: Type.String(),
  rules: Type.Array(FiredRuleSchema),
  message: Type.String(),
  colourAsked: Nullable(Type.String({ description: 'The colour the resident says is right, if they said' })),
  status: Type.Union([Type.Literal('open'), Type.Literal('upheld'), Type.Literal('corrected'), Type.Literal('correction-pending'), Type.Literal('correction-rejected')], {
    description: 'open; upheld (the decision stands); corrected (the colour changed since); correction-pending (the appeal is right, and a correction awaits a second officer); correction-rejected (that correction was not approved: nothing changed)',
  }),
  correction: Nullable(Type.Object({ id: Type.String(), colour: Type.String(), status: Type.String({ description: 'pending, active, rejected or ended' }) }, { description: 'The correction proposed from this appeal, as it stands' })),
  response: Nullable(Type.String()),
  createdAt: Type.String(),
  resolvedAt: Nullable(Type.String()),
  dueAt: Type.String({ description: 'When the answer is due (HEALTHCODE_APPEAL_DEADLINE_HOURS after filing)' }),
  escalatedAt: Nullable(Type.String({ description: 'When it went past its deadline unanswered and was escalated' })),
  maskedName: Type.Optional(Type.String()),
});

export const RiskAreaSchema = Type.Object({
  id: Type.String(),
  region: Nullable(Type.String()),
  regionName: Nullable(Type.String()),
  country: Nullable(Type.String()),
  level: Type.String(),
  from: Type.String(),
  to: Nullable(Type.String()),
});

export const ImportReportSchema = Type.Object({
  kind: Type.String(),
  rows: Type.Integer(),
  accepted: Type.Integer(),
  unchanged: Type.Integer(),
  invalid: Type.Array(Type.Object({ line: Type.Integer(), field: Type.String(), message: Type.String() })),
  unmatched: Type.Array(Type.Object({ line: Type.Integer() })),
  redecided: Type.Integer(),
  colourChanges: Type.Integer(),
  notified: Type.Integer({ description: 'Phones texted about those changes of colour' }),
});

export const VenueSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  type: Type.String(),
  region: Type.String(),
  address: Type.String(),
  latitude: Type.Number(),
  longitude: Type.Number(),
  operator: Type.String(),
});

export const ScanOutcomeSchema = Type.Object({
  scanId: Type.String(),
  status: Type.String({ description: 'stored, duplicate (already stored: a retry), or rejected' }),
  colour: Nullable(Type.String()),
  maskedName: Nullable(Type.String()),
  validUntil: Nullable(Type.String()),
  admitted: Type.Boolean(),
  reason: Type.String(),
  field: Type.Optional(Type.String()),
  timeFlag: Type.Optional(Type.String({ description: 'before-last-contact: the scan claims a time before the device last reached the server; its code was judged as of that contact' })),
  issuer: Type.Optional(
    Type.Object({ operator: Type.String(), operatorName: Type.String(), region: Type.String() }, { description: 'The operator and region that issued a valid code (a visitor’s home operator)' }),
  ),
  decidedAt: Type.Optional(Type.String({ format: 'date-time', description: 'An offline code: when the colour given was vouched for (its pass was issued), or, checked online, decided now' })),
});

const ReclaimEvidenceSchema = Type.Object({ method: Type.String(), document: Type.String(), reference: Type.String() }, { description: 'What an officer checked: where, which document, a reference' });

export const ReclaimSchema = Type.Object({
  id: Type.String(),
  maskedName: Type.String(),
  idType: Type.String(),
  maskedIdNumber: Type.String(),
  forHouseholdMember: Type.Boolean(),
  status: Type.String({ description: 'pending, proposed (one authority checked; a second approves), approved or rejected' }),
  createdAt: Instant,
  proposedBy: Nullable(Type.String({ description: 'The staff id of the authority who proposed it' })),
  proposedAt: Nullable(Instant),
  proposalEvidence: Nullable(ReclaimEvidenceSchema),
  approvalEvidence: Nullable(ReclaimEvidenceSchema),
  resolvedBy: Nullable(Type.String()),
  resolvedAt: Type.Union([Instant, Type.Null()]),
  method: Nullable(Type.String()),
});

export const AuditEntrySchema = Type.Object({
  seq: Type.Integer(),
  at: Type.String(),
  actor: Type.String(),
  action: Type.String(),
  purpose: Type.String(),
  residentId: Nullable(Type.String()),
  detail: Type.Record(Type.String(), Type.Unknown()),
  hash: Type.String(),
  described: Type.Object(
    {
      who: Type.Object({
        kind: Type.Union([Type.Literal('staff'), Type.Literal('operator'), Type.Literal('gate'), Type.Literal('resident'), Type.Literal('system')]),
        name: Nullable(Type.String({ description: "A staff member's name, the other operator's display name, the gate's venue" })),
        role: Nullable(Type.Unsafe<(typeof STAFF_ROLE_NAMES)[number]>({ type: 'string', enum: [...STAFF_ROLE_NAMES] })),
        region: Nullable(Type.String({ description: 'The district, city or province a staff member answers for; null: the whole operator' })),
        regionName: Nullable(Type.String()),
        regionNameEn: Nullable(Type.String()),
      }),
      why: Type.Union([
        Type.Object({ kind: Type.Literal('fixed'), code: Type.Unsafe<PurposeCode>({ type: 'string', enum: [...PURPOSE_CODES], description: 'A purpose the server gives; the screens word it' }) }),
        Type.Object({ kind: Type.Literal('typed'), text: Type.String({ description: 'The purpose as the officer typed it' }) }),
      ]),
      saw: Type.Array(Type.String({ description: 'A field word (what was seen or sent), one of SEEN_FIELDS' })),
      about: Nullable(Type.String({ description: 'The host app or operator the action concerns, by display name' })),
      refused: Type.Boolean(),
    },
    { description: 'The entry in words: who acted (never an id), why (a fixed purpose code or the text an officer typed), what they saw' },
  ),
});

export const ContactEvidenceSchema = Type.Object({
  kind: Type.String({ description: 'same-venue or same-carrier' }),
  venueId: Type.Optional(Type.String()),
  venue: Type.Optional(Type.String()),
  caseAt: Type.Optional(Type.String()),
  contactAt: Type.Optional(Type.String()),
  minutesApart: Type.Optional(Type.Integer()),
  overlapMinutes: Type.Optional(Type.Integer()),
  carrierRef: Type.Optional(Type.String()),
  date: Type.Optional(Type.String()),
  via: Type.Optional(Type.String({ description: 'For a secondary contact: whose visit the evidence came from' })),
});

export const TraceSchema = Type.Object(
  {
    id: Type.String(),
    caseResidentId: Type.String(),
    from: Type.String(),
    to: Type.String(),
    purpose: Type.String(),
    status: Type.Union([Type.Literal('open'), Type.Literal('confirmed')]),
    caseVisits: Type.Array(Type.Object({ venueId: Type.String(), venue: Type.String(), at: Type.String() })),
    contacts: Type.Array(
      Type.Object({ residentId: Type.String(), maskedName: Type.String(), level: Type.Union([Type.Literal('close'), Type.Literal('secondary')]), firstContactAt: Type.String(), evidence: Type.Array(ContactEvidenceSchema) }),
    ),
  },
  { description: 'A trace: the case visits, and contacts with their evidence (masked names)' },
);

const ColourCounts = Type.Object(Object.fromEntries(COLOURS.map((c) => [c, Type.Integer()])) as Record<(typeof COLOURS)[number], ReturnType<typeof Type.Integer>>);

/** A count on the dashboard: exact, or the range it lies in where part of it is under the small-count threshold. */
export const ShownCountSchema = Type.Union([Type.Integer(), Type.Object({ atLeast: Type.Integer(), atMost: Type.Integer() }, { description: 'Not shown exactly: a district of fewer than smallCount (1 to smallCount-1), or a total holding one' })], {
  description: 'A count: an integer, or { atLeast, atMost } where a part of it was too small to show (docs/api.md, "Small counts")',
});
const ShownColourCounts = Type.Object(Object.fromEntries(COLOURS.map((c) => [c, ShownCountSchema])) as Record<(typeof COLOURS)[number], typeof ShownCountSchema>);

const Undecided = { ...ShownCountSchema, description: 'Residents registered but never decided (gray until their first declaration), counted in the same group as the colours' };

export const DashboardSchema = Type.Object({
  generatedAt: Instant,
  region: Type.String({ description: "The region answered: the one asked, else the caller's own; CN for every region the operator serves" }),
  smallCount: Type.Integer({ description: 'Counts from 1 to this less one are not shown exactly (HEALTHCODE_SMALL_COUNT)' }),
  coloursByRegion: Type.Array(Type.Object({ region: Type.String(), regionName: Type.String(), counts: ShownColourCounts, undecided: Undecided }), { description: 'Residents by current colour, per district of the region answered' }),
  coloursByCity: Type.Array(Type.Object({ region: Type.String(), regionName: Type.String(), counts: ShownColourCounts, undecided: Undecided }), {
    description: 'The same per city (prefecture level), for a city, a province or the country (empty for a district): each the sum of its districts as shown, never the exact count',
  }),
  colourHistory: Type.Array(Type.Object({ date: Type.String(), counts: ShownColourCounts, undecided: Undecided })),
  scansPerHour: Type.Array(Type.Object({ hour: Type.String(), scans: ShownCountSchema, admitted: ShownCountSchema }), { description: "Scans at the region's venues" }),
  quarantinesEnding: Type.Array(Type.Object({ date: Type.String(), residents: ShownCountSchema })),
  appealsOverdue: { ...ShownCountSchema, description: "Open appeals of the region's residents past their deadline" },
  correctionsByStaff: Type.Array(Type.Object({ staffId: Type.String(), name: Type.String(), proposed: ShownCountSchema, approved: ShownCountSchema }), { description: "Corrections of the region's residents each staff member proposed and approved in the last 30 days" }),
});

export const CorrectionSchema = Type.Object({
  id: Type.String(),
  residentId: Type.String(),
  maskedName: Type.String(),
  colour: Type.String(),
  reason: Type.String({ description: 'One of the published reasons (GET /api/v1/corrections/reasons)' }),
  note: Type.String({ description: "The authority's words to the resident" }),
  status: Type.String({ description: 'pending (awaiting a second authority), active, rejected or ended' }),
  expiresAt: Instant,
  proposedBy: Type.String(),
  proposedAt: Instant,
  decidedBy: Nullable(Type.String()),
  decidedAt: Nullable(Instant),
  endedBy: Nullable(Type.String()),
  endedAt: Nullable(Instant),
});

/** A published rule, as rule-set.ts has it; the condition is JsonLogic, any JSON. */
const RuleSchema = Type.Object({
  id: Type.String(),
  version: Type.Integer(),
  region: Type.String(),
  validFrom: Type.String(),
  validTo: Nullable(Type.String()),
  outcome: Type.Object({
    colour: Type.Union([Type.Literal('green'), Type.Literal('yellow'), Type.Literal('red'), Type.Literal('gray')], { description: COLOURS.join(', ') }),
    quarantineDays: Type.Integer(),
    checkIns: Nullable(Type.Object({ required: Type.Integer(), onSymptoms: Type.Union([Type.Literal('reset'), Type.Literal('escalate')]) })),
    mark: Type.Optional(Type.Literal('gold', { description: MARKS.join(', ') })),
  }),
  description: Localized,
  howToClear: Localized,
  condition: Type.Unknown({ description: 'JsonLogic over the published fact vocabulary' }),
});

/** A rule that governs residents, with how it clears in words as the decision would say it (never authored, so never published). */
const EffectiveRuleSchema = Type.Object({
  ...RuleSchema.properties,
  clears: Type.Intersect([Localized], { description: "How it clears, as far as the rule's outcome says: generated from it, as a decision by this rule says it" }),
});

const RuleSetFields = {
  region: Type.String(),
  version: Type.Integer(),
  publishedAt: Type.String(),
  rules: Type.Array(RuleSchema),
  overrides: Type.Optional(Type.Array(Type.Object({ id: Type.String(), reason: Localized }), { description: 'Inherited rules this set replaces or withdraws, each with why' })),
};

export const RuleSetSchema = Type.Object(RuleSetFields, { description: 'A rule set: region, version, publishedAt, rules' });

const EffectiveRuleSetObject = (description: string) =>
  Type.Object(
    {
      ...RuleSetFields,
      rules: Type.Array(EffectiveRuleSchema),
      inherits: Type.Array(Type.Object({ region: Type.String(), version: Type.Integer() }), { description: 'The sets above, national first' }),
      overridden: Type.Array(Type.Object({ id: Type.String(), by: Type.String(), reason: Localized, replaced: RuleSchema, with: Nullable(RuleSchema) })),
    },
    { description },
  );

/** A preview's counts: residents of one region only, each exact or a range (docs/api.md, "Previews"). */
const PreviewCounts = {
  counted: Type.String({ description: 'The region whose residents were counted: the caller\'s own (CN: every region this operator serves), or the rules\' region within it; residents elsewhere are not in any count' }),
  countedName: Type.Union([Type.String(), Type.Null()], { description: 'Its name; null for CN' }),
  smallCount: Type.Integer({ description: 'Counts from 1 to this less one are not shown exactly (HEALTHCODE_SMALL_COUNT)' }),
  complete: Type.Boolean({ description: 'False when there were more residents than could be evaluated: the counts are a lower bound' }),
  wouldChange: ShownCountSchema,
  transitions: Type.Array(Type.Object({ from: Type.String({ description: 'A colour, or none for a resident never decided' }), to: Type.String(), residents: ShownCountSchema }), {
    description: 'Each change of colour whose count is not exactly zero, in the districts where smallCount or more residents were counted',
  }),
  undivided: { ...ShownCountSchema, description: 'Residents of districts where fewer than smallCount were counted: in the totals, in no transition (which way so few go is not said)' },
};

/** What saving a risk area did to the caller's region's residents, counted as its preview counts. */
export const RiskAreaSavedSchema = Type.Object({
  area: RiskAreaSchema,
  counted: PreviewCounts.counted,
  countedName: PreviewCounts.countedName,
  smallCount: PreviewCounts.smallCount,
  redecided: { ...ShownCountSchema, description: 'Residents of the counted region decided again' },
  colourChanges: { ...ShownCountSchema, description: 'Of them, residents whose colour changed' },
  transitions: PreviewCounts.transitions,
  undivided: PreviewCounts.undivided,
  notified: { ...ShownCountSchema, description: 'Phones texted about those changes of colour, in the districts where smallCount or more residents were counted' },
});

export const RulePreviewSchema = Type.Object({
  region: Type.String(),
  evaluated: { ...ShownCountSchema, description: 'Residents the candidate would govern that were evaluated' },
  ...PreviewCounts,
  candidate: RuleSetSchema,
  effective: EffectiveRuleSetObject("The rules the candidate's region would be governed by: inherited and its own, with its overrides"),
});

export const EffectiveRuleSetSchema = EffectiveRuleSetObject('Effective rules: region, version, publishedAt, rules (each naming the region that published it), inherits (the sets above, national first), overridden (id, by, reason, replaced, with)');

export const VisitSchema = Type.Object({
  venue: Type.String(),
  venueType: Type.String(),
  at: Type.String(),
  colour: Type.String(),
  maskedName: Type.String(),
  status: Type.String({ description: 'stored, or duplicate for a retry' }),
  admitted: Type.Boolean(),
});

export const DecisionHistorySchema = Type.Array(
  Type.Object({ id: Type.String(), decidedAt: Type.String(), colour: Type.String(), mark: Nullable(Type.String()), ruleSet: DecisionFields.ruleSet, rules: Type.Array(FiredRuleSchema), greenOn: Nullable(Type.String()), cause: Type.String() }),
);

/** A device a resident stays signed in on; `current` is the one asking. */
export const RememberedDeviceViewSchema = Type.Object({ id: Type.String(), label: Type.String(), createdAt: Type.String(), lastUsedAt: Type.String(), expiresAt: Type.String(), current: Type.Boolean() });

/** What listing a risk area would do to the caller's region's residents: those decided again, and colour changes. */
export const RiskAreaPreviewSchema = Type.Object({
  residents: { ...ShownCountSchema, description: "Residents of the counted region with a stay there in the period: each would be decided again" },
  ...PreviewCounts,
});

/** The travel card as the resident app and host apps read it. */
export const TravelCardSchema = Type.Object({
  maskedName: Type.String(),
  days: Type.Integer({ description: 'the card covers this many days back' }),
  stays: Type.Array(
    Type.Object({
      city: Type.Union([Type.String(), Type.Null()], { description: 'prefecture-level GB/T 2260 code; null abroad' }),
      cityName: Type.Union([Type.String(), Type.Null()]),
      cityNameEn: Type.Union([Type.String(), Type.Null()]),
      country: Type.Union([Type.String(), Type.Null()]),
      arrival: Type.String(),
      departure: Type.String(),
      hours: Type.Integer(),
      source: Type.String({ description: 'telecom, rail or air: where the stay is known from' }),
      risk: Type.Boolean({ description: 'the `*`: the city was a listed risk area during the stay' }),
    }),
  ),
  token: Type.String({ description: 'XCK1: and a COSE_Sign1, base45: verifiable offline with the trust list' }),
  issuedAt: Type.String(),
  expiresAt: Type.String(),
});

/** A member operator as the hub sees it. */
export const MemberStatusSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  regions: Type.Array(Type.String()),
  url: Type.String(),
  status: Type.Union([Type.Literal('fresh'), Type.Literal('stale')]),
  keys: Type.Integer({ description: 'code keys of the member in the national list now' }),
  lastSuccessAt: Type.Union([Type.String(), Type.Null()]),
  lastAttemptAt: Type.Union([Type.String(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  notice: Type.Union([Type.String(), Type.Null()], { description: 'what the hub did not take from a list it took, e.g. revocations of keys not the member\'s own' }),
  listExpiresAt: Type.Union([Type.String(), Type.Null()]),
});

export const GrantGivenSchema = Type.Object({ grant: Type.String({ description: 'JKG1: text, to paste or show as QR at the destination' }), audience: Type.String(), audienceName: Type.String(), expiresAt: Type.String() });

import type { Static } from '@fastify/type-provider-typebox';
import type {
  AppealSchema,
  CorrectionSchema,
  AuditEntrySchema,
  CodeSchema,
  ContactEvidenceSchema,
  DashboardSchema,
  DecisionHistorySchema,
  DeviceSchema,
  FiredRuleSchema,
  ImportReportSchema,
  ReclaimSchema,
  RiskAreaPreviewSchema,
  RiskAreaSchema,
  RulePreviewSchema,
  ScanOutcomeSchema,
  TraceSchema,
  VenueSchema,
  VisitSchema,
  TravelCardSchema,
  MemberStatusSchema,
  GrantGivenSchema,
} from './response-schemas.js';
import type { DependentSummarySchema, ResidentSummarySchema, SessionSchema } from './schemas.js';
import type { CaseTimelineSchema, FoundResidentSchema, GranteeSchema, SearchResultSchema, StaffGrantSchema, TraceOutcomeSchema, TracePreviewSchema } from './case-finding-schemas.js';

/**
 * The API contract for the browser apps: the types of what the API answers, taken from the very
 * schemas the server serialises with. The apps import these (type-only), never service types.
 */
export type FiredRule = Static<typeof FiredRuleSchema>;
export type CodeView = Static<typeof CodeSchema>;
export type Appeal = Static<typeof AppealSchema>;
export type Correction = Static<typeof CorrectionSchema>;
export type QueuedAppeal = Appeal & { maskedName: string };
export type RiskArea = Static<typeof RiskAreaSchema>;
export type RiskAreaPreview = Static<typeof RiskAreaPreviewSchema>;
export type Device = Static<typeof DeviceSchema>;
export type ImportReport = Static<typeof ImportReportSchema>;
export type Venue = Static<typeof VenueSchema>;
export type ScanOutcome = Static<typeof ScanOutcomeSchema>;
export type Reclaim = Static<typeof ReclaimSchema>;
export type AuditEntry = Static<typeof AuditEntrySchema>;
export type ContactEvidence = Static<typeof ContactEvidenceSchema>;
export type Trace = Static<typeof TraceSchema>;
export type Dashboard = Static<typeof DashboardSchema>;
export type RulePreview = Static<typeof RulePreviewSchema>;
export type ResidentSummary = Static<typeof ResidentSummarySchema>;
export type DependentSummary = Static<typeof DependentSummarySchema>;
export type Session = Static<typeof SessionSchema>;
export type Visit = Static<typeof VisitSchema>;
export type DecisionHistory = Static<typeof DecisionHistorySchema>;

export type TravelCardView = Static<typeof TravelCardSchema>;
export type MemberStatus = Static<typeof MemberStatusSchema>;
export type GrantGiven = Static<typeof GrantGivenSchema>;
export type FoundResident = Static<typeof FoundResidentSchema>;
export type SearchResult = Static<typeof SearchResultSchema>;
export type CaseTimeline = Static<typeof CaseTimelineSchema>;
export type StaffGrant = Static<typeof StaffGrantSchema>;
export type Grantee = Static<typeof GranteeSchema>;
export type TracePreview = Static<typeof TracePreviewSchema>;
export type TraceOutcome = Static<typeof TraceOutcomeSchema>;

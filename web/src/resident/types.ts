import type { Appeal } from '../../../src/services/appeals-service.js';
import type { AuditEntry } from '../../../src/services/audit-service.js';
import type { ResidentSummary as ServerResidentSummary } from '../../../src/services/residents-service.js';

export interface Localized {
  'zh-CN': string;
  en: string;
}

export interface FiredRule {
  id: string;
  version: number;
  colour: string;
  status: string;
  quarantineDays: number;
  checkIns: { required: number; streak: number } | null;
  description: Localized;
  howToClear: Localized;
  evidence: { fact: string; source: string | null; at: string | null; detail: Record<string, unknown> }[];
}

export interface CodeView {
  colour: string;
  mark: string | null;
  rules: FiredRule[];
  greenOn: string | null;
  greenOnNote: string | null;
  ruleSet: { region: string; version: number };
  evaluatedAt: string;
  token: string;
  maskedName: string;
  issuedAt: string;
  expiresAt: string;
}

/** A resident as the API shows them (masked), with the relationship when a dependent. */
export type ResidentSummary = ServerResidentSummary & { relationship?: string };

export type { Appeal };
export type { AuditEntry };

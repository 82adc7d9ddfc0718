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

export interface ResidentSummary {
  id: string;
  maskedName: string;
  idType: string;
  maskedIdNumber: string;
  maskedPhone: string | null;
  region: string;
  regionName: string;
  phoneVerified: boolean;
  registeredAt: string;
  relationship?: string;
}

export interface Appeal {
  id: string;
  colour: string;
  message: string;
  status: string;
  response: string | null;
  createdAt: string;
  resolvedAt: string | null;
}

export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  purpose: string;
  detail: Record<string, unknown>;
}

export const SYMPTOMS = ['fever', 'fatigue', 'dry_cough', 'stuffy_nose', 'runny_nose', 'sore_throat', 'diarrhoea'] as const;
export const ID_TYPES = ['resident_id', 'hmt_residence_permit', 'foreign_permanent_residence', 'passport'] as const;
export const RELATIONSHIPS = ['parent', 'grandparent', 'child', 'grandchild', 'spouse', 'sibling', 'other'] as const;

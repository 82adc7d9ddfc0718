import { HOST_SCOPE_FIELDS, isHostScope } from './federation/host-scopes.js';
import { regionName, regionNameEn } from './regions.js';

/**
 * Every action the access log records, and what the one who did it saw of the resident. The log's
 * writers take their action from this list (AuditService.append is typed by it), and the screens
 * word each one in both languages (a test fails on any without words), so no action reaches a
 * resident as a key.
 */
export const AUDIT_ACTIONS = {
  'open-trace': ['visits', 'contacts'],
  'read-trace': ['visits', 'contacts'],
  'confirm-trace': ['contacts', 'colour'],
  // The same trace as each contact sees it: where and when they overlapped with the case, and then their colour decided again.
  'traced-as-contact': ['maskedName', 'visits'],
  'confirmed-as-contact': ['colour'],
  'find-resident': ['maskedName', 'colour'],
  'find-resident-refused': [],
  // An officer's search: the matches listed as the console shows each (FoundResident), then one
  // entry for each person listed.
  'search-residents': ['maskedName', 'maskedIdNumber', 'maskedPhone', 'district', 'colour', 'isCase', 'householdMember'],
  'search-residents-refused': [],
  'found-resident': ['maskedName', 'maskedIdNumber', 'maskedPhone', 'district', 'colour', 'isCase', 'householdMember'],
  'read-timeline': ['visits'],
  'read-timeline-refused': [],
  'read-trace-refused': [],
  'confirm-trace-refused': [],
  grant: [],
  'check-by-id-number': ['colour'],
  'check-by-id-number-miss': [],
  // A paper card scanned at a gate: the guard sees the masked name and the colour, as for a code.
  'check-by-paper-card': ['maskedName', 'colour'],
  'check-by-paper-card-refused': [],
  'print-paper-card': ['maskedName'],
  'print-paper-card-refused': [],
  'revoke-paper-card': [],
  'revoke-paper-card-refused': [],
  // A service point finding the card of the person before it, to print it again or replace it.
  'find-paper-card': ['maskedName'],
  'find-paper-card-refused': [],
  'read-appeals': ['appeal', 'colour', 'reasons'],
  'answer-appeal': ['appeal', 'colour', 'reasons'],
  'answer-appeal-refused': [],
  'escalate-appeal': [],
  'open-identity-reclaim': ['identityDocument'],
  'read-identity-reclaims': ['identityDocument', 'maskedName'],
  'propose-identity-reclaim': ['identityDocument'],
  'approve-identity-reclaim': ['identityDocument'],
  'reject-identity-reclaim': ['identityDocument'],
  'revoke-identity': ['identityDocument'],
  'add-household-member': ['identityDocument', 'name'],
  'propose-correction': ['colour', 'reasons'],
  'approve-correction': ['colour', 'reasons'],
  'reject-correction': ['colour', 'reasons'],
  'end-correction': ['colour'],
  'read-corrections': ['colour', 'reasons'],
  'request-sunset': [],
  'approve-sunset': [],
  sunset: [],
  // What a host app may read is its scopes' fields: taken from the entry (describeAuditEntry).
  'grant-host-app': [],
  'revoke-host-app': [],
  'give-fact-grant': [],
  // What went to the other operator is the kinds of facts the bundle held: taken from the entry.
  'release-fact-bundle': ['maskedName'],
  'reclaim-visitor-account': [],
  // Counts of residents, as shown (small counts as ranges), of the officer's own region: no one's facts.
  'preview-risk-area': [],
  'preview-rules': [],
  // An import of authority records: counts only (the officer sees lines, not who matched); then one
  // entry for each resident a record was written for.
  'import-records': [],
  'imported-record': [],
  // The area listed, and how many were re-decided, changed colour and texted: exact operator-wide counts, no one's facts.
  'list-risk-area': [],
} as const satisfies Record<string, readonly string[]>;

export type AuditAction = keyof typeof AUDIT_ACTIONS;
export const AUDIT_ACTION_NAMES = Object.keys(AUDIT_ACTIONS) as AuditAction[];

/** The kinds of facts a fact bundle carries, as its release entry counts them. */
const BUNDLE_KINDS = ['stays', 'contacts', 'cases', 'tests', 'vaccinations'] as const;

/** Every field word an entry's "what they saw" can name. */
export const SEEN_FIELDS = [
  ...new Set<string>([
    ...Object.values(AUDIT_ACTIONS).flat(),
    ...Object.values(HOST_SCOPE_FIELDS).flat(),
    ...BUNDLE_KINDS,
    'declaration',
  ]),
].sort();

/**
 * The purposes the server itself gives (fixed codes), each stored as its English sentence so that
 * entries written before the codes read the same. Officers' purposes (a grant's, a trace's, a
 * reclaim's note) are free text, stored as typed.
 */
export const AUDIT_PURPOSES = {
  'identity-taken-at-registration': 'a registration found its identity document held by another account',
  'identity-taken-by-household-member': 'a household member was given the identity document this account holds',
  'settle-identity-reclaims': 'settle identity reclaims',
  'household-member-added': 'a relative added a household member and vouches for their identity',
  'open-correction': "correct one resident's colour, in the open",
  'appeal-deadlines': 'appeals answered within their deadline',
  'answer-appeals': 'answer appeals against decisions',
  sunset: 'destroy personal data when the epidemic response ends (sunset)',
  'host-app-consent': 'host app access (own consent)',
  'host-app-removed': 'host app access (own decision)',
  'lookup-without-grant': 'look-up without a valid read-personal grant',
  'trace-read-without-grant': 'read of a trace without a live grant that covers it',
  'trace-outside-jurisdiction': "a trace of a case outside the officer's region",
  'search-without-grant': 'search without a live grant',
  'timeline-without-grant': 'timeline without a live grant that covers it',
  'moving-own-consent': 'moving between regions (own consent)',
  'moving-consent-by-grant': 'moving between regions (resident consent by grant)',
  'moving-phone-reclaimed': 'moving between regions (the phone the home holds)',
  'gate-check-without-phone': 'entry check for a person without a phone',
  'paper-card-without-phone': 'a paper card for a person without a phone',
  'preview-impact': 'see what a risk area or rule set would change before saving it',
  'authority-import': 'import of authority records (cases, tests, contacts, vaccinations, travel)',
  'list-risk-area': 'list a risk area or change one, for the authority',
} as const;

export type PurposeCode = keyof typeof AUDIT_PURPOSES;
export const PURPOSE_CODES = Object.keys(AUDIT_PURPOSES) as PurposeCode[];

/** A purpose as a writer gives it: one of the server's codes, or what an officer typed. */
export type AuditPurpose = { fixed: PurposeCode } | { typed: string };

export const fixedPurpose = (code: PurposeCode): AuditPurpose => ({ fixed: code });
export const typedPurpose = (text: string): AuditPurpose => ({ typed: text });

/** A sentence as compared for sameness: trimmed, spaces collapsed, full-width folded (NFKC), any case. */
const sameness = (text: string): string => text.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
const FIXED_SENTENCES = new Set(PURPOSE_CODES.map((c) => sameness(AUDIT_PURPOSES[c])));

/** Whether text an officer typed reads as one of the server's own purposes (so must be refused). */
export function isFixedPurposeSentence(text: string): boolean {
  return FIXED_SENTENCES.has(sameness(text));
}

/** Refuses, under `field`, a purpose or note an officer typed that would read as the server's own words. */
export function checkTypedPurpose(field: string, text: string): { field: string; message: string } | null {
  return isFixedPurposeSentence(text) ? { field, message: 'is one of the sentences the system itself writes in the access log; say in your own words why' } : null;
}

/**
 * Typed text that collides with a fixed sentence (or starts with this mark) is stored behind it, so
 * it reads back as typed whatever path wrote it; no fixed sentence starts with the mark. Entries
 * already in the chain are not rewritten: their stored text, and so their hashes, stay as they are.
 */
export const TYPED_MARK = 'typed: ';

/** The text stored for a purpose (and covered by the chain's hash). */
export function storedPurpose(purpose: AuditPurpose): string {
  if ('fixed' in purpose) return AUDIT_PURPOSES[purpose.fixed];
  const t = purpose.typed;
  return isFixedPurposeSentence(t) || t.startsWith(TYPED_MARK) ? `${TYPED_MARK}${t}` : t;
}

const BY_SENTENCE = new Map<string, PurposeCode>(PURPOSE_CODES.map((c) => [AUDIT_PURPOSES[c], c]));

/**
 * Actions whose purpose is always an officer's words (a grant's, a trace's, a reclaim's note): read
 * as typed even when they equal a fixed sentence, which also covers entries written before the mark.
 */
const TYPED_PURPOSE_ACTIONS: ReadonlySet<string> = new Set<AuditAction>([
  'grant',
  'open-trace',
  'read-trace',
  'confirm-trace',
  'traced-as-contact',
  'confirmed-as-contact',
  'find-resident',
  'search-residents',
  'found-resident',
  'read-timeline',
  'propose-identity-reclaim',
  'approve-identity-reclaim',
  'reject-identity-reclaim',
  'revoke-identity',
]);

export type AuditWhy = { kind: 'fixed'; code: PurposeCode } | { kind: 'typed'; text: string };

/** Reads a stored purpose back: a fixed code to be worded on the screen, or free text to show as typed. */
export function purposeOf(stored: string, action?: string): AuditWhy {
  if (stored.startsWith(TYPED_MARK)) return { kind: 'typed', text: stored.slice(TYPED_MARK.length) };
  const code = action !== undefined && TYPED_PURPOSE_ACTIONS.has(action) ? undefined : BY_SENTENCE.get(stored);
  return code ? { kind: 'fixed', code } : { kind: 'typed', text: stored };
}

export const STAFF_ROLE_NAMES = ['authority', 'tracer', 'checkpoint', 'venue', 'auditor'] as const;

/** Who acted, in words the screens can say: never an id. */
export interface AuditWho {
  kind: 'staff' | 'operator' | 'gate' | 'resident' | 'system';
  /** A staff member's name, the other operator's display name, the gate's venue; null when unknown. */
  name: string | null;
  role: (typeof STAFF_ROLE_NAMES)[number] | null;
  /** The district, city or province a staff member answers for (null: the whole operator). */
  region: string | null;
  regionName: string | null;
  regionNameEn: string | null;
}

export interface AuditDescription {
  who: AuditWho;
  why: AuditWhy;
  /** Field words (SEEN_FIELDS) for what the actor saw or was given; empty when nothing about the resident was read. */
  saw: string[];
  /** The app or operator the action concerns (a host app allowed, the operator given a grant), by its display name. */
  about: string | null;
  /** True when the action was refused, so nothing was read. */
  refused: boolean;
}

export interface AuditEntryLike {
  actor: string;
  action: string;
  purpose: string;
  detail: Record<string, unknown>;
}

const STAFF_ACTOR = new RegExp(`^(.*) \\((${STAFF_ROLE_NAMES.join('|')})\\)$`);
const text = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

function whoOf(entry: AuditEntryLike): AuditWho {
  const none = { name: null, role: null, region: null, regionName: null, regionNameEn: null };
  const staff = STAFF_ACTOR.exec(entry.actor);
  if (staff) {
    const region = text(entry.detail.actorRegion);
    return { ...none, kind: 'staff', name: staff[1]!, role: staff[2] as AuditWho['role'], region, regionName: region && (regionName(region)?.replaceAll(' ', '') ?? null), regionNameEn: region && (regionNameEn(region) ?? null) };
  }
  if (entry.actor.startsWith('operator:')) return { ...none, kind: 'operator', name: text(entry.detail.destinationName) };
  if (entry.actor.startsWith('checkpoint device ')) return { ...none, kind: 'gate', name: text(entry.detail.venue) };
  if (entry.actor.startsWith('resident:') || entry.actor === 'household') return { ...none, kind: 'resident' };
  return { ...none, kind: 'system' };
}

function sawOf(entry: AuditEntryLike): string[] {
  const action = entry.action as AuditAction;
  const fixed: readonly string[] = AUDIT_ACTIONS[action] ?? [];
  if (action === 'grant-host-app' && Array.isArray(entry.detail.scopes)) {
    return [...new Set((entry.detail.scopes as unknown[]).filter((s): s is string => typeof s === 'string' && isHostScope(s)).flatMap((s) => HOST_SCOPE_FIELDS[s as keyof typeof HOST_SCOPE_FIELDS] as readonly string[]))];
  }
  if (action === 'release-fact-bundle') {
    const kinds = BUNDLE_KINDS.filter((k) => typeof entry.detail[k] === 'number' && (entry.detail[k] as number) > 0);
    return [...fixed, ...kinds, ...(entry.detail.declaration === true ? ['declaration'] : [])];
  }
  // A look-up that matched no one, or a gate check of an unknown number, saw nothing of anyone.
  if (action === 'find-resident' && entry.detail.outcome !== 'found') return [];
  if (action === 'search-residents' && !(typeof entry.detail.found === 'number' && entry.detail.found > 0)) return [];
  return [...fixed];
}

/** An access-log entry in words: who acted, why, what they saw; for both the resident's log and the console's. */
export function describeAuditEntry(entry: AuditEntryLike): AuditDescription {
  const about = entry.action === 'grant-host-app' || entry.action === 'revoke-host-app' ? text(entry.detail.app) : entry.action === 'give-fact-grant' ? text(entry.detail.audienceName) : null;
  return { who: whoOf(entry), why: purposeOf(entry.purpose, entry.action), saw: sawOf(entry), about, refused: entry.action.endsWith('-refused') };
}

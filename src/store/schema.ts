import type { ColumnType, Generated } from 'kysely';
import type { FederationTables } from './schema-federation.js';

export type * from './schema-federation.js';

/**
 * The tables, as Kysely sees them. Times are epoch milliseconds (bigint), the same on both engines;
 * columns ending in `_enc` hold AES-GCM ciphertext and `_index` columns hold blind indexes.
 */

export interface ResidentsTable {
  id: string;
  /** Blind index of the identity document (type, country, number): unique per person. */
  id_index: string;
  /** Encrypted JSON: document type, number and issuing country. */
  identity_enc: string;
  name_enc: string;
  phone_index: string | null;
  phone_enc: string | null;
  /** County-level GB/T 2260 code of the home address: the only location kept in clear. */
  address_region: string;
  address_enc: string;
  phone_verified_at: number | null;
  /** Staff saw the identity document in person (a gate's ID check). */
  identity_checked_at: number | null;
  /** A reclaim by the document's real holder took it from this account. */
  identity_revoked_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface GuardianshipsTable {
  guardian_id: string;
  dependent_id: string;
  relationship: string;
  created_at: number;
}

export interface DeclarationsTable {
  id: string;
  resident_id: string;
  declared_at: number;
  /** JSON array of symptom names. */
  symptoms: string;
  /** JSON array of { kind, date }. */
  contacts: string;
  temperature: number | null;
}

export interface DeclarationStaysTable {
  id: string;
  declaration_id: string;
  resident_id: string;
  position: number;
  region_code: string | null;
  country_code: string | null;
  arrival: number;
  departure: number | null;
}

export interface SignInCodesTable {
  id: string;
  phone_index: string;
  code_digest: string;
  created_at: number;
  expires_at: number;
  /** Attempts taken by guesses that showed the code's request ticket: its asker's. */
  attempts: number;
  consumed_at: number | null;
  /** Keyed digest of the request ticket the code was sent with; null for codes made before tickets. */
  ticket_digest: string | null;
  /** Attempts taken by every other guess, together. */
  stranger_attempts: Generated<number>;
}

export interface SessionsTable {
  id: string;
  resident_id: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
  /** The device the session was opened through, if any (migration 0010). */
  device_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface DevicesTable {
  id: string;
  resident_id: string;
  label: string;
  refresh_digest: string;
  rotated_at: number;
  created_at: number;
  last_used_at: number;
  revoked_at: number | null;
}

/** Refresh credentials a device has used up: one shown again means it was copied. */
export interface DeviceSpentCredentialsTable {
  digest: string;
  device_id: string;
  spent_at: number;
}

export interface OutboxTable {
  id: string;
  channel: string;
  recipient_index: string;
  recipient_enc: string;
  body_enc: string;
  created_at: number;
}

export interface VenuesTable {
  id: string;
  name: string;
  type: string;
  region_code: string;
  address: string;
  latitude: number;
  longitude: number;
  operator: string;
  /** The venue-role credential that registered the venue and alone (with the authority) manages it. */
  operator_staff_id: string | null;
  created_at: number;
}

export interface Database extends RulesAndCodesTables, CheckpointsAndTracingTables, HardeningTables, FederationTables {
  residents: ResidentsTable;
  guardianships: GuardianshipsTable;
  declarations: DeclarationsTable;
  declaration_stays: DeclarationStaysTable;
  sign_in_codes: SignInCodesTable;
  sessions: SessionsTable;
  devices: DevicesTable;
  device_spent_credentials: DeviceSpentCredentialsTable;
  outbox: OutboxTable;
  venues: VenuesTable;
}

export interface RuleSetsTable {
  region: string;
  version: number;
  published_at: number;
  /** The rule set as published, JSON. */
  body: string;
}

export interface RiskAreasTable {
  id: string;
  region_code: string | null;
  country_code: string | null;
  level: string;
  valid_from: number;
  valid_to: number | null;
  source: string;
  updated_at: number;
}

export interface AuthorityFactsTable {
  id: string;
  resident_id: string;
  kind: string;
  value: string;
  detail: string;
  occurred_at: number;
  source: string;
  recorded_at: number;
}

export interface TravelRecordsTable {
  id: string;
  resident_id: string;
  region_code: string | null;
  country_code: string | null;
  arrival: number;
  departure: number;
  source: string;
  carrier_ref: string | null;
  recorded_at: number;
}

export interface CheckInsTable {
  id: string;
  resident_id: string;
  local_date: string;
  at: number;
  temperature: number | null;
  symptoms: string;
}

export interface DecisionsTable {
  id: string;
  resident_id: string;
  decided_at: number;
  colour: string;
  mark: string | null;
  rule_set_region: string;
  rule_set_version: number;
  /** JSON: the fired rules with their evidence. */
  fired: string;
  green_on: number | null;
  cause: string;
  /** Recording order, filled by the database: breaks ties between decisions of the same millisecond. */
  seq: Generated<number>;
}

export interface ResidentStatusTable {
  resident_id: string;
  colour: string;
  mark: string | null;
  decided_at: number;
  green_on: number | null;
  rule_set_region: string;
  rule_set_version: number;
  fired_ids: string;
  /** The next instant at which time alone could change the decision; null or past: decide again. */
  valid_until: number | null;
  /** The whole decision, JSON, as a code view serves it. */
  decision: string | null;
  masked_name: string | null;
  /** The resident's home region when decided: which region's key signs their code. */
  region: string | null;
}

export interface SigningKeysTable {
  kid: string;
  region: string;
  public_key: string;
  private_key_enc: string;
  created_at: number;
  retired_at: number | null;
  /** code (a region's codes), operator (this operator's identity) or hub (the national list); migration 0011. */
  purpose: ColumnType<string, string | undefined, string>;
  /** Revoked: distrusted at once, and announced through the trust lists. */
  revoked_at: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface StaffTokensTable {
  id: string;
  name: string;
  role: string;
  token_digest: string;
  /** The region (district, city or province) this person answers for; null: all the operator serves. */
  region: string | null;
  created_at: number;
  revoked_at: number | null;
}

export interface RulesAndCodesTables {
  rule_sets: RuleSetsTable;
  risk_areas: RiskAreasTable;
  authority_facts: AuthorityFactsTable;
  travel_records: TravelRecordsTable;
  check_ins: CheckInsTable;
  decisions: DecisionsTable;
  resident_status: ResidentStatusTable;
  signing_keys: SigningKeysTable;
  staff_tokens: StaffTokensTable;
}

export interface CheckpointDevicesTable {
  id: string;
  venue_id: string;
  name: string;
  secret_digest: string;
  created_at: number;
  revoked_at: number | null;
  /** When the device last reached the server, and the run of requests that was part of (domain/device-contact.ts). */
  last_contact_at: number | null;
  contact_run_started_at: number | null;
  contact_before_run_at: number | null;
  /** A one-time pairing code's digest and end, while one is out (migration 0010). */
  pairing_digest: ColumnType<string | null, string | null | undefined, string | null>;
  pairing_expires_at: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface EntryPoliciesTable {
  venue_type: string;
  /** JSON array of colours admitted. */
  allowed: string;
  overlap_minutes: number;
  updated_at: number;
}

export interface ScansTable {
  id: string;
  device_id: string;
  scan_id: string;
  venue_id: string;
  resident_id: string | null;
  scanned_at: number;
  colour: string | null;
  admitted: number;
  reason: string;
  method: string;
  received_at: number;
  /** Why the scan time the device claimed is doubtful, if it is: it is checked as of a bounded time. */
  time_flag: string | null;
  /** Who issued the code (CN-420000): visitors' codes by issuing region (migration 0011). */
  issuer: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface AppealsTable {
  id: string;
  resident_id: string;
  /** The colour appealed against, and the rules that fired (JSON), as the resident saw them. */
  colour: string;
  fired: string;
  message: string;
  status: string;
  response: string | null;
  created_at: number;
  resolved_at: number | null;
  resolved_by: string | null;
  /** When an answer is due; null for appeals filed before deadlines existed. */
  due_at: number | null;
  /** When it went past its deadline unanswered and was escalated. */
  escalated_at: number | null;
  /** The correction proposed from it when an officer upheld it (0027). */
  correction_id: string | null;
  /** The colour the resident says is right, if they said (0027). */
  colour_asked: string | null;
}

export interface SunsetsTable {
  id: string;
  /** The region whose personal data is destroyed: a district, city or province code. */
  region: string;
  /**
   * requested, approved, erased (its data deleted and overwritten, committed), keys-destroyed, done
   * (report published): each step committed before the next begins (sunset-store.ts).
   */
  status: string;
  requested_by: string;
  requested_at: number;
  approved_by: string | null;
  approved_at: number | null;
  done_at: number | null;
  /** JSON: the destruction report; and the same, signed (COSE_Sign1, base64). */
  report: string | null;
  signed_report: string | null;
  /** JSON, from the erased step on: rows deleted per table, and the residents whose fields were overwritten. */
  deleted: ColumnType<string | null, string | null | undefined, string | null>;
  /** JSON, from the erased step on: the district keys to destroy, as { region, kid }. */
  keys: ColumnType<string | null, string | null | undefined, string | null>;
  erased_at: ColumnType<number | null, number | null | undefined, number | null>;
  keys_destroyed_at: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface CorrectionsTable {
  id: string;
  resident_id: string;
  colour: string;
  reason: string;
  /** Encrypted: the authority's words to the resident. */
  note: string;
  /** pending (awaiting a second authority), active, rejected, ended. */
  status: string;
  expires_at: number;
  proposed_by: string;
  proposed_at: number;
  /** Who approved or rejected it, and when. */
  decided_by: string | null;
  decided_at: number | null;
  ended_by: string | null;
  ended_at: number | null;
}

export interface GrantsTable {
  id: string;
  staff_id: string;
  scope: string;
  purpose: string;
  resident_id: string | null;
  granted_by: string;
  created_at: number;
  expires_at: number;
}

export interface AuditLogTable {
  seq: number;
  at: number;
  actor: string;
  action: string;
  purpose: string;
  resident_id: string | null;
  detail: string;
  prev_hash: string;
  hash: string;
}

export interface TracesTable {
  id: string;
  case_resident_id: string;
  window_from: number;
  window_to: number;
  opened_by: string;
  grant_id: string;
  purpose: string;
  status: string;
  result: string;
  created_at: number;
  confirmed_at: number | null;
}

export interface DataKeyCheckTable {
  id: string;
  /** base64url of the first 8 bytes of SHA-256 over an HMAC of a constant: names the key, reveals nothing. */
  key_id: string;
  /** HMAC-SHA-256 of a constant under a key derived from the data key. */
  check_value: string;
  created_at: number;
}

export interface IdentityReclaimsTable {
  id: string;
  /** Blind index of the identity document claimed. */
  id_index: string;
  /** Encrypted JSON: the claimant's registration (name, document, phone, address). */
  claim_enc: string;
  /** For a household member: the resident who claims for them. */
  guardian_id: string | null;
  relationship: string | null;
  status: string;
  created_at: number;
  resolved_at: number | null;
  resolved_by: string | null;
  /** authority-record or in-person: how the authority checked who holds the document. */
  method: string | null;
  /** The account created for the claimant on approval. */
  resident_id: string | null;
  /** A household member added while the claim waits, holding no identity until it is approved. */
  dependent_id: string | null;
  /** The authority who proposed approval; another must approve. */
  proposed_by: string | null;
  proposed_at: number | null;
  /** JSON { method, document, reference }: what the proposing officer checked, and where. */
  proposal_evidence: string | null;
  /** JSON { method, document, reference }: what the approving officer checked. */
  approval_evidence: string | null;
}

export interface RedecisionQueueTable {
  resident_id: string;
  cause: string;
  queued_at: number;
}

export interface HardeningTables {
  data_key_check: DataKeyCheckTable;
  identity_reclaims: IdentityReclaimsTable;
  redecision_queue: RedecisionQueueTable;
  colour_notices: ColourNoticesTable;
}

/** A change of a resident's colour to tell whoever holds the phone for them (0027). */
export interface ColourNoticesTable {
  id: string;
  resident_id: string;
  colour: string;
  /** The rules that fired, JSON, as in `decisions.fired`. */
  fired: string;
  green_on: number | null;
  created_at: number;
  /** Until when a process sending it holds it; past it, another may. */
  claimed_until: number | null;
  sent_at: number | null;
  /** How many phones it was sent to (0: nobody holds a phone for the resident now). */
  recipients: number | null;
}

export interface CheckpointsAndTracingTables {
  checkpoint_devices: CheckpointDevicesTable;
  entry_policies: EntryPoliciesTable;
  scans: ScansTable;
  grants: GrantsTable;
  appeals: AppealsTable;
  corrections: CorrectionsTable;
  sunsets: SunsetsTable;
  audit_log: AuditLogTable;
  traces: TracesTable;
}

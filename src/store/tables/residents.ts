import type { ColumnType, Generated } from 'kysely';

/** The tables of residents: people, households, declarations and check-ins, sign-in, remembered devices, texts and colour notices. */

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
  /** Raised by every write to the resident's facts: a re-decision saves only over the count it read (migration 0033). */
  facts_version: Generated<number>;
  /** The script of the resident's texts, zh-CN or zh-Hant: the one their last one-time code used was asked in (migration 0037). */
  sms_script: Generated<string>;
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

export interface CheckInsTable {
  id: string;
  resident_id: string;
  local_date: string;
  at: number;
  temperature: number | null;
  symptoms: string;
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
  /** The script the code was asked in (zh-CN or zh-Hant): the resident's texts take it when the code is used (migration 0037). */
  sms_script: Generated<string>;
}

export interface SessionsTable {
  id: string;
  resident_id: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
  /** The remembered device the session was opened through, if any (migration 0010). */
  device_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface RememberedDevicesTable {
  id: string;
  resident_id: string;
  label: string;
  refresh_digest: string;
  rotated_at: number;
  created_at: number;
  last_used_at: number;
  revoked_at: number | null;
}

/** Refresh credentials a remembered device has used up: one shown again means it was copied. */
export interface RememberedDeviceSpentCredentialsTable {
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

export interface ResidentsTables {
  residents: ResidentsTable;
  guardianships: GuardianshipsTable;
  declarations: DeclarationsTable;
  declaration_stays: DeclarationStaysTable;
  check_ins: CheckInsTable;
  sign_in_codes: SignInCodesTable;
  sessions: SessionsTable;
  devices: RememberedDevicesTable;
  device_spent_credentials: RememberedDeviceSpentCredentialsTable;
  outbox: OutboxTable;
  colour_notices: ColourNoticesTable;
  paper_cards: PaperCardsTable;
}

/** Paper cards for people without a phone (0028): the QR carries the id under a MAC, never a person's number. */
export interface PaperCardsTable {
  id: string;
  resident_id: string;
  issued_at: number;
  expires_at: number;
  issued_by: string;
  revoked_at: number | null;
  revoked_by: string | null;
}

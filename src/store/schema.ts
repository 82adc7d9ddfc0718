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
  attempts: number;
  consumed_at: number | null;
}

export interface SessionsTable {
  id: string;
  resident_id: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
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
  created_at: number;
}

export interface Database {
  residents: ResidentsTable;
  guardianships: GuardianshipsTable;
  declarations: DeclarationsTable;
  declaration_stays: DeclarationStaysTable;
  sign_in_codes: SignInCodesTable;
  sessions: SessionsTable;
  outbox: OutboxTable;
  venues: VenuesTable;
}

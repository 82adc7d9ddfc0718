import type { ColumnType } from 'kysely';
import type { ResidentsTables } from './residents/tables.js';
import type { DecisionsTables } from './decisions/tables.js';
import type { CheckpointsTables } from './checkpoints/tables.js';
import type { TracingTables } from './tracing/tables.js';
import type { OversightTables } from './oversight/tables.js';
import type { FederationTables } from './federation/tables.js';

export type * from './residents/tables.js';
export type * from './decisions/tables.js';
export type * from './checkpoints/tables.js';
export type * from './tracing/tables.js';
export type * from './oversight/tables.js';
export type * from './federation/tables.js';

/**
 * The tables, as Kysely sees them: each area's tables in its own file, and here the ones every area shares.
 * Times are epoch milliseconds (bigint), the same on both engines; columns ending in `_enc` hold AES-GCM
 * ciphertext and `_index` columns hold blind indexes.
 */
export interface Database extends ResidentsTables, DecisionsTables, CheckpointsTables, TracingTables, OversightTables, FederationTables {
  signing_keys: SigningKeysTable;
  staff_tokens: StaffTokensTable;
  audit_log: AuditLogTable;
  data_key_check: DataKeyCheckTable;
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

export interface DataKeyCheckTable {
  id: string;
  /** base64url of the first 8 bytes of SHA-256 over an HMAC of a constant: names the key, reveals nothing. */
  key_id: string;
  /** HMAC-SHA-256 of a constant under a key derived from the data key. */
  check_value: string;
  created_at: number;
}

import type { ColumnType } from 'kysely';
import type { ResidentsTables } from './tables/residents.js';
import type { DecisionsTables } from './tables/decisions.js';
import type { CheckpointsTables } from './tables/checkpoints.js';
import type { TracingTables } from './tables/tracing.js';
import type { OversightTables } from './tables/oversight.js';
import type { FederationTables } from './tables/federation.js';

export type * from './tables/residents.js';
export type * from './tables/decisions.js';
export type * from './tables/checkpoints.js';
export type * from './tables/tracing.js';
export type * from './tables/oversight.js';
export type * from './tables/federation.js';

/**
 * The tables, as Kysely sees them: each area's in tables/<area>.ts, and here the ones every area shares. They stand
 * apart from the areas' stores because every store reads this one type: inside the area folders, the folders and this
 * file would import each other. Times are epoch milliseconds (bigint), the same on both engines; columns ending in
 * `_enc` hold AES-GCM ciphertext and `_index` columns hold blind indexes.
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

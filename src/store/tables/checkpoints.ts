import type { ColumnType } from 'kysely';

/** The tables of checkpoints: venues, their devices and entry policies, scans. */

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

export interface CheckpointDevicesTable {
  id: string;
  venue_id: string;
  name: string;
  secret_digest: string;
  created_at: number;
  revoked_at: number | null;
  /** When the checkpoint device last reached the server, and the run of requests that was part of (domain/checkpoints/checkpoint-device-contact.ts). */
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
  /** An offline code's colour must have been decided within this many minutes; null: any time. */
  decided_within_minutes: number | null;
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
  /** Why the scan time the checkpoint device claimed is doubtful, if it is: it is checked as of a bounded time. */
  time_flag: string | null;
  /** Who issued the code (CN-420000): visitors' codes by issuing region (migration 0011). */
  issuer: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface CheckpointsTables {
  venues: VenuesTable;
  checkpoint_devices: CheckpointDevicesTable;
  entry_policies: EntryPoliciesTable;
  scans: ScansTable;
}

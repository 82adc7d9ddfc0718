import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Engine } from '../store/database.js';

/**
 * What `healthcode backup` writes beside the database copy and the districts' keys, and what
 * `healthcode restore` checks before it touches anything: when, from which engine and schema, which
 * districts' keys it holds, each file's sha256, and until when it may be restored (the same expiry the
 * key backup seals with each key, so changing it here only makes the two disagree).
 */
export const MANIFEST_FORMAT = 'healthcode-backup';
export const MANIFEST_FILE = 'manifest.json';
export const KEYS_FILE = 'district-keys.json';
export const DATABASE_FILES: Record<Engine, string> = { sqlite: 'database.sqlite', postgres: 'database.pgdump' };
/** A PostgreSQL schema a backup may name: unquoted, lower case (as `public`, or `healthcode`). */
export const POSTGRES_SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export interface BackupManifest {
  format: typeof MANIFEST_FORMAT;
  version: 1;
  createdAt: string;
  expiresAt: string;
  engine: Engine;
  /** The last migration applied to the copied database. */
  schema: string;
  /** PostgreSQL: the schema the tables were dumped from, and are restored into. */
  postgresSchema: string | null;
  /** The id of the data key the database was set up with (not the key). */
  dataKeyId: string;
  /** The districts whose keys the key file holds. */
  regions: string[];
  files: { name: string; bytes: number; sha256: string }[];
}

export class ManifestError extends Error {
  constructor(readonly field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'ManifestError';
  }
}

export async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Reads a manifest's text, naming the first field that is wrong. */
export function parseManifest(text: string): BackupManifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ManifestError(MANIFEST_FILE, 'is not JSON: not a backup made by `healthcode backup`');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ManifestError(MANIFEST_FILE, 'is not a JSON object');
  const v = value as Partial<Record<keyof BackupManifest, unknown>>;
  if (v.format !== MANIFEST_FORMAT) throw new ManifestError('format', `must be '${MANIFEST_FORMAT}'`);
  if (v.version !== 1) throw new ManifestError('version', 'must be 1');
  for (const field of ['createdAt', 'expiresAt'] as const) {
    if (typeof v[field] !== 'string' || !ISO.test(v[field]) || Number.isNaN(Date.parse(v[field]))) throw new ManifestError(field, 'must be a UTC time as 2026-01-31T08:00:00.000Z');
  }
  if (v.engine !== 'sqlite' && v.engine !== 'postgres') throw new ManifestError('engine', "must be 'sqlite' or 'postgres'");
  if (typeof v.schema !== 'string' || !/^\d{4}-[a-z0-9-]{1,80}$/.test(v.schema)) throw new ManifestError('schema', 'must be a migration name as 0027-colour-notices');
  if (v.engine === 'postgres' ? typeof v.postgresSchema !== 'string' || !POSTGRES_SCHEMA_NAME.test(v.postgresSchema) : v.postgresSchema !== null) {
    throw new ManifestError('postgresSchema', v.engine === 'postgres' ? 'must be a PostgreSQL schema name' : 'must be null for SQLite');
  }
  if (typeof v.dataKeyId !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(v.dataKeyId)) throw new ManifestError('dataKeyId', 'must be a data key id');
  if (!Array.isArray(v.regions) || v.regions.length > 10_000 || !v.regions.every((r) => typeof r === 'string' && /^\d{6}$/.test(r))) throw new ManifestError('regions', 'must be a list of six-digit district codes');
  const expected = [DATABASE_FILES[v.engine], KEYS_FILE];
  if (!Array.isArray(v.files) || v.files.length !== expected.length) throw new ManifestError('files', `must list ${expected.join(' and ')}`);
  v.files.forEach((entry: unknown, i) => {
    const f = (entry ?? {}) as Record<string, unknown>;
    if (f.name !== expected[i]) throw new ManifestError(`files[${i}].name`, `must be ${expected[i]}`);
    if (typeof f.bytes !== 'number' || !Number.isSafeInteger(f.bytes) || f.bytes < 0) throw new ManifestError(`files[${i}].bytes`, 'must be a whole number of bytes');
    if (typeof f.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(f.sha256)) throw new ManifestError(`files[${i}].sha256`, 'must be 64 hex digits');
  });
  return value as BackupManifest;
}

/**
 * Why a backup may not be restored by this code at `now`, or undefined: expired, or of a schema this
 * code does not know (made by a newer healthcode, whose tables this one would misread).
 */
export function refusal(manifest: BackupManifest, knownSchemas: readonly string[], now: Date): ManifestError | undefined {
  if (now.getTime() >= Date.parse(manifest.expiresAt)) return new ManifestError('expiresAt', `the backup expired at ${manifest.expiresAt}: it may not be restored (HEALTHCODE_BACKUP_RETENTION_DAYS when it was made)`);
  if (!knownSchemas.includes(manifest.schema)) return new ManifestError('schema', `${manifest.schema} is newer than this healthcode knows (its last is ${knownSchemas.at(-1)}): restore with the version that made the backup`);
  return undefined;
}

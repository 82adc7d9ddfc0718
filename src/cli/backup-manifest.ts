import { createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Engine } from '../store/database.js';

/**
 * What `healthcode backup` writes beside the database copy and the districts' keys, and what
 * `healthcode restore` checks before it touches anything: when, from which engine and schema, which
 * districts' keys it holds, each file's sha256, and until when it may be restored (the same expiry the
 * key backup seals with each key, so changing it here only makes the two disagree). The whole manifest
 * is sealed with an HMAC under a key derived from the data key: whoever can write to the backup's
 * storage but holds no data key cannot alter a file and re-hash it, nor change any field.
 */
export const MANIFEST_FORMAT = 'healthcode-backup';
export const MANIFEST_FILE = 'manifest.json';
export const KEYS_FILE = 'district-keys.json';
export const DATABASE_FILES: Record<Engine, string> = { sqlite: 'database.sqlite', postgres: 'database.pgdump' };
/** A PostgreSQL schema a backup may name: unquoted, lower case (as `public`, or `healthcode`). */
export const POSTGRES_SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export const MANIFEST_VERSION = 2;

export interface BackupManifest {
  format: typeof MANIFEST_FORMAT;
  version: typeof MANIFEST_VERSION;
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
  /** HMAC-SHA256 (base64url) of every other field, under a key derived from the data key. */
  mac: string;
}

const FIELDS = ['format', 'version', 'createdAt', 'expiresAt', 'engine', 'schema', 'postgresSchema', 'dataKeyId', 'regions', 'files', 'mac'] as const;

/** The manifest's fields in one fixed order (the file's key order is not sealed, only its content). */
function sealedText(m: Omit<BackupManifest, 'mac'>): string {
  const files = m.files.map((f) => ({ name: f.name, bytes: f.bytes, sha256: f.sha256 }));
  return JSON.stringify([m.format, m.version, m.createdAt, m.expiresAt, m.engine, m.schema, m.postgresSchema, m.dataKeyId, m.regions, files]);
}

function macOf(m: Omit<BackupManifest, 'mac'>, dataKey: Buffer): string {
  const key = Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), 'healthcode backup manifest v2', 32));
  return createHmac('sha256', key).update(sealedText(m)).digest('base64url');
}

/** The manifest with its MAC, under the data key the database was set up with. */
export function sealManifest(m: Omit<BackupManifest, 'mac'>, dataKey: Buffer): BackupManifest {
  return { ...m, mac: macOf(m, dataKey) };
}

/** Whether the manifest is as `healthcode backup` sealed it under this data key. */
export function manifestSealedUnder(m: BackupManifest, dataKey: Buffer): boolean {
  const expected = Buffer.from(macOf(m, dataKey));
  const given = Buffer.from(m.mac);
  return expected.length === given.length && timingSafeEqual(expected, given);
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
  if (v.version === 1) throw new ManifestError('version', 'a backup of version 1 carries no MAC, so its files cannot be told from altered ones: make a new backup with this healthcode');
  if (v.version !== MANIFEST_VERSION) throw new ManifestError('version', `must be ${MANIFEST_VERSION}`);
  const unknown = Object.keys(v).find((k) => !(FIELDS as readonly string[]).includes(k));
  if (unknown !== undefined) throw new ManifestError(unknown.slice(0, 40), 'is not a field of a backup manifest');
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
    const extra = Object.keys(f).find((k) => !['name', 'bytes', 'sha256'].includes(k));
    if (extra !== undefined) throw new ManifestError(`files[${i}].${extra.slice(0, 40)}`, 'is not a field of a file entry');
  });
  if (typeof v.mac !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(v.mac)) throw new ManifestError('mac', 'must be the backup\'s HMAC (43 base64url characters)');
  return value as BackupManifest;
}

/**
 * Why a backup may not be restored by this code at `now`, or undefined: expired, or of a schema this
 * code does not know (made by a newer healthcode, whose tables this one would misread, or named by no
 * healthcode at all).
 */
export function refusal(manifest: BackupManifest, knownSchemas: readonly string[], now: Date): ManifestError | undefined {
  if (now.getTime() >= Date.parse(manifest.expiresAt)) return new ManifestError('expiresAt', `the backup expired at ${manifest.expiresAt}: it may not be restored (HEALTHCODE_BACKUP_RETENTION_DAYS when it was made)`);
  if (!knownSchemas.includes(manifest.schema)) {
    const last = knownSchemas.at(-1) ?? '';
    if (manifest.schema > last) return new ManifestError('schema', `${manifest.schema} is newer than this healthcode knows (its last is ${last}): restore with the version that made the backup`);
    return new ManifestError('schema', `${manifest.schema} is no migration of healthcode (this one knows ${knownSchemas.length}, the last ${last}): the backup was not made by \`healthcode backup\``);
  }
  return undefined;
}

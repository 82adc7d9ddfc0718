import { randomBytes } from 'node:crypto';
import { open, seal } from './aead.js';
import { kidOf, type RegionKeyBackend, type RegionKeys } from './region-keys.js';

/**
 * Backups of the districts' keys that a sunset can still reach. A backup file holds each district's
 * key (as kept, wrapped by the master key) sealed once more under that district's own
 * backup-wrapping key, and those 32-byte keys live only in the key escrow: a directory on storage
 * apart from this machine (a second disk, a network share) that every process running a sunset
 * mounts. Losing the machine loses neither the backups nor the escrow; a district's sunset destroys
 * its escrow entry, and every backup of its key, wherever copies of it went, opens no more.
 * Each backup also states its expiry, sealed with each key, and a restore after it is refused.
 */
export const BACKUP_FORMAT = 'healthcode-district-key-backup';

export interface KeyBackup {
  format: typeof BACKUP_FORMAT;
  version: 1;
  createdAt: string;
  expiresAt: string;
  keys: { region: string; kid: string; sealed: string }[];
}

const aad = (region: string, expiresAt: string) => `district key backup ${region} until ${expiresAt}`;

/** A district's backup-wrapping key from the escrow, made there if it has none. */
function escrowKeyFor(escrow: RegionKeyBackend, region: string): Buffer {
  const key = escrow.create(region, randomBytes(32));
  if (key.length !== 32) throw new Error(`the key escrow's entry for ${region} is not a 32-byte key`);
  return key;
}

/** A backup of every district key kept now, expiring `retentionDays` after `now`. */
export function makeBackup(keys: RegionKeys, escrow: RegionKeyBackend, now: Date, retentionDays: number): KeyBackup {
  const expiresAt = new Date(now.getTime() + retentionDays * 86_400_000).toISOString();
  const entries = keys.list('').map(({ region, kid }) => ({ region, kid, sealed: seal(escrowKeyFor(escrow, region), keys.wrapped(region)!, aad(region, expiresAt)).toString('base64') }));
  return { format: BACKUP_FORMAT, version: 1, createdAt: now.toISOString(), expiresAt, keys: entries.sort((a, b) => a.region.localeCompare(b.region)) };
}

export class KeyBackupError extends Error {
  constructor(readonly field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'KeyBackupError';
  }
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Reads a backup file's text, naming the first field that is wrong. */
export function parseBackup(text: string): KeyBackup {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new KeyBackupError('file', 'is not JSON: not a backup made by `healthcode keys backup`');
  }
  const v = value as Partial<Record<keyof KeyBackup, unknown>>;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new KeyBackupError('file', 'is not a JSON object');
  if (v.format !== BACKUP_FORMAT) throw new KeyBackupError('format', `must be '${BACKUP_FORMAT}'`);
  if (v.version !== 1) throw new KeyBackupError('version', 'must be 1');
  for (const field of ['createdAt', 'expiresAt'] as const) {
    if (typeof v[field] !== 'string' || !ISO.test(v[field]) || Number.isNaN(Date.parse(v[field]))) throw new KeyBackupError(field, 'must be a UTC time as 2026-01-31T08:00:00.000Z');
  }
  if (!Array.isArray(v.keys) || v.keys.length > 10_000) throw new KeyBackupError('keys', 'must be a list of at most 10000 district keys');
  const seen = new Set<string>();
  v.keys.forEach((entry: unknown, i) => {
    const e = (entry ?? {}) as Record<string, unknown>;
    if (typeof e.region !== 'string' || !/^\d{6}$/.test(e.region)) throw new KeyBackupError(`keys[${i}].region`, 'must be a six-digit district code');
    if (seen.has(e.region)) throw new KeyBackupError(`keys[${i}].region`, `${e.region} is there twice`);
    seen.add(e.region);
    if (typeof e.kid !== 'string' || !/^[A-Za-z0-9_-]{16}$/.test(e.kid)) throw new KeyBackupError(`keys[${i}].kid`, 'must be a key id (16 base64url characters)');
    if (typeof e.sealed !== 'string' || !BASE64.test(e.sealed) || e.sealed.length > 1024) throw new KeyBackupError(`keys[${i}].sealed`, 'must be base64 of a sealed key');
  });
  return value as KeyBackup;
}

export interface RestoreOutcome {
  /** Put back into the keys directory, or found there already, the same. */
  restored: string[];
  /** Their escrow entry is gone: destroyed by their region's sunset. Not restorable, by design. */
  shredded: string[];
  /** A different key is there for the district already: it is kept. */
  conflicting: string[];
}

/** A backup's keys opened and checked, nothing written yet; and the districts whose escrow entry a sunset destroyed. */
export interface OpenedBackup {
  opened: { region: string; wrapped: Buffer }[];
  shredded: string[];
}

/**
 * Opens each of the backup's district keys with its escrow entry and checks it against its id and the
 * master key, writing nothing. Refused whole once the backup has expired.
 */
export function openBackup(backup: KeyBackup, escrow: RegionKeyBackend, keys: RegionKeys, now: Date): OpenedBackup {
  if (now.getTime() >= Date.parse(backup.expiresAt)) throw new KeyBackupError('expiresAt', `the backup expired at ${backup.expiresAt}: it may not be restored`);
  const opened: { region: string; wrapped: Buffer }[] = [];
  const shredded: string[] = [];
  for (const [i, { region, kid, sealed }] of backup.keys.entries()) {
    const key = escrow.read(region);
    if (!key) {
      shredded.push(region);
      continue;
    }
    let wrapped: Buffer;
    try {
      wrapped = open(key, Buffer.from(sealed, 'base64'), aad(region, backup.expiresAt));
    } catch {
      throw new KeyBackupError(`keys[${i}].sealed`, `does not open with the escrow's key for ${region}: the file was altered (its expiry too?) or belongs to another escrow`);
    }
    if (kidOf(wrapped) !== kid) throw new KeyBackupError(`keys[${i}].kid`, `is not the id of the key sealed for ${region}`);
    opened.push({ region, wrapped });
  }
  const foreign = opened.find(({ region, wrapped }) => !keys.opens(region, wrapped));
  if (foreign) throw new KeyBackupError('keys', `the key of ${foreign.region} does not open under this data key: restore the data key the backup was made with first`);
  return { opened, shredded };
}

/**
 * Puts the backup's district keys back, each opened with its escrow entry and checked against its id
 * and the master key before anything is written. Refused whole once the backup has expired.
 */
export function restoreBackup(backup: KeyBackup, escrow: RegionKeyBackend, keys: RegionKeys, now: Date): RestoreOutcome {
  // Every key checked before any is written: a restore is whole or nothing.
  const { opened, shredded } = openBackup(backup, escrow, keys, now);
  const outcome: RestoreOutcome = { restored: [], shredded, conflicting: [] };
  for (const { region, wrapped } of opened) (keys.restore(region, wrapped) ? outcome.restored : outcome.conflicting).push(region);
  return outcome;
}

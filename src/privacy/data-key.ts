import { createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The master key behind all encryption at rest, kept apart from the database. Destroying it destroys
 * everything at once; a single region's sunset destroys that region's own key instead (region-keys.ts).
 */
export const DATA_KEY_BYTES = 32;

export function decodeDataKey(base64: string): Buffer | undefined {
  const key = Buffer.from(base64, 'base64');
  return key.length === DATA_KEY_BYTES && key.toString('base64') === base64.trim() ? key : undefined;
}

/** Reads the key file, or creates it (owner read/write only) when it does not exist yet. */
export function loadOrCreateDataKeyFile(path: string): { key: Buffer; created: boolean } {
  if (existsSync(path)) {
    const mode = statSync(path).mode & 0o777;
    if (mode & 0o077) throw new Error(`${path}: the data key file must be readable by its owner only (chmod 600), found ${mode.toString(8)}`);
    const key = decodeDataKey(readFileSync(path, 'utf8').trim());
    if (!key) throw new Error(`${path}: does not hold a base64-encoded ${DATA_KEY_BYTES}-byte key`);
    return { key, created: false };
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const key = randomBytes(DATA_KEY_BYTES);
  writeFileSync(path, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return { key, created: true };
}

/**
 * A value that shows which data key a database was set up with, without revealing the key: an HMAC
 * of a constant under a key derived for this purpose alone, and a short id of it to name in messages.
 */
export function dataKeyCheck(key: Buffer): { keyId: string; checkValue: string } {
  const checkValue = createHmac('sha256', hkdfBytes(key)).update('healthcode data key check v1').digest('base64url');
  return { keyId: createHash('sha256').update(checkValue).digest('base64url').slice(0, 11), checkValue };
}

function hkdfBytes(key: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'healthcode data key check', 32));
}

/** Thrown when the data key at hand is not the one the database was set up with. */
export class DataKeyMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataKeyMismatchError';
  }
}

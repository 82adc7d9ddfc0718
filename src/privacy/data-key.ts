import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The master key behind all encryption at rest. Destroying it destroys the personal data it protects,
 * which is how the end-of-epidemic sunset works, so it lives apart from the database.
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

import { RegionKeyShreddedError, type RegionKeys } from './region-keys.js';
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Encryption of personal fields at rest (AES-256-GCM) and keyed hashes to find them (blind indexes).
 *
 * Both keys are derived from the one master key with HKDF, so the index key cannot decrypt and the
 * encryption key cannot be tested against guesses. Each ciphertext is bound to its record and field
 * (GCM additional data), so a ciphertext copied to another row or column fails to decrypt.
 */
const VERSION = 'v1';
/** Sealed under a region's own key (region-keys.ts): `v2.<region>.<payload>`. */
const REGION_VERSION = 'v2';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A 32-byte key for one purpose, derived from the master key. */
export function deriveSubkey(master: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `healthcode ${purpose}`, 32));
}

export class FieldCipher {
  readonly #encryptionKey: Buffer;
  readonly #indexKey: Buffer;

  constructor(
    masterKey: Buffer,
    /** Per-district keys for residents' personal fields; without them those are sealed under the master key. */
    private readonly regionKeys?: RegionKeys,
  ) {
    if (masterKey.length !== 32) throw new Error('the data key must be 32 bytes');
    this.#encryptionKey = deriveSubkey(masterKey, 'field encryption');
    this.#indexKey = deriveSubkey(masterKey, 'blind index');
  }

  /** `context` names the record and field, e.g. `resident:<id>:name`. */
  encrypt(plaintext: string, context: string): string {
    return `${VERSION}.${seal(this.#encryptionKey, plaintext, context)}`;
  }

  /** Seals under the region's own key, so that destroying it destroys the value (a sunset). */
  encryptIn(region: string, plaintext: string, context: string): string {
    if (!this.regionKeys) return this.encrypt(plaintext, context);
    return `${REGION_VERSION}.${region}.${seal(this.regionKeys.keyFor(region).key, plaintext, `${context}\u0000${region}`)}`;
  }

  /** Whether a value is sealed under a region's key (not the master key). */
  static inRegion(sealed: string): boolean {
    return sealed.startsWith(`${REGION_VERSION}.`);
  }

  /** The region a value is sealed under, read from its format without opening it; undefined under the master key. */
  static regionOf(sealed: string): string | undefined {
    const [version, region] = sealed.split('.', 2);
    return version === REGION_VERSION ? region : undefined;
  }

  decrypt(sealed: string, context: string): string {
    const [version, first, second] = sealed.split('.', 3);
    if (version === VERSION && first !== undefined) return open(this.#encryptionKey, first, context);
    if (version === REGION_VERSION && first !== undefined && second !== undefined && this.regionKeys) {
      const key = this.regionKeys.existing(first);
      if (!key) throw new RegionKeyShreddedError(first);
      return open(key.key, second, `${context}\u0000${first}`);
    }
    throw new Error('unknown ciphertext format');
  }

  /** Deterministic keyed hash of a normalised value; `kind` keeps indexes of different fields apart. */
  blindIndex(kind: string, normalizedValue: string): string {
    return createHmac('sha256', this.#indexKey).update(`${kind}\u0000${normalizedValue}`).digest('base64url');
  }

  /** A MAC for short-lived secrets (one-time codes) that must be compared, never recovered. */
  secretDigest(kind: string, value: string): string {
    return this.blindIndex(`secret:${kind}`, value);
  }
}

function seal(key: Buffer, plaintext: string, context: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64');
}

function open(key: Buffer, payload: string, context: string): string {
  const raw = Buffer.from(payload, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
  return Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString('utf8');
}

/** Whether two secret digests are the same, in time that does not depend on where they differ. */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

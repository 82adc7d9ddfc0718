import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Encryption of personal fields at rest (AES-256-GCM) and keyed hashes to find them (blind indexes).
 *
 * Both keys are derived from the one master key with HKDF, so the index key cannot decrypt and the
 * encryption key cannot be tested against guesses. Each ciphertext is bound to its record and field
 * (GCM additional data), so a ciphertext copied to another row or column fails to decrypt.
 */
const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A 32-byte key for one purpose, derived from the master key. */
export function deriveSubkey(master: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `healthcode ${purpose}`, 32));
}

export class FieldCipher {
  readonly #encryptionKey: Buffer;
  readonly #indexKey: Buffer;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== 32) throw new Error('the data key must be 32 bytes');
    this.#encryptionKey = deriveSubkey(masterKey, 'field encryption');
    this.#indexKey = deriveSubkey(masterKey, 'blind index');
  }

  /** `context` names the record and field, e.g. `resident:<id>:name`. */
  encrypt(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#encryptionKey, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${VERSION}.${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64')}`;
  }

  decrypt(sealed: string, context: string): string {
    const [version, payload] = sealed.split('.', 2);
    if (version !== VERSION || payload === undefined) throw new Error('unknown ciphertext format');
    const raw = Buffer.from(payload, 'base64');
    const iv = raw.subarray(0, IV_BYTES);
    const tag = raw.subarray(raw.length - TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.#encryptionKey, iv);
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString('utf8');
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

/** Whether two secret digests are the same, in time that does not depend on where they differ. */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

import { createCipheriv, createDecipheriv, hkdfSync, randomFillSync, type KeyObject } from 'node:crypto';

/** A 32-byte key for one purpose, derived from the master key. */
export function deriveSubkey(master: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `healthcode ${purpose}`, 32));
}

const IV_BYTES = 12;
const TAG_BYTES = 16;
/** IVs drawn per call to the random generator: one call costs as much as a field's encryption. */
const IVS_PER_DRAW = 256;

let ivPool = Buffer.alloc(0);
let ivNext = 0;

/**
 * A fresh random IV, cut from a block drawn from the system's generator: as random as one drawn
 * alone, each handed out once (a new block is a new buffer; the ones handed out stay untouched).
 */
export function freshIv(): Buffer {
  if (ivNext + IV_BYTES > ivPool.length) {
    ivPool = randomFillSync(Buffer.allocUnsafeSlow(IV_BYTES * IVS_PER_DRAW));
    ivNext = 0;
  }
  const iv = ivPool.subarray(ivNext, ivNext + IV_BYTES);
  ivNext += IV_BYTES;
  return iv;
}

/**
 * A 32-byte AES key as bytes, or made once into a KeyObject (createSecretKey): a cipher made from a
 * KeyObject skips importing the key, half of a short field's sealing (several per registration).
 */
export type AeadKey = Buffer | KeyObject;

/** AES-256-GCM as iv ‖ ciphertext ‖ tag, bound to `aad`: it opens only under the same key and `aad`. */
export function seal(key: AeadKey, plaintext: Buffer, aad: string): Buffer {
  const iv = freshIv();
  const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(aad, 'utf8'));
  return Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

/** Opens what `seal` made; throws if the key, `aad` or any byte differs. */
export function open(key: AeadKey, sealed: Buffer, aad: string): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES)).setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
}

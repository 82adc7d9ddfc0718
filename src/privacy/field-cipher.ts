import { RegionKeyShreddedError, type RegionKeys } from './region-keys.js';
import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { deriveSubkey, open, seal, type AeadKey } from './aead.js';

export { deriveSubkey };

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
/**
 * Blind indexes of residents' values are keyed by their district's data key, so the district's
 * sunset makes them useless too: `i2.<hmac>`. Values about no district yet (a phone not registered)
 * are keyed by the master key: `u2.<hmac>`. Indexes without a prefix are from before (moved at start).
 */
export const REGION_INDEX_PREFIX = 'i2.';
export const UNPLACED_INDEX_PREFIX = 'u2.';

export class FieldCipher {
  /** A KeyObject, as the index key: sealing under one takes half the time it takes under a Buffer. */
  readonly #encryptionKey: KeyObject;
  /** A KeyObject: HMAC under one takes half the time it takes under a Buffer (several per registration). */
  readonly #indexKey: KeyObject;

  constructor(
    masterKey: Buffer,
    /** Per-district keys for residents' personal fields; without them those are sealed under the master key. */
    private readonly regionKeys?: RegionKeys,
  ) {
    if (masterKey.length !== 32) throw new Error('the data key must be 32 bytes');
    this.#encryptionKey = createSecretKey(deriveSubkey(masterKey, 'field encryption'));
    this.#indexKey = createSecretKey(deriveSubkey(masterKey, 'blind index'));
  }

  /** `context` names the record and field, e.g. `resident:<id>:name`. */
  encrypt(plaintext: string, context: string): string {
    return `${VERSION}.${sealText(this.#encryptionKey, plaintext, context)}`;
  }

  /** Seals under the region's own key, so that destroying it destroys the value (a sunset). */
  encryptIn(region: string, plaintext: string, context: string): string {
    if (!this.regionKeys) return this.encrypt(plaintext, context);
    return `${REGION_VERSION}.${region}.${sealText(this.#regionSealKey(this.regionKeys.keyFor(region).key), plaintext, `${context}\u0000${region}`)}`;
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
    if (version === VERSION && first !== undefined) return openText(this.#encryptionKey, first, context);
    if (version === REGION_VERSION && first !== undefined && second !== undefined && this.regionKeys) {
      const key = this.regionKeys.existing(first);
      if (!key) throw new RegionKeyShreddedError(first);
      return openText(this.#regionSealKey(key.key), second, `${context}\u0000${first}`);
    }
    throw new Error('unknown ciphertext format');
  }

  /** Deterministic keyed hash of a normalised value; `kind` keeps indexes of different fields apart. */
  blindIndex(kind: string, normalizedValue: string): string {
    return hmac(this.#indexKey, kind, normalizedValue);
  }

  /** A blind index under the district's own key (made now if it has none): the district's sunset destroys it. */
  regionIndex(region: string, kind: string, normalizedValue: string): string {
    // Without district keys, as everything was before them: under the master key, unprefixed.
    if (!this.regionKeys) return this.blindIndex(kind, normalizedValue);
    return `${REGION_INDEX_PREFIX}${hmac(this.#regionIndexKey(this.regionKeys.keyFor(region).key), kind, normalizedValue)}`;
  }

  /**
   * The value's index under every district key this operator holds, by district: what a look-up
   * across districts matches against (one HMAC per district). Destroyed keys are absent.
   */
  regionIndexes(kind: string, normalizedValue: string, known?: { region: string; index: string }): Map<string, string> {
    const found = new Map<string, string>();
    if (!this.regionKeys) return new Map([['', this.regionIndex('', kind, normalizedValue)]]);
    for (const region of this.regionKeys.regions()) {
      const key = this.regionKeys.existing(region);
      if (!key) continue;
      found.set(region, region === known?.region ? known.index : `${REGION_INDEX_PREFIX}${hmac(this.#regionIndexKey(key.key), kind, normalizedValue)}`);
    }
    return found;
  }

  /**
   * Every index a value may stand under, for a look-up to match: under each district key held, as a
   * value about no district yet, and as indexed before districts had keys (while a start moves those).
   * `known`: the value's index in one district (`regionIndex`), just made: not made again.
   */
  lookupIndexes(kind: string, normalizedValue: string, known?: { region: string; index: string }): string[] {
    return [...new Set([...this.regionIndexes(kind, normalizedValue, known).values(), this.unplacedIndex(kind, normalizedValue), this.blindIndex(kind, normalizedValue)])];
  }

  /** A blind index of a value about no district yet, under the master key. */
  unplacedIndex(kind: string, normalizedValue: string): string {
    return `${UNPLACED_INDEX_PREFIX}${this.blindIndex(`unplaced:${kind}`, normalizedValue)}`;
  }

  /**
   * Index keys derived from district keys, as KeyObjects, which HMAC in half the time of a Buffer (D
   * of them per look-up). Weakly, by the key's bytes that RegionKeys holds, as the sealing keys below:
   * a recreated key gets its own, and a key it destroys (a sunset) or forgets takes its derived key
   * with it, so that nothing made of a destroyed key stays in the process's memory.
   */
  readonly #regionIndexKeys = new WeakMap<Buffer, KeyObject>();
  #regionIndexKey(regionKey: Buffer): KeyObject {
    let key = this.#regionIndexKeys.get(regionKey);
    if (key === undefined) this.#regionIndexKeys.set(regionKey, (key = createSecretKey(deriveSubkey(regionKey, 'district blind index'))));
    return key;
  }

  /**
   * District keys as KeyObjects for sealing, made once, not at each of a registration's four seals.
   * Weakly, by the key's bytes that RegionKeys holds: a key it forgets or destroys is not kept here.
   */
  readonly #regionSealKeys = new WeakMap<Buffer, KeyObject>();
  #regionSealKey(regionKey: Buffer): KeyObject {
    let key = this.#regionSealKeys.get(regionKey);
    if (key === undefined) this.#regionSealKeys.set(regionKey, (key = createSecretKey(regionKey)));
    return key;
  }

  /** A MAC for short-lived secrets (one-time codes) that must be compared, never recovered. */
  secretDigest(kind: string, value: string): string {
    return this.blindIndex(`secret:${kind}`, value);
  }
}

const hmac = (key: Buffer | KeyObject, kind: string, value: string) => createHmac('sha256', key).update(`${kind}\u0000${value}`).digest('base64url');

/** A field's text sealed as base64, and opened back. */
const sealText = (key: AeadKey, plaintext: string, context: string) => seal(key, Buffer.from(plaintext, 'utf8'), context).toString('base64');
const openText = (key: AeadKey, payload: string, context: string) => open(key, Buffer.from(payload, 'base64'), context).toString('utf8');

/** Whether two secret digests are the same, in time that does not depend on where they differ. */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

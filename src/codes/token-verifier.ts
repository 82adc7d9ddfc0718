import { Base45Error, decodeBase45 } from './base45.js';
import { decodeCbor, decodeProtectedHeader, decodeSign1, signatureInput } from './cose-sign1.js';
import {
  CLAIM_HEALTH_CODE,
  COLOURS,
  COSE_ALG_EDDSA,
  COSE_HEADER_ALG,
  COSE_HEADER_KID,
  CWT_CNF,
  CWT_EXP,
  CWT_IAT,
  CWT_ISS,
  CWT_NBF,
  CWT_SUB,
  MARKS,
  TOKEN_PREFIX,
  type Colour,
  type HealthCodeClaims,
  type Mark,
} from './token-format.js';
import { base64UrlToBytes, bytesToBase64Url, type TrustList, type TrustedKey } from './trust-list.js';

/**
 * Verifies a health-code token offline, against a trust list. The same module runs on the server and
 * in the checkpoint's browser; only the signature primitive differs (node:crypto or WebCrypto).
 */

/** Clocks of phones and checkpoints drift; a token this close to its window is still accepted. */
export const CLOCK_SKEW_SECONDS = 60;
/** No issuer lets a code live longer (HEALTHCODE_TOKEN_TTL is at most this): a key's codes end within this of its retirement. */
export const MAX_TOKEN_LIFETIME_SECONDS = 3600;

/** Every reason a code is refused, listed so that each screen showing one can be checked to have words for it. */
export const REJECTION_REASONS = ['wrong-prefix', 'malformed-base45', 'malformed-cbor', 'wrong-algorithm', 'unknown-key', 'bad-signature', 'malformed-claims', 'expired', 'not-yet-valid'] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

export type VerificationResult =
  | { valid: true; claims: HealthCodeClaims; kid: string }
  | { valid: false; reason: RejectionReason; detail: string };

/** Checks an Ed25519 signature over `data` with a raw 32-byte public key. */
export type Ed25519Verify = (publicKey: Uint8Array, data: Uint8Array, signature: Uint8Array) => boolean | Promise<boolean>;

/** WebCrypto Ed25519, present in current browsers and in Node. */
export function webCryptoVerify(): Ed25519Verify {
  const keys = new Map<string, ReturnType<typeof crypto.subtle.importKey>>();
  return async (publicKey, data, signature) => {
    const id = bytesToBase64Url(publicKey);
    let key = keys.get(id);
    if (!key) {
      // Copies: the DOM typings want ArrayBuffer-backed views, and the bytes are few.
      key = crypto.subtle.importKey('raw', new Uint8Array(publicKey), { name: 'Ed25519' }, false, ['verify']);
      keys.set(id, key);
    }
    return crypto.subtle.verify({ name: 'Ed25519' }, await key, new Uint8Array(signature), new Uint8Array(data));
  };
}

const reject = (reason: RejectionReason, detail: string): VerificationResult => ({ valid: false, reason, detail });

export class TokenVerifier {
  readonly #keys = new Map<string, { key: TrustedKey; raw: Uint8Array }>();

  constructor(
    trustList: TrustList,
    private readonly verifySignature: Ed25519Verify = webCryptoVerify(),
  ) {
    for (const key of trustList.keys) this.#keys.set(key.kid, { key, raw: base64UrlToBytes(key.x) });
  }

  /** `now` in epoch milliseconds. */
  async verify(text: string, now: number): Promise<VerificationResult> {
    const trimmed = text.trim();
    if (!trimmed.startsWith(TOKEN_PREFIX)) return reject('wrong-prefix', `a health code starts with ${TOKEN_PREFIX}`);
    let bytes: Uint8Array;
    try {
      bytes = decodeBase45(trimmed.slice(TOKEN_PREFIX.length));
    } catch (error) {
      return reject('malformed-base45', error instanceof Base45Error ? error.message : 'not base45');
    }
    let parts;
    let header: Map<unknown, unknown>;
    try {
      parts = decodeSign1(bytes, true);
      header = decodeProtectedHeader(parts.protectedBytes);
    } catch (error) {
      return reject('malformed-cbor', error instanceof Error ? error.message : 'not CBOR');
    }
    const alg = header.get(COSE_HEADER_ALG);
    if (alg !== COSE_ALG_EDDSA) return reject('wrong-algorithm', `algorithm ${String(alg)} is not EdDSA (-8)`);
    const kidBytes = header.get(COSE_HEADER_KID);
    if (!(kidBytes instanceof Uint8Array)) return reject('unknown-key', 'the protected header names no key id');
    const kid = bytesToBase64Url(kidBytes);
    const trusted = this.#keys.get(kid);
    if (!trusted) return reject('unknown-key', `key ${kid} is not in the trust list`);
    const signed = await this.verifySignature(trusted.raw, signatureInput(parts.protectedBytes, parts.payload), parts.signature);
    if (!signed) return reject('bad-signature', 'the signature does not match the content');

    let claims: HealthCodeClaims;
    try {
      claims = readClaims(decodeCbor(parts.payload));
    } catch (error) {
      return reject('malformed-claims', error instanceof Error ? error.message : 'unreadable claims');
    }
    if (claims.issuer !== trusted.key.issuer) return reject('unknown-key', `key ${kid} does not belong to issuer ${claims.issuer}`);
    const seconds = now / 1000;
    if (claims.issuedAt < trusted.key.validFrom - CLOCK_SKEW_SECONDS || (trusted.key.validUntil !== null && claims.issuedAt > trusted.key.validUntil)) {
      return reject('unknown-key', `key ${kid} was not in use when the token was issued`);
    }
    if (claims.expiresAt - claims.issuedAt > MAX_TOKEN_LIFETIME_SECONDS) {
      return reject('malformed-claims', `the code would live longer than ${MAX_TOKEN_LIFETIME_SECONDS} s`);
    }
    if (seconds + CLOCK_SKEW_SECONDS < claims.notBefore) {
      return reject('not-yet-valid', `valid from ${new Date(claims.notBefore * 1000).toISOString()} (allowing ${CLOCK_SKEW_SECONDS} s of clock skew)`);
    }
    if (seconds - CLOCK_SKEW_SECONDS >= claims.expiresAt) {
      return reject('expired', `expired at ${new Date(claims.expiresAt * 1000).toISOString()} (allowing ${CLOCK_SKEW_SECONDS} s of clock skew)`);
    }
    return { valid: true, claims, kid };
  }
}

function readClaims(value: unknown): HealthCodeClaims {
  if (!(value instanceof Map)) throw new Error('the payload is not a CWT claims map');
  const int = (key: number, name: string) => {
    const v = value.get(key);
    if (typeof v !== 'number' || !Number.isInteger(v)) throw new Error(`claim ${name} must be an integer`);
    return v;
  };
  const text = (v: unknown, name: string) => {
    if (typeof v !== 'string' || v.length === 0 || v.length > 200) throw new Error(`claim ${name} must be text`);
    return v;
  };
  // An offline pass is signed by the same keys: read as a code it would need no phone's signature.
  if (value.has(CWT_CNF)) throw new Error("a confirmation (cnf) claim: an offline pass, valid only with its phone's signature");
  const { hc, colour, mark } = healthCodeClaim(value);
  const issuedAt = int(CWT_IAT, 'iat');
  return {
    issuer: text(value.get(CWT_ISS), 'iss'),
    subject: text(value.get(CWT_SUB), 'sub'),
    issuedAt,
    notBefore: value.has(CWT_NBF) ? int(CWT_NBF, 'nbf') : issuedAt,
    expiresAt: int(CWT_EXP, 'exp'),
    colour: colour as Colour,
    mark: mark as Mark | null,
    maskedName: text(hc.get('n'), 'masked name'),
  };
}

/** The health-code claim of a code or an offline pass: its map, with a known colour and mark. */
export function healthCodeClaim(value: Map<unknown, unknown>): { hc: Map<unknown, unknown>; colour: Colour; mark: Mark | null } {
  const hc = value.get(CLAIM_HEALTH_CODE);
  if (!(hc instanceof Map)) throw new Error('the health-code claim is missing');
  const colour = hc.get('c');
  if (!(COLOURS as readonly unknown[]).includes(colour)) throw new Error(`colour ${String(colour)} is unknown`);
  const mark = hc.get('m') ?? null;
  if (mark !== null && !(MARKS as readonly unknown[]).includes(mark)) throw new Error(`mark ${String(mark)} is unknown`);
  return { hc, colour: colour as Colour, mark: mark as Mark | null };
}

import { encodeCbor } from './cose-sign1.js';
import { CLAIM_HEALTH_CODE, COSE_SIGN1_TAG, CWT_EXP, CWT_IAT, CWT_ISS, CWT_NBF, CWT_SUB, type HealthCodeClaims } from './token-format.js';

/**
 * A code's token in its fixed shapes, written straight into bytes: every code view signs one, and
 * building Maps and Tags for cbor-x to walk cost a third as much as the signature itself. Each
 * writer gives exactly the bytes cbor-x gives for the same value (test/codes/token-cbor.test.ts
 * compares them on random input): deterministic CBOR (RFC 8949 §4.2), keys in the signer's order.
 * Values outside the shapes written here (a time that is not a 32-bit count of seconds, text holding
 * surrogates) go to cbor-x as before.
 */

/** The claims map as cbor-x encodes it: what the fast writer must match. */
export function tokenPayloadMap(issuer: string, claims: Omit<HealthCodeClaims, 'issuer'>): Map<number | string, unknown> {
  const healthCode = new Map<string, unknown>([
    ['c', claims.colour],
    ['n', claims.maskedName],
  ]);
  if (claims.mark) healthCode.set('m', claims.mark);
  return new Map<number | string, unknown>([
    [CWT_ISS, issuer],
    [CWT_SUB, claims.subject],
    [CWT_EXP, claims.expiresAt],
    [CWT_NBF, claims.notBefore],
    [CWT_IAT, claims.issuedAt],
    [CLAIM_HEALTH_CODE, healthCode],
  ]);
}

const MAJOR_BYTES = 2;
const MAJOR_TEXT = 3;
const MAJOR_ARRAY = 4;
const MAJOR_MAP = 5;

/** Bytes of a head whose argument is `n` (0 ≤ n ≤ 2³²−1), shortest form. */
const headSize = (n: number) => (n < 24 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : 5);

const isUint32 = (n: number) => Number.isInteger(n) && n >= 0 && n <= 0xffffffff;

/** Writes heads and items at a running offset into a buffer sized beforehand. */
class Writer {
  at = 0;
  constructor(readonly out: Buffer) {}

  head(major: number, n: number): void {
    const out = this.out;
    const type = major << 5;
    if (n < 24) out[this.at++] = type | n;
    else if (n < 0x100) {
      out[this.at++] = type | 24;
      out[this.at++] = n;
    } else if (n < 0x10000) {
      out[this.at++] = type | 25;
      out.writeUInt16BE(n, this.at);
      this.at += 2;
    } else {
      out[this.at++] = type | 26;
      out.writeUInt32BE(n, this.at);
      this.at += 4;
    }
  }

  /** A text string whose UTF-8 length is `length`. */
  text(value: string, length: number): void {
    this.head(MAJOR_TEXT, length);
    this.at += this.out.write(value, this.at, length, 'utf8');
  }

  bytes(value: Uint8Array): void {
    this.head(MAJOR_BYTES, value.length);
    this.out.set(value, this.at);
    this.at += value.length;
  }

  raw(value: Uint8Array): void {
    this.out.set(value, this.at);
    this.at += value.length;
  }

  done(): Uint8Array {
    if (this.at !== this.out.length) throw new Error(`CBOR writer: wrote ${this.at} of ${this.out.length} bytes`);
    // A Buffer, as cbor-x answers: callers may read it as one.
    return this.out;
  }
}

/** Surrogates: cbor-x writes a lone one otherwise than Buffer does; text with any is left to cbor-x. */
const SURROGATE = /[\uD800-\uDFFF]/;

/** UTF-8 length of text, or undefined for text left to cbor-x. */
const utf8Length = (value: string): number | undefined => (SURROGATE.test(value) ? undefined : Buffer.byteLength(value, 'utf8'));

const textSize = (length: number) => headSize(length) + length;

/** A code's CWT claims set (RFC 8392), as encodeCbor(tokenPayloadMap(…)) writes it. */
export function encodeTokenPayload(issuer: string, claims: Omit<HealthCodeClaims, 'issuer'>): Uint8Array {
  const { subject, expiresAt, notBefore, issuedAt, colour, mark, maskedName } = claims;
  const texts = [issuer, subject, colour, maskedName];
  if (mark) texts.push(mark);
  const lengths = texts.map(utf8Length);
  if (lengths.includes(undefined) || !isUint32(expiresAt) || !isUint32(notBefore) || !isUint32(issuedAt)) return encodeCbor(tokenPayloadMap(issuer, claims));
  // The map's head; keys 1, 2, 4, 5, 6 a byte each; "hc" three bytes and its map's head; "c", "n" and "m" two bytes each.
  const size =
    1 + 5 + textSize(lengths[0]!) + textSize(lengths[1]!) + headSize(expiresAt) + headSize(notBefore) + headSize(issuedAt) + 3 + 1 + 2 + textSize(lengths[2]!) + 2 + textSize(lengths[3]!) + (mark ? 2 + textSize(lengths[4]!) : 0);
  const w = new Writer(Buffer.allocUnsafe(size));
  w.head(MAJOR_MAP, 6);
  w.head(0, CWT_ISS);
  w.text(issuer, lengths[0]!);
  w.head(0, CWT_SUB);
  w.text(subject, lengths[1]!);
  w.head(0, CWT_EXP);
  w.head(0, expiresAt);
  w.head(0, CWT_NBF);
  w.head(0, notBefore);
  w.head(0, CWT_IAT);
  w.head(0, issuedAt);
  w.text(CLAIM_HEALTH_CODE, 2);
  w.head(MAJOR_MAP, mark ? 3 : 2);
  w.text('c', 1);
  w.text(colour, lengths[2]!);
  w.text('n', 1);
  w.text(maskedName, lengths[3]!);
  if (mark) {
    w.text('m', 1);
    w.text(mark, lengths[4]!);
  }
  return w.done();
}

/** "Signature1", as a CBOR text item. */
const SIGNATURE1 = new Uint8Array(Buffer.from([0x6a, ...Buffer.from('Signature1', 'ascii')]));

/** Sig_structure for a single signer with no external data (as cose-sign1's signatureInput). */
export function fastSignatureInput(protectedBytes: Uint8Array, payload: Uint8Array): Uint8Array {
  const w = new Writer(Buffer.allocUnsafe(1 + SIGNATURE1.length + headSize(protectedBytes.length) + protectedBytes.length + 1 + headSize(payload.length) + payload.length));
  w.head(MAJOR_ARRAY, 4);
  w.raw(SIGNATURE1);
  w.bytes(protectedBytes);
  w.head(MAJOR_BYTES, 0);
  w.bytes(payload);
  return w.done();
}

/** A tagged COSE_Sign1 with an empty unprotected header (as cose-sign1's encodeSign1). */
export function fastSign1(protectedBytes: Uint8Array, payload: Uint8Array, signature: Uint8Array): Uint8Array {
  const w = new Writer(Buffer.allocUnsafe(1 + 1 + headSize(protectedBytes.length) + protectedBytes.length + 1 + headSize(payload.length) + payload.length + headSize(signature.length) + signature.length));
  w.head(6, COSE_SIGN1_TAG);
  w.head(MAJOR_ARRAY, 4);
  w.bytes(protectedBytes);
  w.head(MAJOR_MAP, 0);
  w.bytes(payload);
  w.bytes(signature);
  return w.done();
}

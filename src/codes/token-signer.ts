import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, createHash, type KeyObject } from 'node:crypto';
import { encodeCbor } from './cose-sign1.js';
import { encodeTokenPayload, fastSign1, fastSignatureInput } from './token-cbor.js';
import { encodeBase45 } from './base45.js';
import {
  COSE_ALG_EDDSA,
  COSE_HEADER_ALG,
  COSE_HEADER_KID,
  TOKEN_PREFIX,
  type HealthCodeClaims,
} from './token-format.js';
import { bytesToBase64Url } from './trust-list.js';
import type { Ed25519Verify } from './token-verifier.js';
import { COSE_HEADER_CONTENT_TYPE, COSE_HEADER_TYP, type DocumentType } from './signed-document.js';
import { keyBindingBytes } from './key-binding.js';
import { OFFLINE_PASS_TYPE, passPayload, type OfflinePassClaims } from './offline-pass.js';

/** Server-side signing with node:crypto Ed25519. */

export interface SigningKey {
  kid: string;
  issuer: string;
  privateKey: KeyObject;
  /** Raw 32-byte public key. */
  publicKey: Uint8Array;
}

export function rawPublicKey(publicKey: KeyObject): Uint8Array {
  const jwk = publicKey.export({ format: 'jwk' });
  return new Uint8Array(Buffer.from(jwk.x!, 'base64url'));
}

/** kid = first 8 bytes of SHA-256 over the raw public key, as the EU certificate scheme does. */
export function keyIdFor(rawPublic: Uint8Array): string {
  return bytesToBase64Url(createHash('sha256').update(rawPublic).digest().subarray(0, 8));
}

export function generateSigningKey(issuer: string): SigningKey & { privatePkcs8: Buffer } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = rawPublicKey(publicKey);
  return { kid: keyIdFor(raw), issuer, privateKey, publicKey: raw, privatePkcs8: privateKey.export({ format: 'der', type: 'pkcs8' }) };
}

export function signingKeyFromPkcs8(issuer: string, pkcs8: Buffer): SigningKey {
  const privateKey = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  const raw = rawPublicKey(createPublicKey(privateKey));
  return { kid: keyIdFor(raw), issuer, privateKey, publicKey: raw };
}

/** The key's proof of possession for `operatorId` (key-binding.ts): signed with the key itself. */
export function signKeyBinding(key: SigningKey, operatorId: string, issuer: string): string {
  return bytesToBase64Url(new Uint8Array(sign(null, keyBindingBytes(operatorId, { kid: key.kid, issuer }), key.privateKey)));
}

/** The key's protected header (EdDSA and its kid) with any further headers, as CBOR. */
function protectedHeader(key: SigningKey, extraHeaders: [number, unknown][]): Uint8Array {
  return encodeCbor(
    new Map<number, unknown>([
      [COSE_HEADER_ALG, COSE_ALG_EDDSA],
      [COSE_HEADER_KID, new Uint8Array(Buffer.from(key.kid, 'base64url'))],
      ...extraHeaders,
    ]),
  );
}

/** Each key's plain protected header, written once: a code view signs with it every time. */
const plainHeaders = new WeakMap<SigningKey, Uint8Array>();

/** A COSE_Sign1 over `payload` with the key's EdDSA header (and any further protected headers), as bytes. */
export function signSign1Bytes(key: SigningKey, payload: Uint8Array, extraHeaders: [number, unknown][] = []): Uint8Array {
  let protectedBytes = extraHeaders.length === 0 ? plainHeaders.get(key) : undefined;
  if (protectedBytes === undefined) {
    protectedBytes = protectedHeader(key, extraHeaders);
    if (extraHeaders.length === 0) plainHeaders.set(key, protectedBytes);
  }
  // A plain Uint8Array, as in the browser, so both sides see the same byte-string type.
  const signature = new Uint8Array(sign(null, fastSignatureInput(protectedBytes, payload), key.privateKey));
  return fastSign1(protectedBytes, payload, signature);
}

/** A COSE_Sign1 over `payload` with the key's EdDSA header, as base45 text (without prefix). */
export function signSign1(key: SigningKey, payload: Uint8Array): string {
  return encodeBase45(signSign1Bytes(key, payload));
}

/** A signed JSON document of the given type (signed-document.ts reads it back). */
export function signDocument(key: SigningKey, type: DocumentType, payload: unknown): Uint8Array {
  return signSign1Bytes(key, new TextEncoder().encode(JSON.stringify(payload)), [
    [COSE_HEADER_CONTENT_TYPE, 'application/json'],
    [COSE_HEADER_TYP, type],
  ]);
}

/** Encodes and signs the claims; returns the QR text. */
export function signToken(key: SigningKey, claims: Omit<HealthCodeClaims, 'issuer'>): string {
  return TOKEN_PREFIX + signSign1(key, encodeTokenPayload(key.issuer, claims));
}

/** Signs an offline pass (offline-pass.ts) binding the phone's key to the code's claims; returns the COSE_Sign1 bytes. */
export function signOfflinePass(key: SigningKey, claims: Omit<OfflinePassClaims, 'issuer'>): Uint8Array {
  return signSign1Bytes(key, passPayload({ ...claims, issuer: key.issuer }), [[COSE_HEADER_TYP, OFFLINE_PASS_TYPE]]);
}

/** node:crypto Ed25519 verification for the shared verifier: synchronous and faster than WebCrypto in Node. */
export function nodeVerify(): Ed25519Verify {
  const keys = new Map<string, KeyObject>();
  return (publicKey, data, signature) => {
    const id = Buffer.from(publicKey).toString('base64url');
    let key = keys.get(id);
    if (!key) {
      key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: id }, format: 'jwk' });
      keys.set(id, key);
    }
    return verify(null, data, key, signature);
  };
}

/** Prefix of a venue's printed place code. */

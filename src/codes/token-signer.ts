import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, createHash, type KeyObject } from 'node:crypto';
import { encodeSign1, encodeCbor, signatureInput } from './cose-sign1.js';
import { encodeBase45 } from './base45.js';
import {
  CLAIM_HEALTH_CODE,
  COSE_ALG_EDDSA,
  COSE_HEADER_ALG,
  COSE_HEADER_KID,
  CWT_EXP,
  CWT_IAT,
  CWT_ISS,
  CWT_NBF,
  CWT_SUB,
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

/** A COSE_Sign1 over `payload` with the key's EdDSA header (and any further protected headers), as bytes. */
export function signSign1Bytes(key: SigningKey, payload: Uint8Array, extraHeaders: [number, unknown][] = []): Uint8Array {
  const protectedBytes = encodeCbor(
    new Map<number, unknown>([
      [COSE_HEADER_ALG, COSE_ALG_EDDSA],
      [COSE_HEADER_KID, new Uint8Array(Buffer.from(key.kid, 'base64url'))],
      ...extraHeaders,
    ]),
  );
  // A plain Uint8Array, as in the browser, so both sides see the same byte-string type.
  const signature = new Uint8Array(sign(null, signatureInput(protectedBytes, payload), key.privateKey));
  return encodeSign1({ protectedBytes, unprotected: new Map(), payload, signature });
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
  const healthCode = new Map<string, unknown>([
    ['c', claims.colour],
    ['n', claims.maskedName],
  ]);
  if (claims.mark) healthCode.set('m', claims.mark);
  const payload = encodeCbor(
    new Map<number | string, unknown>([
      [CWT_ISS, key.issuer],
      [CWT_SUB, claims.subject],
      [CWT_EXP, claims.expiresAt],
      [CWT_NBF, claims.notBefore],
      [CWT_IAT, claims.issuedAt],
      [CLAIM_HEALTH_CODE, healthCode],
    ]),
  );
  return TOKEN_PREFIX + signSign1(key, payload);
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

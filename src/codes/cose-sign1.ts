import { decode, encode, Tag } from 'cbor2';
import { COSE_SIGN1_TAG } from './token-format.js';

/** COSE_Sign1 (RFC 9052 §4.2) framing: the four parts, and the bytes a signature covers. */
export interface Sign1Parts {
  protectedBytes: Uint8Array;
  unprotected: Map<unknown, unknown>;
  payload: Uint8Array;
  signature: Uint8Array;
}

/** Deterministic encoding (RFC 8949 §4.2), so signer and verifier agree on every byte. */
export const encodeCbor = (value: unknown): Uint8Array => encode(value, { cde: true });

/** Decodes untrusted CBOR; maps stay Maps (integer keys), duplicate keys are an error. */
export const decodeCbor = (bytes: Uint8Array): unknown => decode(bytes, { preferMap: true, rejectDuplicateKeys: true, rejectStreaming: true });

/** Sig_structure for a single signer with no external data. */
export function signatureInput(protectedBytes: Uint8Array, payload: Uint8Array): Uint8Array {
  return encodeCbor(['Signature1', protectedBytes, new Uint8Array(0), payload]);
}

export function encodeSign1(parts: Sign1Parts): Uint8Array {
  return encodeCbor(new Tag(COSE_SIGN1_TAG, [parts.protectedBytes, parts.unprotected, parts.payload, parts.signature]));
}

/** Splits a COSE_Sign1 message; throws a plain Error naming what is wrong with its shape. */
export function decodeSign1(bytes: Uint8Array): Sign1Parts {
  let value = decodeCbor(bytes);
  if (value instanceof Tag) {
    if (Number(value.tag) !== COSE_SIGN1_TAG) throw new Error(`CBOR tag ${value.tag} is not COSE_Sign1 (18)`);
    value = value.contents;
  }
  if (!Array.isArray(value) || value.length !== 4) throw new Error('COSE_Sign1 must be an array of four items');
  const [protectedBytes, unprotected, payload, signature] = value as unknown[];
  if (!(protectedBytes instanceof Uint8Array)) throw new Error('the protected header must be a byte string');
  if (!(unprotected instanceof Map)) throw new Error('the unprotected header must be a map');
  if (!(payload instanceof Uint8Array)) throw new Error('the payload must be a byte string');
  if (!(signature instanceof Uint8Array)) throw new Error('the signature must be a byte string');
  return { protectedBytes, unprotected, payload, signature };
}

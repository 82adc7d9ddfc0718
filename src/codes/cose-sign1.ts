import { Decoder, Encoder, Tag } from 'cbor-x';
import { COSE_SIGN1_TAG } from './token-format.js';

/** COSE_Sign1 (RFC 9052 §4.2) framing: the four parts, and the bytes a signature covers. */
export interface Sign1Parts {
  protectedBytes: Uint8Array;
  unprotected: Map<unknown, unknown>;
  payload: Uint8Array;
  signature: Uint8Array;
}

/**
 * cbor-x: plain RFC 8949 CBOR with no extensions (no records, no typed-array tags), maps kept as Maps
 * so integer keys survive. Chosen over cbor2 for speed: a token is encoded and decoded on every scan,
 * and cbor2 took ~0.16 ms a map against ~0.002 ms. The signer inserts map keys in the deterministic
 * order of RFC 8949 §4.2 (integers, then text) itself; the verifier checks the bytes as received.
 */
const encoder = new Encoder({ mapsAsObjects: false, useRecords: false, variableMapSize: true, tagUint8Array: false } as ConstructorParameters<typeof Encoder>[0]);
const decoder = new Decoder({ mapsAsObjects: false, useRecords: false } as ConstructorParameters<typeof Decoder>[0]);

export const encodeCbor = (value: unknown): Uint8Array => encoder.encode(value);

/** Decodes untrusted CBOR; maps stay Maps (integer keys). */
export const decodeCbor = (bytes: Uint8Array): unknown => decoder.decode(bytes);

/**
 * Decodes CBOR that must be in the deterministic encoding it was written in (RFC 8949 §4.2: shortest
 * lengths and integers, definite lengths, keys as the signer ordered them): the value's encoding must
 * be the bytes received. cbor-x has no such decoding option, so the value is encoded again and
 * compared; a re-encoded copy of a code (an indefinite array, a length in more bytes than needed)
 * would otherwise read as the same code under different text. Throws naming why.
 */
export function decodeDeterministicCbor(bytes: Uint8Array): unknown {
  const value = decodeCbor(bytes);
  const again = encodeCbor(value);
  if (again.length !== bytes.length || again.some((byte, i) => byte !== bytes[i])) throw new Error('not in deterministic CBOR (RFC 8949 §4.2): the same value written differently');
  return value;
}

/** RFC 9052 `crit`: header labels the recipient must understand. */
export const COSE_HEADER_CRIT = 2;
/** Labels every verifier here understands (alg, content type, kid, typ): the only ones `crit` may name. */
const UNDERSTOOD_LABELS = new Set<unknown>([1, 3, 4, 16]);

/** How many entries the CBOR map at the start of `bytes` declares (definite length only), or undefined. */
function declaredMapSize(bytes: Uint8Array): number | undefined {
  const first = bytes[0];
  if (first === undefined || first >> 5 !== 5) return undefined;
  const info = first & 0x1f;
  if (info < 24) return info;
  const width = info === 24 ? 1 : info === 25 ? 2 : info === 26 ? 4 : 0;
  if (width === 0 || bytes.length < 1 + width) return undefined;
  let size = 0;
  for (let i = 1; i <= width; i += 1) size = size * 256 + bytes[i]!;
  return size;
}

/**
 * Reads a protected header as RFC 9052 §3 requires of a verifier: a map (empty bytes for none) with
 * no label twice (cbor-x keeps the last of two silently, so a second `typ` could turn one document
 * into another), and no `crit` naming a parameter this code does not understand. Every signed thing
 * here (codes, trust lists, bundles, travel cards) reads its header through this. Throws naming why.
 */
export function decodeProtectedHeader(protectedBytes: Uint8Array): Map<unknown, unknown> {
  if (protectedBytes.length === 0) return new Map();
  const declared = declaredMapSize(protectedBytes);
  if (declared === undefined) throw new Error('the protected header is not a map of definite length');
  const header = decodeCbor(protectedBytes);
  if (!(header instanceof Map)) throw new Error('the protected header is not a map');
  if (header.size !== declared) throw new Error('the protected header names a label twice');
  // A label sent as an 8-byte integer decodes to a BigInt, a key apart from the same label as a
  // number: the size check above would not see it given twice. COSE labels are small integers or text.
  for (const label of header.keys()) {
    if (!((typeof label === 'number' && Number.isSafeInteger(label)) || typeof label === 'string')) throw new Error('the protected header has a label that is neither a small integer nor text (a label given twice in another encoding?)');
  }
  if (header.has(COSE_HEADER_CRIT)) {
    const crit = header.get(COSE_HEADER_CRIT);
    if (!Array.isArray(crit) || crit.length === 0) throw new Error('crit must be a non-empty list of labels');
    const unknown = crit.find((label) => !UNDERSTOOD_LABELS.has(label) || !header.has(label));
    if (unknown !== undefined) throw new Error(`crit names ${String(unknown)}, a header parameter this verifier does not understand`);
  }
  return header;
}

/** Sig_structure for a single signer with no external data. */
export function signatureInput(protectedBytes: Uint8Array, payload: Uint8Array): Uint8Array {
  return encodeCbor(['Signature1', protectedBytes, new Uint8Array(0), payload]);
}

export function encodeSign1(parts: Sign1Parts): Uint8Array {
  return encodeCbor(new Tag([parts.protectedBytes, parts.unprotected, parts.payload, parts.signature], COSE_SIGN1_TAG));
}

/**
 * Splits a COSE_Sign1 message; throws a plain Error naming what is wrong with its shape.
 * `deterministic`: for formats defined as deterministic CBOR (codes, offline passes), where another
 * encoding of the same message is refused rather than read as new text.
 */
export function decodeSign1(bytes: Uint8Array, deterministic = false): Sign1Parts {
  let value = deterministic ? decodeDeterministicCbor(bytes) : decodeCbor(bytes);
  if (value instanceof Tag) {
    if (Number(value.tag) !== COSE_SIGN1_TAG) throw new Error(`CBOR tag ${value.tag} is not COSE_Sign1 (18)`);
    value = value.value;
  }
  if (!Array.isArray(value) || value.length !== 4) throw new Error('COSE_Sign1 must be an array of four items');
  const [protectedBytes, unprotected, payload, signature] = value as unknown[];
  if (!(protectedBytes instanceof Uint8Array)) throw new Error('the protected header must be a byte string');
  if (!(unprotected instanceof Map)) throw new Error('the unprotected header must be a map');
  if (!(payload instanceof Uint8Array)) throw new Error('the payload must be a byte string');
  if (!(signature instanceof Uint8Array)) throw new Error('the signature must be a byte string');
  return { protectedBytes, unprotected, payload, signature };
}

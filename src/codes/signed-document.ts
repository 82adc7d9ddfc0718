import { decodeProtectedHeader, decodeSign1, signatureInput } from './cose-sign1.js';
import { COSE_ALG_EDDSA, COSE_HEADER_ALG, COSE_HEADER_KID } from './token-format.js';
import { bytesToBase64Url } from './trust-list.js';
import type { Ed25519Verify } from './token-verifier.js';

/**
 * Signed documents between operators, hub and checkpoints: a COSE_Sign1 (RFC 9052) whose payload is
 * JSON, with its type in the protected header (the `typ` parameter of RFC 9596), so a trust list
 * cannot be passed off as a fact bundle or a travel card. Verifying runs in the browser too.
 */

/** RFC 9596 `typ` header parameter. */
export const COSE_HEADER_TYP = 16;
/** RFC 9052 content type header parameter. */
export const COSE_HEADER_CONTENT_TYPE = 3;

export const DOCUMENT_TYPES = {
  memberTrustList: 'application/healthcode-member-trust-list+json',
  nationalTrustList: 'application/healthcode-national-trust-list+json',
  travelCard: 'application/healthcode-travel-card+json',
  factGrant: 'application/healthcode-fact-grant+json',
  factBundle: 'application/healthcode-fact-bundle+json',
  factRequest: 'application/healthcode-fact-request+json',
  sunsetReport: 'application/healthcode-sunset-report+json',
} as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[keyof typeof DOCUMENT_TYPES];

export class DocumentError extends Error {
  constructor(
    readonly reason: 'malformed' | 'wrong-type' | 'unknown-key' | 'bad-signature',
    message: string,
  ) {
    super(message);
    this.name = 'DocumentError';
  }
}

/** The parts of a signed document before its signature is checked: who says they signed it, and the bytes. */
export function openDocument(bytes: Uint8Array): { kid: string; type: string; protectedBytes: Uint8Array; payload: Uint8Array; signature: Uint8Array } {
  let parts;
  let header: Map<unknown, unknown>;
  try {
    parts = decodeSign1(bytes);
    header = decodeProtectedHeader(parts.protectedBytes);
  } catch (error) {
    throw new DocumentError('malformed', `not a COSE_Sign1 document: ${error instanceof Error ? error.message : 'unreadable'}`);
  }
  if (header.get(COSE_HEADER_ALG) !== COSE_ALG_EDDSA) throw new DocumentError('malformed', 'the document is not signed with EdDSA');
  const kid = header.get(COSE_HEADER_KID);
  if (!(kid instanceof Uint8Array)) throw new DocumentError('malformed', 'the document names no key id');
  const type = header.get(COSE_HEADER_TYP);
  if (typeof type !== 'string') throw new DocumentError('malformed', 'the document has no type');
  return { kid: bytesToBase64Url(kid), type, protectedBytes: parts.protectedBytes, payload: parts.payload, signature: parts.signature };
}

/**
 * Checks a document's type and signature and returns its JSON payload, unvalidated: the caller reads
 * it with its own schema. `publicKeyOf` gives the raw Ed25519 key the signer is trusted under, or
 * undefined for a key it does not trust.
 */
export async function verifyDocument(
  bytes: Uint8Array,
  expectedType: DocumentType,
  publicKeyOf: (kid: string) => Uint8Array | undefined,
  verifySignature: Ed25519Verify,
): Promise<{ kid: string; payload: unknown }> {
  const opened = openDocument(bytes);
  if (opened.type !== expectedType) throw new DocumentError('wrong-type', `expected a ${expectedType} document, got ${opened.type}`);
  const publicKey = publicKeyOf(opened.kid);
  if (!publicKey) throw new DocumentError('unknown-key', `key ${opened.kid} is not trusted to sign this document`);
  if (!(await verifySignature(publicKey, signatureInput(opened.protectedBytes, opened.payload), opened.signature))) {
    throw new DocumentError('bad-signature', 'the signature does not match the document');
  }
  try {
    return { kid: opened.kid, payload: JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(opened.payload)) };
  } catch {
    throw new DocumentError('malformed', 'the payload is not JSON');
  }
}

import { createPublicKey, verify } from 'node:crypto';
import { decodeBase45 } from './base45.js';
import { decodeCbor, decodeProtectedHeader, decodeSign1, encodeCbor, signatureInput } from './cose-sign1.js';
import { signSign1, type SigningKey } from './token-signer.js';
import { COSE_HEADER_KID, CWT_IAT, CWT_ISS, CWT_SUB } from './token-format.js';
import { bytesToBase64Url } from './trust-list.js';

export const PLACE_CODE_PREFIX = 'JKP1:';

/** A place code: a COSE_Sign1 over { iss, sub: venue id, pc: { n: name, t: type } }, signed by the region's key. No expiry: it is printed. */
export function signPlaceCode(key: SigningKey, venue: { id: string; name: string; type: string }, issuedAt: number): string {
  const payload = encodeCbor(
    new Map<number | string, unknown>([
      [CWT_ISS, key.issuer],
      [CWT_SUB, venue.id],
      [CWT_IAT, issuedAt],
      ['pc', new Map([['n', venue.name], ['t', venue.type]])],
    ]),
  );
  return PLACE_CODE_PREFIX + signSign1(key, payload);
}

/**
 * Reads a place code a resident's app scanned: the venue id, if it is signed by a key
 * `publicKeyOf` knows (the raw Ed25519 key, base64url). Place codes stay printed on walls, so the
 * caller should know every key ever used, retired ones too.
 */
export async function readPlaceCode(text: string, publicKeyOf: (kid: string) => Promise<string | undefined>): Promise<{ venueId: string } | { error: string }> {
  if (!text.startsWith(PLACE_CODE_PREFIX)) return { error: `a place code starts with ${PLACE_CODE_PREFIX}` };
  try {
    const parts = decodeSign1(decodeBase45(text.slice(PLACE_CODE_PREFIX.length)));
    const header = decodeProtectedHeader(parts.protectedBytes);
    const kid = header.get(COSE_HEADER_KID);
    if (!(kid instanceof Uint8Array)) return { error: 'the place code names no key' };
    const x = await publicKeyOf(bytesToBase64Url(kid));
    if (x === undefined) return { error: 'the place code was not signed by a known key' };
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
    if (!verify(null, signatureInput(parts.protectedBytes, parts.payload), key, parts.signature)) return { error: 'the place code signature does not match' };
    const venueId = (decodeCbor(parts.payload) as Map<number | string, unknown>).get(CWT_SUB);
    return typeof venueId === 'string' ? { venueId } : { error: 'the place code names no venue' };
  } catch {
    return { error: 'the place code is not readable' };
  }
}

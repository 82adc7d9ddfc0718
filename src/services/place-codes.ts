import { verify } from 'node:crypto';
import { decodeBase45 } from '../codes/base45.js';
import { decodeCbor, decodeSign1, signatureInput } from '../codes/cose-sign1.js';
import { PLACE_CODE_PREFIX } from '../codes/token-signer.js';
import { COSE_HEADER_KID, CWT_SUB } from '../codes/token-format.js';
import { bytesToBase64Url } from '../codes/trust-list.js';
import { createPublicKey } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

/**
 * Reads a place code a resident's app scanned: the venue id, if the signature is one of ours. Checked
 * against every key ever used (retired ones too), since place codes stay printed on walls.
 */
export async function venueOfPlaceCode(db: Kysely<Database>, text: string): Promise<{ venueId: string } | { error: string }> {
  if (!text.startsWith(PLACE_CODE_PREFIX)) return { error: `a place code starts with ${PLACE_CODE_PREFIX}` };
  try {
    const parts = decodeSign1(decodeBase45(text.slice(PLACE_CODE_PREFIX.length)));
    const header = decodeCbor(parts.protectedBytes) as Map<number, unknown>;
    const kid = header.get(COSE_HEADER_KID);
    if (!(kid instanceof Uint8Array)) return { error: 'the place code names no key' };
    const row = await db.selectFrom('signing_keys').select('public_key').where('kid', '=', bytesToBase64Url(kid)).executeTakeFirst();
    if (!row) return { error: 'the place code was not signed by a known key' };
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: row.public_key }, format: 'jwk' });
    if (!verify(null, signatureInput(parts.protectedBytes, parts.payload), key, parts.signature)) return { error: 'the place code signature does not match' };
    const venueId = (decodeCbor(parts.payload) as Map<number | string, unknown>).get(CWT_SUB);
    return typeof venueId === 'string' ? { venueId } : { error: 'the place code names no venue' };
  } catch {
    return { error: 'the place code is not readable' };
  }
}

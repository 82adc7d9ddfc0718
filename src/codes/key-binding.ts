import type { Ed25519Verify } from './token-verifier.js';
import { base64UrlToBytes, type TrustedKey } from './trust-list.js';

/**
 * Proof of possession for a code key in a trust list: a signature made with the key's own private
 * key over (operator id, kid, issuer), as RFC 8555 and X.509 CSRs prove a key before it is
 * certified. Every trust list is public, so without it a member could copy another's fresh key into
 * its own list, be recorded first as its publisher, and revoke it; a copied key cannot carry a
 * binding naming the copier. Pure and WebCrypto-based: the hub, members and scanners check it alike.
 */

/** Domain separation: these bytes can never be a COSE Sig_structure or a code's payload. */
const CONTEXT = 'healthcode key binding v1';

/** The bytes a key's binding signs: the context, then operator id, kid and issuer, each NUL-terminated (none may hold a NUL). */
export function keyBindingBytes(operatorId: string, key: Pick<TrustedKey, 'kid' | 'issuer'>): Uint8Array {
  return new TextEncoder().encode(`${CONTEXT}\0${operatorId}\0${key.kid}\0${key.issuer}\0`);
}

/** A binding as it travels: a raw 64-byte Ed25519 signature, base64url. */
export const BINDING = /^[A-Za-z0-9_-]{86}$/;

/**
 * Throws naming the first key that carries no binding, or one that its own public key does not
 * verify for `operatorId`: that operator cannot show it holds the key's private key.
 */
export async function checkKeyBindings(keys: readonly TrustedKey[], operatorId: string, verify: Ed25519Verify, where: string): Promise<void> {
  for (const key of keys) {
    if (key.binding === undefined) throw new Error(`${where}: key ${key.kid} carries no binding to ${operatorId} signed with the key itself`);
    const ok = await Promise.resolve(verify(base64UrlToBytes(key.x), keyBindingBytes(operatorId, key), base64UrlToBytes(key.binding))).catch(() => false);
    if (!ok) throw new Error(`${where}: key ${key.kid} is not bound to ${operatorId} by its own private key (a copied key?)`);
  }
}

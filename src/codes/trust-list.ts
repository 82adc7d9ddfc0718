/** The public keys checkpoints trust, by issuing region; served unauthenticated and cached offline. */
export interface TrustedKey {
  /** Key id: base64url of the first 8 bytes of SHA-256 over the raw public key. */
  kid: string;
  issuer: string;
  alg: 'EdDSA';
  crv: 'Ed25519';
  /** Raw 32-byte public key, base64url (as the JWK "x" member). */
  x: string;
  /** Epoch seconds: tokens issued before or expiring after this window are not accepted under this key. */
  validFrom: number;
  validUntil: number | null;
}

export interface TrustList {
  version: 1;
  generatedAt: number;
  keys: TrustedKey[];
}

export function base64UrlToBytes(text: string): Uint8Array {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

export function bytesToBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

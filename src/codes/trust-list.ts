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
  /**
   * Proof of possession (key-binding.ts): Ed25519 over (operator id, kid, issuer) made with this
   * key's own private key, so that no other operator can publish it as its own.
   */
  binding?: string;
}

/** Who runs the keys: shown by a scanner beside a visitor's verdict. */
export interface OperatorInfo {
  id: string;
  name: string;
  regions: string[];
}

export interface RevokedKey {
  kid: string;
  /** Epoch seconds. */
  revokedAt: number;
}

export interface TrustList {
  version: 1;
  generatedAt: number;
  keys: TrustedKey[];
  /** The operator whose keys these are (absent in lists made before federation). */
  operator?: OperatorInfo;
  /** Keys distrusted before their time: a checkpoint drops them at once. */
  revoked?: RevokedKey[];
}

/** A member's trust list as it publishes it to the hub, signed with its operator key. */
export interface MemberTrustList extends TrustList {
  operator: OperatorInfo;
  revoked: RevokedKey[];
  /** Epoch seconds: the hub stops trusting these keys after this unless it has fetched a newer list. */
  expiresAt: number;
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

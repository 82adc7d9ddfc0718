import { combineTrustLists, nationalListLive, verifyNationalTrustList, type KeyOrigin, type NationalTrustList } from '../../../src/codes/national-trust-list.js';
import { webCryptoVerify, type Ed25519Verify } from '../../../src/codes/token-verifier.js';
import { base64UrlToBytes, type TrustList } from '../../../src/codes/trust-list.js';

/**
 * What a checkpoint trusts, kept for offline use: its operator's own keys and the national list of
 * every member's, verified here against the hub key its operator gives it over the device's own
 * credential (GET /api/v1/checkpoint/me), never the key that comes beside the list: whoever answers
 * the unauthenticated list first cannot make this device trust them. A list that does not verify,
 * has expired, or goes back in sequence is not taken: the last good one stays, and is used only
 * until it expires (checked at each scan, not only when it was taken).
 */
export interface ScannerTrust {
  own: TrustList;
  hubKey: string | null;
  national: NationalTrustList | null;
  /** Why the last national list offered was not taken, if it was not. */
  refused: string | null;
}

/** What the device holds: the operator's keys, the hub key from its operator, and the list it offered. */
export interface Offered {
  own: TrustList;
  /** From /api/v1/checkpoint/me, fetched with the device credential. */
  hubKey: string | null;
  /** From /api/v1/national-trust-list: only its document counts. */
  national: { document: string } | null;
}

/** Takes what the operator offered, keeping the last good national list where the new one is not good. Pure but for the signature check. */
export async function takeTrust(previous: ScannerTrust | null, offered: Offered, now: number, verify: Ed25519Verify = webCryptoVerify()): Promise<ScannerTrust> {
  // A new hub key from the operator (the hub rotated its key): the list signed with the old one no longer counts.
  const sameKey = previous?.hubKey === offered.hubKey;
  const kept: ScannerTrust = { own: offered.own, hubKey: offered.hubKey, national: sameKey ? (previous?.national ?? null) : null, refused: null };
  if (offered.hubKey === null) return { ...kept, national: null, refused: offered.national ? 'no-hub-key' : null };
  if (!offered.national) return kept;
  let national: NationalTrustList;
  try {
    national = await verifyNationalTrustList(base64UrlToBytes(offered.national.document), base64UrlToBytes(offered.hubKey), verify);
  } catch {
    return { ...kept, refused: 'bad-signature' };
  }
  if (!nationalListLive(national, now)) return { ...kept, refused: 'expired' };
  if (kept.national && national.sequence < kept.national.sequence) return { ...kept, refused: 'older' };
  return { ...kept, national };
}

/** The state of the national list to show plainly: none held, current, or held but expired (visitors' codes are then not trusted). */
export function nationalState(trust: ScannerTrust | null, now: number): { state: 'none' } | { state: 'current' | 'expired'; sequence: number; members: number; expiresAt: number } {
  const national = trust?.national;
  if (!national) return { state: 'none' };
  return { state: nationalListLive(national, now) ? 'current' : 'expired', sequence: national.sequence, members: national.members.length, expiresAt: national.expiresAt * 1000 };
}

/** The keys to verify with at `now`, and whose each one is: an expired national list adds none. */
export function trustedKeys(trust: ScannerTrust, now: number): { trustList: TrustList; origins: Map<string, KeyOrigin> } {
  return combineTrustLists(trust.own, trust.national, now);
}

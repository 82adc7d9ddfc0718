import { combineTrustLists, nationalListLive, verifyNationalTrustList, verifyOwnTrustList, type KeyOrigin, type NationalTrustList, webCryptoVerify, type Ed25519Verify, base64UrlToBytes, type TrustList } from '../../../src/codes/index.js';
import type { ListRefusal } from './refusals.js';

/**
 * What a checkpoint trusts, kept for offline use: its operator's own keys and the national list of
 * every member's. Both are signed, and verified here against keys its operator gives it over the
 * device's own credential (GET /api/v1/checkpoint/me): the operator key for its own list, the hub
 * key for the national one; never a key that comes beside a list. Whoever answers or caches the
 * public list requests cannot make this device trust a key or drop one. A list that does not
 * verify, has expired, or goes back is not taken: the last good one stays (a national list is used
 * only until it expires, checked at each scan).
 */
export interface ScannerTrust {
  own: TrustList;
  /** The operator key the own list was verified with (absent in what older versions saved: that list is replaced at the next good one). */
  operatorKey?: string | null;
  hubKey: string | null;
  national: NationalTrustList | null;
  /** Why the last national list offered was not taken, if it was not. */
  refused: ListRefusal | null;
  /** Why the last own list offered was not taken, if it was not. */
  ownRefused?: ListRefusal | null;
  /** The newest own list ever taken (its generatedAt) and national list (its sequence): whatever keys come later, nothing older is taken. */
  ownSince?: number;
  nationalSince?: number;
}

/** What the device holds: the keys from its operator, and the lists it offered. */
export interface Offered {
  /** The operator's signed trust list (GET /api/v1/federation/trust-list, COSE_Sign1), base64url. */
  own: { document: string } | null;
  /** From /api/v1/checkpoint/me, fetched with the device credential. */
  operatorKey: string | null;
  /** From /api/v1/checkpoint/me, fetched with the device credential. */
  hubKey: string | null;
  /** From /api/v1/national-trust-list: only its document counts. */
  national: { document: string } | null;
}

const NO_KEYS: TrustList = { version: 1, generatedAt: 0, keys: [], revoked: [] };

/** The own list to keep: the offered one if it verifies against the operator key and is not older than the one held. */
async function takeOwn(previous: ScannerTrust | null, operatorKey: string | null, offered: Offered, now: number, verify: Ed25519Verify): Promise<{ own: TrustList; ownRefused: ListRefusal | null; ownSince: number }> {
  // Only a list verified with this same operator key is kept over a refusal (not one saved unverified by an older version).
  const held = previous?.operatorKey != null && previous.operatorKey === operatorKey ? previous.own : NO_KEYS;
  const since = Math.max(previous?.ownSince ?? 0, held.generatedAt);
  if (operatorKey === null) return { own: held, ownRefused: 'no-operator-key', ownSince: since };
  if (!offered.own) return { own: held, ownRefused: null, ownSince: since };
  let own: TrustList;
  try {
    own = await verifyOwnTrustList(base64UrlToBytes(offered.own.document), base64UrlToBytes(operatorKey), Math.floor(now / 1000), verify);
  } catch {
    return { own: held, ownRefused: 'bad-signature', ownSince: since };
  }
  if (own.generatedAt < since) return { own: held, ownRefused: 'older', ownSince: since };
  return { own, ownRefused: null, ownSince: own.generatedAt };
}

/** Takes what the operator offered, keeping the last good lists where the new ones are not good. Pure but for the signature checks. */
export async function takeTrust(previous: ScannerTrust | null, offered: Offered, now: number, verify: Ed25519Verify = webCryptoVerify()): Promise<ScannerTrust> {
  // A key the operator leaves out (or an answer that drops it) changes nothing: only a new key replaces one.
  const operatorKey = offered.operatorKey ?? previous?.operatorKey ?? null;
  const hubKey = offered.hubKey ?? previous?.hubKey ?? null;
  const { own, ownRefused, ownSince } = await takeOwn(previous, operatorKey, offered, now, verify);
  // A new hub key from the operator (the hub rotated its key): the list signed with the old one no longer counts.
  const sameKey = previous?.hubKey === hubKey;
  const nationalSince = Math.max(previous?.nationalSince ?? 0, previous?.national?.sequence ?? 0);
  const kept: ScannerTrust = { own, operatorKey, ownRefused, ownSince, hubKey, national: sameKey ? (previous?.national ?? null) : null, refused: null, nationalSince };
  if (hubKey === null) return { ...kept, national: null, refused: offered.national ? 'no-hub-key' : null };
  if (!offered.national) return kept;
  let national: NationalTrustList;
  try {
    national = await verifyNationalTrustList(base64UrlToBytes(offered.national.document), base64UrlToBytes(hubKey), verify);
  } catch {
    return { ...kept, refused: 'bad-signature' };
  }
  if (!nationalListLive(national, now)) return { ...kept, refused: 'expired' };
  // Never back, whichever key signed it: a rotation continues the hub's sequence.
  if (national.sequence < nationalSince) return { ...kept, refused: 'older' };
  return { ...kept, national, nationalSince: national.sequence };
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

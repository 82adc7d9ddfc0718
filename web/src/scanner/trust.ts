import { combineTrustLists, verifyNationalTrustList, type KeyOrigin, type NationalTrustList } from '../../../src/codes/national-trust-list.js';
import { webCryptoVerify } from '../../../src/codes/token-verifier.js';
import { base64UrlToBytes, type TrustList } from '../../../src/codes/trust-list.js';
import { api } from '../shared/api.js';

/**
 * What a checkpoint trusts, kept for offline use: its operator's own keys and the national list of
 * every member's, verified here against the hub key pinned the first time it was seen. A list that
 * does not verify, has expired, or goes back in sequence is not taken: the last good one stays.
 */
export interface ScannerTrust {
  own: TrustList;
  hubKey: string | null;
  national: NationalTrustList | null;
  /** Why the last national list offered was not taken, if it was not. */
  refused: string | null;
}

export async function refreshTrust(previous: ScannerTrust | null, now = Date.now()): Promise<ScannerTrust> {
  const own = await api<TrustList>('GET', '/api/v1/trust-list');
  const offered = await api<{ hubKey: string; document: string } | null>('GET', '/api/v1/national-trust-list').catch(() => null);
  const kept = { own, hubKey: previous?.hubKey ?? null, national: previous?.national ?? null, refused: null };
  if (!offered) return kept;
  const pinned = previous?.hubKey ?? offered.hubKey;
  if (offered.hubKey !== pinned) return { ...kept, refused: 'hub-key-changed' };
  try {
    const national = await verifyNationalTrustList(base64UrlToBytes(offered.document), base64UrlToBytes(pinned), webCryptoVerify());
    if (national.expiresAt * 1000 <= now) return { ...kept, hubKey: pinned, refused: 'expired' };
    if (previous?.national && national.sequence < previous.national.sequence) return { ...kept, hubKey: pinned, refused: 'older' };
    return { own, hubKey: pinned, national, refused: null };
  } catch {
    return { ...kept, hubKey: pinned, refused: 'bad-signature' };
  }
}

/** The keys to verify with, and whose each one is. */
export function trustedKeys(trust: ScannerTrust): { trustList: TrustList; origins: Map<string, KeyOrigin> } {
  return combineTrustLists(trust.own, trust.national);
}

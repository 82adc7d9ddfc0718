import { DOCUMENT_TYPES } from '../../src/codes/signed-document.js';
import { signDocument, type generateSigningKey } from '../../src/codes/token-signer.js';
import { bytesToBase64Url } from '../../src/codes/trust-list.js';
import type { Harness } from './harness.js';

/** A member as the national list names it: where it is reached and its operator key. */
export interface ListedMember {
  id: string;
  name: string;
  regions: string[];
  url: string;
  operatorKey: Uint8Array;
}

/**
 * The operator under test holds a national list (sequence 1, a day to live) that `hubKey` signed,
 * naming `members`, as if it had fetched it from the hub at `hubUrl` and pinned that hub's key.
 */
export async function holdNationalList(h: Harness, hubUrl: string, hubKey: ReturnType<typeof generateSigningKey>, members: ListedMember[]): Promise<void> {
  const seconds = Math.floor(h.clock.now().getTime() / 1000);
  const list = {
    version: 1,
    hub: 'hub',
    sequence: 1,
    issuedAt: seconds,
    expiresAt: seconds + 86_400,
    members: members.map((m) => ({ id: m.id, name: m.name, regions: m.regions, url: m.url, operatorKey: bytesToBase64Url(m.operatorKey), status: 'fresh', listGeneratedAt: seconds, listExpiresAt: seconds + 86_400, keys: [] })),
    revoked: [],
  };
  await h.ctx.stores.federation.pinHub(hubUrl, bytesToBase64Url(hubKey.publicKey));
  await h.ctx.stores.federation.recordNationalList(hubUrl, { sequence: 1, expiresAt: (seconds + 86_400) * 1000, document: bytesToBase64Url(signDocument(hubKey, DOCUMENT_TYPES.nationalTrustList, list)) }, h.clock.now().getTime());
}

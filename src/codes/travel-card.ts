import { Base45Error, decodeBase45 } from './base45.js';
import { DocumentError, DOCUMENT_TYPES, verifyDocument } from './signed-document.js';
import { CLOCK_SKEW_SECONDS, MAX_TOKEN_LIFETIME_SECONDS, type Ed25519Verify, type RejectionReason } from './token-verifier.js';
import { base64UrlToBytes, type TrustList } from './trust-list.js';

/** 行程卡 (xíngchéngkǎ), version 1: a travel card's QR text, distinct from a code's JKM1. */
export const TRAVEL_CARD_PREFIX = 'XCK1:';

/** What a signed travel card says. Times are epoch seconds. */
export interface TravelCardClaims {
  v: 1;
  iss: string;
  /** Sealed subject, as in the code: nobody but the issuer can tell whose card it is. */
  sub: string;
  /** Masked name, to match face and card. */
  n: string;
  iat: number;
  exp: number;
  /**
   * Stays: city code (c) with its Chinese and English names (cn, en, so a gate offline can read them)
   * or country (k), arrival and departure (a, d: seconds), hours (h), source (s), risk (r: the `*`).
   */
  stays: { c: string | null; cn?: string; en?: string; k: string | null; a: number; d: number; h: number; s: string; r: boolean }[];
}

export type TravelCardResult = { valid: true; claims: TravelCardClaims; kid: string } | { valid: false; reason: RejectionReason; detail: string };

const isInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v);

function readClaims(value: unknown): TravelCardClaims {
  const c = value as Partial<TravelCardClaims> | null;
  if (!c || c.v !== 1 || typeof c.iss !== 'string' || typeof c.sub !== 'string' || typeof c.n !== 'string' || !isInt(c.iat) || !isInt(c.exp) || !Array.isArray(c.stays)) {
    throw new Error('not a version 1 travel card');
  }
  for (const s of c.stays) {
    if (typeof s !== 'object' || s === null || !isInt(s.a) || !isInt(s.d) || !isInt(s.h) || typeof s.s !== 'string' || typeof s.r !== 'boolean') throw new Error('a stay is malformed');
    if ((s.cn !== undefined && (typeof s.cn !== 'string' || s.cn.length > 60)) || (s.en !== undefined && (typeof s.en !== 'string' || s.en.length > 120))) throw new Error('a stay has a malformed name');
    if ((s.c !== null && (typeof s.c !== 'string' || !/^\d{6}$/.test(s.c))) || (s.k !== null && (typeof s.k !== 'string' || !/^[A-Z]{2}$/.test(s.k)))) throw new Error('a stay names no place');
  }
  return c as TravelCardClaims;
}

/** Verifies a scanned travel card offline against a trust list (the same one codes are verified with). */
export async function verifyTravelCard(text: string, trustList: TrustList, verify: Ed25519Verify, now: number): Promise<TravelCardResult> {
  const trimmed = text.trim();
  if (!trimmed.startsWith(TRAVEL_CARD_PREFIX)) return { valid: false, reason: 'wrong-prefix', detail: `a travel card starts with ${TRAVEL_CARD_PREFIX}` };
  let bytes: Uint8Array;
  try {
    bytes = decodeBase45(trimmed.slice(TRAVEL_CARD_PREFIX.length));
  } catch (error) {
    return { valid: false, reason: 'malformed-base45', detail: error instanceof Base45Error ? error.message : 'not base45' };
  }
  const keys = new Map(trustList.keys.map((k) => [k.kid, k]));
  let verified;
  try {
    verified = await verifyDocument(bytes, DOCUMENT_TYPES.travelCard, (kid) => (keys.has(kid) ? base64UrlToBytes(keys.get(kid)!.x) : undefined), verify);
  } catch (error) {
    const reason: RejectionReason = error instanceof DocumentError ? (error.reason === 'malformed' || error.reason === 'wrong-type' ? 'malformed-cbor' : error.reason) : 'malformed-cbor';
    return { valid: false, reason, detail: error instanceof Error ? error.message : 'unreadable' };
  }
  let claims: TravelCardClaims;
  try {
    claims = readClaims(verified.payload);
  } catch (error) {
    return { valid: false, reason: 'malformed-claims', detail: error instanceof Error ? error.message : 'unreadable' };
  }
  const key = keys.get(verified.kid)!;
  if (claims.iss !== key.issuer) return { valid: false, reason: 'unknown-key', detail: `key ${verified.kid} does not belong to issuer ${claims.iss}` };
  if (claims.iat < key.validFrom - CLOCK_SKEW_SECONDS || (key.validUntil !== null && claims.iat > key.validUntil)) return { valid: false, reason: 'unknown-key', detail: `key ${verified.kid} was not in use then` };
  if (claims.exp - claims.iat > MAX_TOKEN_LIFETIME_SECONDS) return { valid: false, reason: 'malformed-claims', detail: 'the card would live too long' };
  const seconds = now / 1000;
  if (seconds + CLOCK_SKEW_SECONDS < claims.iat) return { valid: false, reason: 'not-yet-valid', detail: 'issued in the future' };
  if (seconds - CLOCK_SKEW_SECONDS >= claims.exp) return { valid: false, reason: 'expired', detail: `expired at ${new Date(claims.exp * 1000).toISOString()}` };
  return { valid: true, claims, kid: verified.kid };
}

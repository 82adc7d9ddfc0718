import { DOCUMENT_TYPES, verifyDocument } from './signed-document.js';
import type { Ed25519Verify } from './token-verifier.js';
import type { MemberTrustList, OperatorInfo, RevokedKey, TrustList, TrustedKey } from './trust-list.js';

/**
 * The national trust list: every member operator's code keys, collected by the hub, checked, and
 * signed as one document with a sequence number and an expiry. Pure: the hub builds it, members and
 * scanners (in the browser too) read it.
 */

export interface NationalMember extends OperatorInfo {
  /** Where the member is reached (its trust list, fact bundles). */
  url: string;
  /** The member's operator key (raw Ed25519, base64url): signs its fact bundles and grants. */
  operatorKey: string | null;
  /** fresh: its list was fetched and verified lately; stale: the hub could not, and serves its last good keys. */
  status: 'fresh' | 'stale';
  listGeneratedAt: number | null;
  listExpiresAt: number | null;
  keys: TrustedKey[];
}

export interface NationalTrustList {
  version: 1;
  hub: string;
  /** Grows with every publication: a checkpoint never goes back to a lower one. */
  sequence: number;
  /** Epoch seconds. */
  issuedAt: number;
  expiresAt: number;
  members: NationalMember[];
  revoked: (RevokedKey & { operator: string })[];
}

const CODE_ISSUER = /^CN-(\d{6})$/;
const KID = /^[A-Za-z0-9_-]{11}$/;
const RAW_KEY = /^[A-Za-z0-9_-]{43}$/;
/** An operator id: short, lower case, stable (hubei, zhejiang). */
export const OPERATOR_ID = /^[a-z][a-z0-9-]{1,39}$/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isSeconds = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 1e11;

/** Whether a region code is one of `regions` or lies within one (district in city in province). */
export function withinRegions(region: string, regions: readonly string[]): boolean {
  return regions.some((r) => r === region || (r.endsWith('0000') ? region.startsWith(r.slice(0, 2)) : r.endsWith('00') && region.startsWith(r.slice(0, 4))));
}

function readKey(value: unknown, where: string): TrustedKey {
  if (!isObject(value)) throw new Error(`${where} is not an object`);
  const { kid, issuer, alg, crv, x, validFrom, validUntil } = value;
  if (typeof kid !== 'string' || !KID.test(kid)) throw new Error(`${where}.kid is not a key id`);
  if (typeof issuer !== 'string' || !CODE_ISSUER.test(issuer)) throw new Error(`${where}.issuer is not CN- and a region code`);
  if (alg !== 'EdDSA' || crv !== 'Ed25519') throw new Error(`${where} is not an Ed25519 key`);
  if (typeof x !== 'string' || !RAW_KEY.test(x)) throw new Error(`${where}.x is not a raw Ed25519 key`);
  if (!isSeconds(validFrom)) throw new Error(`${where}.validFrom is not a time`);
  if (validUntil !== null && !isSeconds(validUntil)) throw new Error(`${where}.validUntil is not a time`);
  return { kid, issuer, alg, crv, x, validFrom, validUntil };
}

function readRevoked(value: unknown, where: string): RevokedKey[] {
  if (!Array.isArray(value)) throw new Error(`${where} is not a list`);
  return value.map((r, i) => {
    if (!isObject(r) || typeof r.kid !== 'string' || !KID.test(r.kid) || !isSeconds(r.revokedAt)) throw new Error(`${where}[${i}] is not a revoked key`);
    return { kid: r.kid, revokedAt: r.revokedAt };
  });
}

function readOperator(value: unknown, where: string): OperatorInfo {
  if (!isObject(value)) throw new Error(`${where} is not an object`);
  const { id, name, regions } = value;
  if (typeof id !== 'string' || !OPERATOR_ID.test(id)) throw new Error(`${where}.id is not an operator id`);
  if (typeof name !== 'string' || name.length === 0 || name.length > 80) throw new Error(`${where}.name is not a name`);
  if (!Array.isArray(regions) || regions.length === 0 || regions.length > 4000 || !regions.every((r) => typeof r === 'string' && /^\d{6}$/.test(r))) {
    throw new Error(`${where}.regions is not a list of region codes`);
  }
  return { id, name, regions: regions as string[] };
}

/**
 * Reads a member's signed trust list (its signature already checked) for the member registered as
 * `member`: it must name that member, and every key must sign for a region the member was registered
 * for. A member cannot publish keys for another's region. Throws a message naming what is wrong.
 */
export function readMemberTrustList(payload: unknown, member: { id: string; regions: readonly string[] }, nowSeconds: number): MemberTrustList {
  if (!isObject(payload) || payload.version !== 1) throw new Error('not a version 1 trust list');
  const operator = readOperator(payload.operator, 'operator');
  if (operator.id !== member.id) throw new Error(`the list is of operator ${operator.id}, not ${member.id}`);
  const { generatedAt, expiresAt } = payload;
  if (!isSeconds(generatedAt) || !isSeconds(expiresAt)) throw new Error('generatedAt and expiresAt must be times');
  if (generatedAt > nowSeconds + 300) throw new Error('the list is dated in the future');
  if (expiresAt <= nowSeconds) throw new Error('the list has expired');
  if (!Array.isArray(payload.keys) || payload.keys.length > 1000) throw new Error('keys is not a list');
  const keys = payload.keys.map((k, i) => readKey(k, `keys[${i}]`));
  for (const key of keys) {
    const region = CODE_ISSUER.exec(key.issuer)![1]!;
    if (!withinRegions(region, member.regions)) throw new Error(`key ${key.kid} signs for ${key.issuer}, outside the regions ${member.id} was registered for`);
  }
  return { version: 1, generatedAt, expiresAt, operator, keys, revoked: readRevoked(payload.revoked ?? [], 'revoked') };
}

/** Reads a national list whose signature checked; throws naming what is wrong. */
export function readNationalTrustList(payload: unknown): NationalTrustList {
  if (!isObject(payload) || payload.version !== 1) throw new Error('not a version 1 national trust list');
  const { hub, sequence, issuedAt, expiresAt } = payload;
  if (typeof hub !== 'string' || !OPERATOR_ID.test(hub)) throw new Error('hub is not an operator id');
  if (typeof sequence !== 'number' || !Number.isSafeInteger(sequence) || sequence < 1) throw new Error('sequence is not a positive whole number');
  if (!isSeconds(issuedAt) || !isSeconds(expiresAt)) throw new Error('issuedAt and expiresAt must be times');
  if (!Array.isArray(payload.members)) throw new Error('members is not a list');
  const members = payload.members.map((m, i): NationalMember => {
    const where = `members[${i}]`;
    const operator = readOperator(m, where);
    if (!isObject(m) || typeof m.url !== 'string' || (m.status !== 'fresh' && m.status !== 'stale')) throw new Error(`${where} is not a member`);
    if (m.operatorKey !== null && (typeof m.operatorKey !== 'string' || !RAW_KEY.test(m.operatorKey))) throw new Error(`${where}.operatorKey is not a key`);
    if (!Array.isArray(m.keys)) throw new Error(`${where}.keys is not a list`);
    const keys = m.keys.map((k, j) => readKey(k, `${where}.keys[${j}]`));
    for (const key of keys) if (!withinRegions(key.issuer.slice(3), operator.regions)) throw new Error(`${where}: key ${key.kid} is outside the member's regions`);
    return {
      ...operator,
      url: m.url,
      operatorKey: m.operatorKey as string | null,
      status: m.status,
      listGeneratedAt: isSeconds(m.listGeneratedAt) ? m.listGeneratedAt : null,
      listExpiresAt: isSeconds(m.listExpiresAt) ? m.listExpiresAt : null,
      keys,
    };
  });
  const revoked = readRevoked(payload.revoked ?? [], 'revoked').map((r, i) => {
    const operator = (payload.revoked as Record<string, unknown>[])[i]!.operator;
    return { ...r, operator: typeof operator === 'string' ? operator : '' };
  });
  return { version: 1, hub, sequence, issuedAt, expiresAt, members, revoked };
}

/** A national list as it arrives: checked against the pinned hub key, then read. Throws naming what is wrong. */
export async function verifyNationalTrustList(document: Uint8Array, hubKey: Uint8Array, verify: Ed25519Verify): Promise<NationalTrustList> {
  const { payload } = await verifyDocument(document, DOCUMENT_TYPES.nationalTrustList, () => hubKey, verify);
  return readNationalTrustList(payload);
}

/** The member whose keys include `kid`, and the region it signs for: what a scanner shows beside a visitor's verdict. */
export interface KeyOrigin {
  operator: string;
  operatorName: string;
  region: string;
}

/**
 * One trust list a verifier can use: this operator's own keys (freshest for its own codes) and every
 * member's from the national list, without any key revoked in either. Also says whose each key is.
 */
export function combineTrustLists(own: TrustList, national: NationalTrustList | null): { trustList: TrustList; origins: Map<string, KeyOrigin> } {
  const revoked = new Set([...(own.revoked ?? []), ...(national?.revoked ?? [])].map((r) => r.kid));
  const origins = new Map<string, KeyOrigin>();
  const keys: TrustedKey[] = [];
  const add = (key: TrustedKey, operator: string, operatorName: string) => {
    if (revoked.has(key.kid) || origins.has(key.kid)) return;
    origins.set(key.kid, { operator, operatorName, region: key.issuer.slice(3) });
    keys.push(key);
  };
  for (const key of own.keys) add(key, own.operator?.id ?? '', own.operator?.name ?? '');
  for (const member of national?.members ?? []) for (const key of member.keys) add(key, member.id, member.name);
  return { trustList: { version: 1, generatedAt: Math.max(own.generatedAt, national?.issuedAt ?? 0), keys, operator: own.operator, revoked: [...revoked].map((kid) => ({ kid, revokedAt: 0 })) }, origins };
}

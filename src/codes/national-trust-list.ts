import { BINDING, checkKeyBindings } from './key-binding.js';
import { DOCUMENT_TYPES, verifyDocument } from './signed-document.js';
import type { Ed25519Verify } from './token-verifier.js';
import { base64UrlToBytes, bytesToBase64Url, type MemberTrustList, type OperatorInfo, type RevokedKey, type TrustList, type TrustedKey } from './trust-list.js';

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

/**
 * What one member may publish: enough for a city operator serving many districts, each with a key
 * retired within the last weeks, and a few revocations; so that the hub's list of every member stays
 * under what members accept (PEER_MAX_BYTES). A list over either bound is refused whole.
 */
export const MAX_MEMBER_KEYS = 200;
export const MAX_MEMBER_REVOKED = 200;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isSeconds = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 1e11;

/**
 * Why `text` cannot be where an operator or hub is reached, or undefined if it can: an http(s)
 * address with no query, fragment or credentials, so that paths joined to it stay on it (a base
 * ending in `#` or `?` would swallow the path and fetch whatever the member names).
 */
export function peerUrlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an http(s) URL';
  if (text.includes('?') || text.includes('#')) return 'must have no query (?) or fragment (#)';
  if (url.username !== '' || url.password !== '') return 'must carry no user name or password';
  return undefined;
}

/** `path` under a peer's base address (checked by peerUrlProblem), built with the URL parser rather than by joining text. */
export function peerUrl(base: string, path: string): string {
  const problem = peerUrlProblem(base);
  if (problem !== undefined) throw new Error(`the address ${base} ${problem}`);
  const url = new URL(base);
  url.pathname = url.pathname.replace(/\/*$/, '/');
  return new URL(path.replace(/^\/+/, ''), url).toString();
}

/** Whether a region code is one of `regions` or lies within one (district in city in province). */
export function withinRegions(region: string, regions: readonly string[]): boolean {
  return regions.some((r) => r === region || (r.endsWith('0000') ? region.startsWith(r.slice(0, 2)) : r.endsWith('00') && region.startsWith(r.slice(0, 4))));
}

function readKey(value: unknown, where: string): TrustedKey {
  if (!isObject(value)) throw new Error(`${where} is not an object`);
  const { kid, issuer, alg, crv, x, validFrom, validUntil, binding } = value;
  if (typeof kid !== 'string' || !KID.test(kid)) throw new Error(`${where}.kid is not a key id`);
  if (typeof issuer !== 'string' || !CODE_ISSUER.test(issuer)) throw new Error(`${where}.issuer is not CN- and a region code`);
  if (alg !== 'EdDSA' || crv !== 'Ed25519') throw new Error(`${where} is not an Ed25519 key`);
  if (typeof x !== 'string' || !RAW_KEY.test(x)) throw new Error(`${where}.x is not a raw Ed25519 key`);
  if (!isSeconds(validFrom)) throw new Error(`${where}.validFrom is not a time`);
  if (validUntil !== null && !isSeconds(validUntil)) throw new Error(`${where}.validUntil is not a time`);
  if (binding !== undefined && (typeof binding !== 'string' || !BINDING.test(binding))) throw new Error(`${where}.binding is not an Ed25519 signature`);
  return { kid, issuer, alg, crv, x, validFrom, validUntil, ...(binding === undefined ? {} : { binding }) };
}

function readRevoked(value: unknown, where: string, max = Infinity): RevokedKey[] {
  if (!Array.isArray(value)) throw new Error(`${where} is not a list`);
  if (value.length > max) throw new Error(`${where} names ${value.length} keys, more than the ${max} a member may publish`);
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
  if (!Array.isArray(payload.keys)) throw new Error('keys is not a list');
  if (payload.keys.length > MAX_MEMBER_KEYS) throw new Error(`keys has ${payload.keys.length} keys, more than the ${MAX_MEMBER_KEYS} a member may publish`);
  const keys = payload.keys.map((k, i) => readKey(k, `keys[${i}]`));
  const twice = keys.find((k, i) => keys.findIndex((o) => o.kid === k.kid) !== i);
  if (twice) throw new Error(`key ${twice.kid} is listed twice`);
  for (const key of keys) {
    const region = CODE_ISSUER.exec(key.issuer)![1]!;
    if (!withinRegions(region, member.regions)) throw new Error(`key ${key.kid} signs for ${key.issuer}, outside the regions ${member.id} was registered for`);
  }
  return { version: 1, generatedAt, expiresAt, operator, keys, revoked: readRevoked(payload.revoked ?? [], 'revoked', MAX_MEMBER_REVOKED) };
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
  const seen = new Map<string, string>();
  for (const m of members) {
    for (const k of m.keys) {
      if (seen.has(k.kid)) throw new Error(`key ${k.kid} is listed for both ${seen.get(k.kid)} and ${m.id}: a key id is one member's`);
      seen.set(k.kid, m.id);
    }
  }
  const revoked = readRevoked(payload.revoked ?? [], 'revoked').map((r, i) => {
    const operator = (payload.revoked as Record<string, unknown>[])[i]!.operator;
    return { ...r, operator: typeof operator === 'string' ? operator : '' };
  });
  return { version: 1, hub, sequence, issuedAt, expiresAt, members, revoked };
}

/** kid = base64url of the first 8 bytes of SHA-256 over the raw public key (as the EU DCC derives it from its key). WebCrypto: runs in the browser too. */
export async function keyIdOf(x: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array(base64UrlToBytes(x))));
  return bytesToBase64Url(digest.subarray(0, 8));
}

/** Throws naming the first key whose kid is not derived from its own public key: a kid cannot be borrowed. */
export async function checkKeyIds(keys: readonly TrustedKey[], where: string): Promise<void> {
  for (const key of keys) {
    if ((await keyIdOf(key.x)) !== key.kid) throw new Error(`${where}: key ${key.kid} is not the key id of its public key`);
  }
}

/**
 * A national list as it arrives: checked against the pinned hub key, then read, every kid checked
 * against its key and every key's binding to the member it is listed under (the hub's word is not
 * the only thing a reader relies on for whose a key is). Throws naming what is wrong.
 */
export async function verifyNationalTrustList(document: Uint8Array, hubKey: Uint8Array, verify: Ed25519Verify): Promise<NationalTrustList> {
  const { payload } = await verifyDocument(document, DOCUMENT_TYPES.nationalTrustList, () => hubKey, verify);
  const list = readNationalTrustList(payload);
  for (const member of list.members) {
    await checkKeyIds(member.keys, `member ${member.id}`);
    await checkKeyBindings(member.keys, member.id, verify, `member ${member.id}`);
  }
  return list;
}

/**
 * An operator's own signed trust list as its scanner takes it: checked against the operator key
 * the scanner was given over its device credential, then read as the hub reads it (not expired,
 * not dated ahead, keys within the regions it names), every kid and binding checked. Throws naming what is wrong.
 */
export async function verifyOwnTrustList(document: Uint8Array, operatorKey: Uint8Array, nowSeconds: number, verify: Ed25519Verify): Promise<MemberTrustList> {
  const { payload } = await verifyDocument(document, DOCUMENT_TYPES.memberTrustList, () => operatorKey, verify);
  const operator = readOperator(isObject(payload) ? payload.operator : undefined, 'operator');
  const list = readMemberTrustList(payload, operator, nowSeconds);
  await checkKeyIds(list.keys, `operator ${operator.id}`);
  await checkKeyBindings(list.keys, operator.id, verify, `operator ${operator.id}`);
  return list;
}

/** Whether a national list may still be used at `now` (epoch ms): checked when it is used, not only when it was taken. */
export const nationalListLive = (list: Pick<NationalTrustList, 'expiresAt'>, now: number): boolean => list.expiresAt * 1000 > now;

/** The member whose keys include `kid`, and the region it signs for: what a scanner shows beside a visitor's verdict. */
export interface KeyOrigin {
  operator: string;
  operatorName: string;
  region: string;
}

/**
 * One trust list a verifier can use at `now` (epoch ms): this operator's own keys (freshest for its
 * own codes) and every member's from the national list, if that list has not expired. A revocation
 * drops only a key of the operator that published it: this operator's own list revokes only its own
 * keys, and the national list's revocations never one of this operator's: an operator's keys are
 * revoked by itself alone. Also says whose each key is.
 */
export function combineTrustLists(own: TrustList, national: NationalTrustList | null, now: number): { trustList: TrustList; origins: Map<string, KeyOrigin> } {
  const usable = national !== null && nationalListLive(national, now) ? national : null;
  const ownRevoked = new Set((own.revoked ?? []).map((r) => r.kid));
  const revokedBy = new Map<string, Set<string>>();
  for (const r of usable?.revoked ?? []) revokedBy.set(r.operator, (revokedBy.get(r.operator) ?? new Set()).add(r.kid));
  const origins = new Map<string, KeyOrigin>();
  const keys: TrustedKey[] = [];
  const add = (key: TrustedKey, operator: string, operatorName: string, revoked: ReadonlySet<string>) => {
    if (revoked.has(key.kid) || origins.has(key.kid)) return;
    origins.set(key.kid, { operator, operatorName, region: key.issuer.slice(3) });
    keys.push(key);
  };
  for (const key of own.keys) add(key, own.operator?.id ?? '', own.operator?.name ?? '', ownRevoked);
  for (const member of usable?.members ?? []) {
    if (own.operator !== undefined && member.id === own.operator.id) continue;
    for (const key of member.keys) add(key, member.id, member.name, revokedBy.get(member.id) ?? new Set());
  }
  const revoked = [...ownRevoked, ...[...revokedBy.values()].flatMap((kids) => [...kids])].filter((kid) => !keys.some((k) => k.kid === kid));
  return {
    trustList: { version: 1, generatedAt: Math.max(own.generatedAt, usable?.issuedAt ?? 0), keys, operator: own.operator, revoked: [...new Set(revoked)].map((kid) => ({ kid, revokedAt: 0 })) },
    origins,
  };
}

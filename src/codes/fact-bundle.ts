import { createHash, scrypt } from 'node:crypto';
import { Base45Error, decodeBase45 } from './base45.js';

/**
 * Moving between regions without registering twice (GB/T 38963's "query" between platforms): with
 * the resident's one-time grant, the destination operator fetches a signed bundle of facts from the
 * home operator and decides under its own rules. The bundle names the person only by a masked name
 * and a subject that is stable for this destination alone; no ID number, no address, and the phone
 * only as a commitment the destination can check a proven phone against.
 */

/** 授权 grant, version 1: what the resident carries from home to the destination (as text or QR). */
export const GRANT_PREFIX = 'JKG1:';

export interface FactGrant {
  v: 1;
  /** Home operator. */
  iss: string;
  /** The destination operator the grant is for, alone. */
  aud: string;
  /** One-time id. */
  jti: string;
  /** Epoch seconds. */
  iat: number;
  exp: number;
}

export interface FactRequest {
  v: 1;
  /** The destination asking. */
  iss: string;
  /** The home operator asked. */
  aud: string;
  grant: string;
  iat: number;
  /** Random, fresh for each request: the bundle must echo it, so no other answer (an older bundle) can pass for this one. */
  nonce: string;
}

type Time = number;
export interface BundleFacts {
  declaration: { at: Time; symptoms: string[]; temperature: number | null } | null;
  stays: { region: string | null; country: string | null; arrival: Time; departure: Time | null; source: string; recordedAt: Time }[];
  contacts: { kind: 'confirmed' | 'suspected' | 'close' | 'secondary'; at: Time; source: string; recordedAt: Time }[];
  cases: { status: 'confirmed' | 'suspected' | 'recovered' | 'cleared'; at: Time; source: string; recordedAt: Time }[];
  tests: { result: 'positive' | 'negative'; at: Time; source: string; recordedAt: Time }[];
  vaccinations: { dose: number; courseDoses: number; at: Time; source: string; recordedAt: Time }[];
}

export interface FactBundle {
  v: 1;
  iss: string;
  aud: string;
  /** Pseudonymous subject, the same each time for this destination, unlinkable across destinations. */
  sub: string;
  maskedName: string;
  /**
   * The home operator's served region the resident lives in (its own region code, not the
   * district): all the destination needs, and checked against the regions the national list gives
   * that operator.
   */
  homeRegion: string;
  /** Epoch milliseconds: the moment of release (facts' own times are to the hour, see coarsenFacts). */
  issuedAt: Time;
  /** The request's nonce echoed, and the hash of the grant it answers: a bundle answers one request alone. */
  nonce: string;
  grantHash: string;
  /**
   * The phone the home holds for the resident, as phoneCommitment(aud, nonce, phone), or null when
   * the home holds none: the destination checks the phone proven to it is the home's, and learns no
   * phone from the bundle (nor can two destinations link the resident by it).
   */
  phone: string | null;
  facts: BundleFacts;
}

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest('base64url');

/** What the bundle answering a grant carries in its place: the grant's id, hashed. */
export const grantHash = (jti: string): string => digest(`healthcode grant v1\0${jti}`);

/**
 * A phone commitment bound to one destination and one request: equal only for the same phone, and
 * different in every bundle, so it links nothing across destinations or visits. Phone numbers are
 * few (about 10^9), so it is scrypt (RFC 7914), not a bare hash: trying every number for one bundle
 * costs thousands of CPU hours, while the one comparison an admission needs costs milliseconds.
 */
export function phoneCommitment(aud: string, nonce: string, e164: string): Promise<string> {
  return new Promise((resolve, reject) =>
    scrypt(e164, `healthcode phone v1\0${aud}\0${nonce}`, 32, { N: 2 ** 14, r: 8, p: 1 }, (error, key) => (error ? reject(error) : resolve(key.toString('base64url')))),
  );
}

const HOUR_MS = 3_600_000;
const floorHour = (t: number) => Math.floor(t / HOUR_MS) * HOUR_MS;
const ceilHour = (t: number, now: number) => Math.min(Math.ceil(t / HOUR_MS) * HOUR_MS, now);

/**
 * The facts' times to the hour, as they leave home: millisecond times would be the same in the
 * bundles to two destinations and link the resident across them; the rules work to the hour (the
 * 4-hour stay, the 48-hour test). Each is rounded the way that can only make the decision stricter:
 * arrivals, tests and declarations earlier; departures, contacts, cases and vaccinations later (never
 * past `now`).
 */
export function coarsenFacts(f: BundleFacts, now: Time): BundleFacts {
  return {
    declaration: f.declaration && { ...f.declaration, at: floorHour(f.declaration.at) },
    stays: f.stays.map((s) => ({ ...s, arrival: floorHour(s.arrival), departure: s.departure === null ? null : ceilHour(s.departure, now), recordedAt: floorHour(s.recordedAt) })),
    contacts: f.contacts.map((c) => ({ ...c, at: ceilHour(c.at, now), recordedAt: floorHour(c.recordedAt) })),
    cases: f.cases.map((c) => ({ ...c, at: ceilHour(c.at, now), recordedAt: floorHour(c.recordedAt) })),
    tests: f.tests.map((t) => ({ ...t, at: floorHour(t.at), recordedAt: floorHour(t.recordedAt) })),
    vaccinations: f.vaccinations.map((v) => ({ ...v, at: ceilHour(v.at, now), recordedAt: floorHour(v.recordedAt) })),
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const SOURCES = ['declaration', 'check-in', 'registration', 'authority', 'trace', 'rail', 'air', 'telecom'];
const MAX_ITEMS = 500;

function list<T>(value: unknown, where: string, item: (v: Record<string, unknown>, at: string) => T): T[] {
  if (!Array.isArray(value) || value.length > MAX_ITEMS) throw new Error(`${where} is not a list of at most ${MAX_ITEMS}`);
  return value.map((v, i) => {
    if (!isObject(v)) throw new Error(`${where}[${i}] is not an object`);
    return item(v, `${where}[${i}]`);
  });
}
function oneOf<T extends string>(value: unknown, allowed: readonly T[], where: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) throw new Error(`${where} must be one of ${allowed.join(', ')}`);
  return value as T;
}
function time(value: unknown, where: string): number {
  if (!isTime(value)) throw new Error(`${where} is not a time`);
  return value;
}
const sourced = (v: Record<string, unknown>, at: string) => ({ at: time(v.at, `${at}.at`), source: oneOf(v.source, SOURCES, `${at}.source`), recordedAt: time(v.recordedAt, `${at}.recordedAt`) });

/** Reads a bundle whose signature checked; throws naming the first thing wrong. */
export function readFactBundle(payload: unknown): FactBundle {
  if (!isObject(payload) || payload.v !== 1) throw new Error('not a version 1 fact bundle');
  const { iss, aud, sub, maskedName, homeRegion, issuedAt, nonce, grantHash, phone, facts } = payload;
  for (const [name, value] of Object.entries({ iss, aud, sub, maskedName, nonce, grantHash })) if (typeof value !== 'string' || value.length === 0 || value.length > 100) throw new Error(`${name} is not text`);
  if (typeof homeRegion !== 'string' || !/^\d{6}$/.test(homeRegion)) throw new Error('homeRegion is not a region code');
  if (phone !== null && (typeof phone !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(phone))) throw new Error('phone is not a commitment');
  if (!isObject(facts)) throw new Error('facts is missing');
  const d = facts.declaration;
  const declaration =
    d === null || d === undefined
      ? null
      : isObject(d) && Array.isArray(d.symptoms) && d.symptoms.every((s) => typeof s === 'string' && s.length <= 40) && (d.temperature === null || typeof d.temperature === 'number')
        ? { at: time(d.at, 'facts.declaration.at'), symptoms: d.symptoms as string[], temperature: d.temperature as number | null }
        : (() => {
            throw new Error('facts.declaration is malformed');
          })();
  return {
    v: 1,
    iss: iss as string,
    aud: aud as string,
    sub: sub as string,
    maskedName: maskedName as string,
    homeRegion,
    issuedAt: time(issuedAt, 'issuedAt'),
    nonce: nonce as string,
    grantHash: grantHash as string,
    phone: phone as string | null,
    facts: {
      declaration,
      stays: list(facts.stays, 'facts.stays', (v, at) => {
        const region = v.region === null ? null : typeof v.region === 'string' && /^\d{6}$/.test(v.region) ? v.region : undefined;
        const country = v.country === null ? null : typeof v.country === 'string' && /^[A-Z]{2}$/.test(v.country) ? v.country : undefined;
        if (region === undefined || country === undefined || (region === null) === (country === null)) throw new Error(`${at} names neither one region nor one country`);
        return { region, country, arrival: time(v.arrival, `${at}.arrival`), departure: v.departure === null ? null : time(v.departure, `${at}.departure`), source: oneOf(v.source, SOURCES, `${at}.source`), recordedAt: time(v.recordedAt, `${at}.recordedAt`) };
      }),
      contacts: list(facts.contacts, 'facts.contacts', (v, at) => ({ kind: oneOf(v.kind, ['confirmed', 'suspected', 'close', 'secondary'] as const, `${at}.kind`), ...sourced(v, at) })),
      cases: list(facts.cases, 'facts.cases', (v, at) => ({ status: oneOf(v.status, ['confirmed', 'suspected', 'recovered', 'cleared'] as const, `${at}.status`), ...sourced(v, at) })),
      tests: list(facts.tests, 'facts.tests', (v, at) => ({ result: oneOf(v.result, ['positive', 'negative'] as const, `${at}.result`), ...sourced(v, at) })),
      vaccinations: list(facts.vaccinations, 'facts.vaccinations', (v, at) => {
        const dose = v.dose;
        const courseDoses = v.courseDoses;
        if (!Number.isInteger(dose) || !Number.isInteger(courseDoses) || (dose as number) < 1 || (courseDoses as number) < 1 || (dose as number) > 10 || (courseDoses as number) > 10) throw new Error(`${at} has no dose`);
        return { dose: dose as number, courseDoses: courseDoses as number, ...sourced(v, at) };
      }),
    },
  };
}

/** Reads a grant's payload (signature checked by the caller). */
export function readGrant(payload: unknown): FactGrant {
  if (!isObject(payload) || payload.v !== 1) throw new Error('not a version 1 grant');
  const { iss, aud, jti, iat, exp } = payload;
  if (typeof iss !== 'string' || typeof aud !== 'string' || typeof jti !== 'string' || jti.length > 64) throw new Error('the grant names no operators or id');
  return { v: 1, iss, aud, jti, iat: time(iat, 'iat'), exp: time(exp, 'exp') };
}

/** The signed bytes behind a grant's text; throws a plain message. */
export function grantBytes(text: string): Uint8Array {
  const trimmed = text.trim();
  if (!trimmed.startsWith(GRANT_PREFIX)) throw new Error(`a grant starts with ${GRANT_PREFIX}`);
  try {
    return decodeBase45(trimmed.slice(GRANT_PREFIX.length));
  } catch (error) {
    throw new Error(error instanceof Base45Error ? error.message : 'the grant is not base45');
  }
}

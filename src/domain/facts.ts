import { DAY_MS, HOUR_MS } from './clock.js';
import { localDate } from './declaration.js';
import type { CorrectionFact } from './corrections.js';
import { regionAncestors } from './regions.js';

/**
 * What is known about one resident, each fact with its source and time. Rules never see these
 * directly: `evaluationData` turns them into the published fact vocabulary as of one instant.
 */

export type Source = 'declaration' | 'check-in' | 'registration' | 'authority' | 'trace' | 'rail' | 'air' | 'telecom';
export type RiskLevel = 'high' | 'medium' | 'low';

export interface StayFact {
  region: string | null;
  country: string | null;
  arrival: number;
  departure: number | null;
  source: Source;
  recordedAt: number;
}
export interface ContactFact {
  /** confirmed/suspected: declared contact with such a case; close/secondary: determined by the authority or a trace. */
  kind: 'confirmed' | 'suspected' | 'close' | 'secondary';
  at: number;
  source: Source;
  recordedAt: number;
}
export interface CaseFact {
  status: 'confirmed' | 'suspected' | 'recovered' | 'cleared';
  at: number;
  source: Source;
  recordedAt: number;
}
export interface TestFact {
  result: 'positive' | 'negative';
  at: number;
  source: Source;
  recordedAt: number;
}
export interface VaccinationFact {
  dose: number;
  /** Doses that make a full course for this product. */
  courseDoses: number;
  at: number;
  source: Source;
  recordedAt: number;
}
export interface DeclarationFact {
  at: number;
  symptoms: string[];
  temperature: number | null;
}
export interface CheckInFact {
  /** Local calendar date the check-in counts for. */
  date: string;
  at: number;
  symptoms: string[];
  temperature: number | null;
}
export interface RiskAreaFact {
  region: string | null;
  country: string | null;
  level: RiskLevel;
  from: number;
  to: number | null;
}

export interface ResidentFacts {
  residentId: string;
  region: string;
  registeredAt: number;
  phoneVerifiedAt: number | null;
  /**
   * When someone other than the resident vouched for who they are: the signed-in guardian who added
   * a household member without a phone, or staff who checked the document at a gate. None if absent.
   */
  identityVouchedAt?: number | null;
  /** When a reclaim by the document's real holder took the document from this account. */
  identityRevokedAt?: number | null;
  declarations: DeclarationFact[];
  stays: StayFact[];
  contacts: ContactFact[];
  cases: CaseFact[];
  tests: TestFact[];
  vaccinations: VaccinationFact[];
  checkIns: CheckInFact[];
  /** Colours set by the health authority, approved by a second member of it (corrections.ts). */
  corrections?: CorrectionFact[];
}

export const FEVER_C = 37.3;
/** Stays shorter than this are passing through, not stays (the telecom travel card's rule). */
export const MIN_STAY_HOURS = 4;
/** How far back facts are considered at all. */
export const FACT_HORIZON_DAYS = 28;

const LEVEL_ORDER: Record<RiskLevel | 'none', number> = { none: 0, low: 1, medium: 2, high: 3 };

/** The highest risk level of any listed area that covers the place while the person was there. */
export function riskLevelOf(stay: Pick<StayFact, 'region' | 'country' | 'arrival' | 'departure'>, areas: RiskAreaFact[], now: number): RiskLevel | 'none' {
  const end = stay.departure ?? now;
  const places = stay.region !== null ? new Set(regionAncestors(stay.region)) : null;
  let level: RiskLevel | 'none' = 'none';
  for (const area of areas) {
    const covers = places ? area.region !== null && places.has(area.region) : area.country !== null && area.country === stay.country;
    if (!covers || area.from > Math.min(end, now) || (area.to !== null && area.to <= stay.arrival)) continue;
    if (LEVEL_ORDER[area.level] > LEVEL_ORDER[level]) level = area.level;
  }
  return level;
}

const days = (ms: number) => Math.floor(ms / DAY_MS);
const phoneVerifiedAt = (facts: ResidentFacts, now: number) => (facts.phoneVerifiedAt !== null && facts.phoneVerifiedAt <= now ? facts.phoneVerifiedAt : null);
const isClean = (c: { symptoms: string[]; temperature: number | null }) => c.symptoms.length === 0 && (c.temperature === null || c.temperature < FEVER_C);

/** Item shapes of the lists rules iterate over; their fields are the published vocabulary. */
export interface StayItem {
  region: string | null;
  country: string | null;
  riskLevel: RiskLevel | 'none';
  hours: number;
  daysSinceArrival: number;
  daysSinceDeparture: number;
  ongoing: boolean;
  source: Source;
}
export interface EvaluationData {
  resident: { phoneVerified: boolean; identityVerified: boolean; daysSinceRegistration: number };
  declaration: { present: boolean; daysSinceLatest: number | null; symptoms: string[]; temperature: number | null; fever: boolean };
  stays: StayItem[];
  contacts: { kind: ContactFact['kind']; daysAgo: number; source: Source }[];
  cases: { status: CaseFact['status']; daysAgo: number; source: Source }[];
  tests: { result: TestFact['result']; daysAgo: number; source: Source }[];
  checkIns: { daysAgo: number; clean: boolean; fever: boolean; symptoms: string[]; temperature: number | null }[];
  /** Consecutive days, ending today (or yesterday while today's is not in yet), with a clean check-in. */
  checkInStreak: number;
  vaccination: { doses: number; fullCourse: boolean; daysSinceLastDose: number | null };
}

/** Which raw fact each list item came from, so a decision can cite its evidence. */
export interface EvaluationSources {
  stays: StayFact[];
  contacts: ContactFact[];
  cases: CaseFact[];
  tests: TestFact[];
  checkIns: CheckInFact[];
  /** The latest declaration, the last vaccine dose, the newest check-in: when the facts a rule reads by name were made. */
  declaration: DeclarationFact | null;
  lastDose: VaccinationFact | null;
  lastCheckIn: CheckInFact | null;
  /** When the identity got (or lost) what stands behind it; registration if nothing has yet. */
  identityAt: number;
  /** When the resident registered: what an absence (no declaration yet) is counted from. */
  registeredAt: number;
}

/**
 * The facts as rules see them at instant `now`: ages in days and hours, risk levels of places as
 * listed now. Facts recorded after `knownAt` (by default `now`) do not exist yet; facts older than
 * the horizon are gone. Asking about a past instant with what is known now (`knownAt` later than
 * `now`) is how a quarantine learned of late (a travel record imported today) keeps its history.
 */
export function evaluationData(facts: ResidentFacts, areas: RiskAreaFact[], now: number, timeZone: string, knownAt = now): { data: EvaluationData; sources: EvaluationSources } {
  const horizon = now - FACT_HORIZON_DAYS * DAY_MS;
  const known = <T extends { recordedAt: number }>(list: T[]) => list.filter((f) => f.recordedAt <= knownAt);

  const stays = known(facts.stays).filter((s) => s.arrival <= now && (s.departure === null || s.departure >= horizon) && ((s.departure ?? now) - s.arrival) / HOUR_MS >= MIN_STAY_HOURS);
  const contacts = known(facts.contacts).filter((c) => c.at <= now && c.at >= horizon);
  // A later status (recovered, cleared) replaces an earlier one: rules see the current status only.
  const cases = known(facts.cases)
    .filter((c) => c.at <= now)
    .sort((a, b) => b.at - a.at)
    .slice(0, 1);
  const tests = known(facts.tests).filter((t) => t.at <= now && t.at >= horizon);
  const checkIns = facts.checkIns.filter((c) => c.at <= now && c.at >= horizon).sort((a, b) => b.at - a.at);
  const declarations = facts.declarations.filter((d) => d.at <= now).sort((a, b) => b.at - a.at);
  const latest = declarations[0];
  const doses = known(facts.vaccinations).filter((v) => v.at <= now);
  const lastDose = doses.reduce<VaccinationFact | undefined>((acc, v) => (!acc || v.at > acc.at ? v : acc), undefined);

  const today = localDate(new Date(now), timeZone);
  const byDate = new Map<string, boolean>();
  for (const c of checkIns) byDate.set(c.date, (byDate.get(c.date) ?? true) && isClean(c));
  let streak = 0;
  const cursor = new Date(`${today}T00:00:00Z`);
  if (!byDate.has(today)) cursor.setUTCDate(cursor.getUTCDate() - 1);
  while (byDate.get(cursor.toISOString().slice(0, 10)) === true) {
    streak += 1;
    cursor.setUTCDate(cursor.getUTCDate() - 1);
  }

  const phoneVerified = facts.phoneVerifiedAt !== null && facts.phoneVerifiedAt <= now;
  const vouchedAt = facts.identityVouchedAt ?? null;
  const revokedAt = facts.identityRevokedAt ?? null;

  return {
    sources: {
      stays,
      contacts,
      cases,
      tests,
      checkIns,
      declaration: latest ?? null,
      lastDose: lastDose ?? null,
      lastCheckIn: checkIns[0] ?? null,
      registeredAt: facts.registeredAt,
      identityAt: Math.max(facts.registeredAt, ...[phoneVerifiedAt(facts, now), vouchedAt, revokedAt].filter((t): t is number => t !== null && t <= now)),
    },
    data: {
      resident: {
        phoneVerified,
        identityVerified: !(revokedAt !== null && revokedAt <= now) && (phoneVerified || (vouchedAt !== null && vouchedAt <= now)),
        daysSinceRegistration: days(now - facts.registeredAt),
      },
      declaration: latest
        ? { present: true, daysSinceLatest: days(now - latest.at), symptoms: latest.symptoms, temperature: latest.temperature, fever: latest.temperature !== null && latest.temperature >= FEVER_C }
        : { present: false, daysSinceLatest: null, symptoms: [], temperature: null, fever: false },
      stays: stays.map((s) => ({
        region: s.region,
        country: s.country,
        riskLevel: riskLevelOf(s, areas, now),
        hours: Math.floor(((s.departure ?? now) - s.arrival) / HOUR_MS),
        daysSinceArrival: days(now - s.arrival),
        daysSinceDeparture: s.departure === null ? 0 : days(now - s.departure),
        ongoing: s.departure === null,
        source: s.source,
      })),
      contacts: contacts.map((c) => ({ kind: c.kind, daysAgo: days(now - c.at), source: c.source })),
      cases: cases.map((c) => ({ status: c.status, daysAgo: days(now - c.at), source: c.source })),
      tests: tests.map((t) => ({ result: t.result, daysAgo: days(now - t.at), source: t.source })),
      checkIns: checkIns.map((c) => ({ daysAgo: days(now - c.at), clean: isClean(c), fever: c.temperature !== null && c.temperature >= FEVER_C, symptoms: c.symptoms, temperature: c.temperature })),
      checkInStreak: streak,
      vaccination: {
        doses: doses.length,
        fullCourse: lastDose !== undefined && doses.length >= lastDose.courseDoses,
        daysSinceLastDose: lastDose ? days(now - lastDose.at) : null,
      },
    },
  };
}

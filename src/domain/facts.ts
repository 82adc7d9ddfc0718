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

/**
 * A region and the larger ones that hold it, kept per region code: asked for every stay at every
 * instant a decision weighs, where making the set anew was a tenth of the engine's time. Forgotten
 * wholesale past a few thousand codes (there are about 3,000 counties).
 */
const ancestorSets = new Map<string, ReadonlySet<string>>();

function placesOf(region: string): ReadonlySet<string> {
  let places = ancestorSets.get(region);
  if (places === undefined) {
    if (ancestorSets.size >= 8192) ancestorSets.clear();
    ancestorSets.set(region, (places = new Set(regionAncestors(region))));
  }
  return places;
}

/** The highest risk level of any listed area that covers the place while the person was there. */
export function riskLevelOf(stay: Pick<StayFact, 'region' | 'country' | 'arrival' | 'departure'>, areas: RiskAreaFact[], now: number): RiskLevel | 'none' {
  const end = stay.departure ?? now;
  const places = stay.region !== null ? placesOf(stay.region) : null;
  let level: RiskLevel | 'none' = 'none';
  for (const area of areas) {
    const covers = places ? area.region !== null && places.has(area.region) : area.country !== null && area.country === stay.country;
    if (!covers || area.from > Math.min(end, now) || (area.to !== null && area.to <= stay.arrival)) continue;
    if (LEVEL_ORDER[area.level] > LEVEL_ORDER[level]) level = area.level;
  }
  return level;
}


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

type SortKey = string | number | null;

/** Orders by each key in turn; null (a stay not yet over) after any value. */
function byKeys<T>(keys: (t: T) => SortKey[]): (a: T, b: T) => number {
  return (a, b) => {
    const [ka, kb] = [keys(a), keys(b)];
    for (let i = 0; i < ka.length; i++) {
      const [x, y] = [ka[i]!, kb[i]!];
      if (x === y) continue;
      if (x === null) return 1;
      if (y === null) return -1;
      return x < y ? -1 : 1;
    }
    return 0;
  };
}

// Made once: a resident's facts are put in order on every read, mostly lists of none or one.
const STAYS = byKeys<StayFact>((s) => [s.arrival, s.departure, s.region, s.country, s.source, s.recordedAt]);
const DECLARATIONS = byKeys<DeclarationFact>((d) => [d.at, d.temperature, d.symptoms.join(',')]);
const CONTACTS = byKeys<ContactFact>((c) => [c.at, c.kind, c.source, c.recordedAt]);
const CASES = byKeys<CaseFact>((c) => [c.at, c.status, c.source, c.recordedAt]);
const TESTS = byKeys<TestFact>((t) => [t.at, t.result, t.source, t.recordedAt]);
const VACCINATIONS = byKeys<VaccinationFact>((v) => [v.at, v.dose, v.courseDoses, v.source, v.recordedAt]);
const CHECK_INS = byKeys<CheckInFact>((c) => [c.at, c.date, c.temperature, c.symptoms.join(',')]);

/**
 * A resident's facts in one order, by time and then by every field: rows come back from the database
 * in whatever order its plan gives (a chunk of 500 residents or one), and a resident must be decided
 * the same, with the same evidence in the same order, whichever way they were read. Sorts in place.
 */
export function inStableOrder(facts: ResidentFacts): ResidentFacts {
  facts.declarations.sort(DECLARATIONS);
  facts.stays.sort(STAYS);
  facts.contacts.sort(CONTACTS);
  facts.cases.sort(CASES);
  facts.tests.sort(TESTS);
  facts.vaccinations.sort(VACCINATIONS);
  facts.checkIns.sort(CHECK_INS);
  return facts;
}

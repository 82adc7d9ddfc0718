import { DAY_MS, HOUR_MS } from './clock.js';
import { localDate } from './declaration.js';
import { FACT_HORIZON_DAYS as HORIZON_DAYS, FEVER_C as FEVER, MIN_STAY_HOURS as MIN_STAY, riskLevelOf, type DeclarationFact, type EvaluationData, type EvaluationSources, type ResidentFacts, type RiskAreaFact, type VaccinationFact } from './facts.js';

/** Read once: under some module loaders every read of an imported binding is a call. */
const DAY = DAY_MS;
const HOUR = HOUR_MS;
const FACT_HORIZON_DAYS = HORIZON_DAYS;
const FEVER_C = FEVER;
const MIN_STAY_HOURS = MIN_STAY;
const days = (ms: number) => Math.floor(ms / DAY);

/** The calendar date before a YYYY-MM-DD date; remembered, as streaks walk back over the same days for every resident. */
const previousDates = new Map<string, string>();
function previousDate(date: string): string {
  let previous = previousDates.get(date);
  if (previous === undefined) {
    if (previousDates.size >= 10_000) previousDates.clear();
    previousDates.set(date, (previous = new Date(Date.parse(`${date}T00:00:00Z`) - DAY).toISOString().slice(0, 10)));
  }
  return previous;
}
const phoneVerifiedAt = (facts: ResidentFacts, now: number) => (facts.phoneVerifiedAt !== null && facts.phoneVerifiedAt <= now ? facts.phoneVerifiedAt : null);
const isClean = (c: { symptoms: string[]; temperature: number | null }) => c.symptoms.length === 0 && (c.temperature === null || c.temperature < FEVER_C);

/**
 * The facts as rules see them at instant `now`: ages in days and hours, risk levels of places as
 * listed now. Facts recorded after `knownAt` (by default `now`) do not exist yet; facts older than
 * the horizon are gone. Asking about a past instant with what is known now (`knownAt` later than
 * `now`) is how a quarantine learned of late (a travel record imported today) keeps its history.
 */
export function evaluationData(facts: ResidentFacts, areas: RiskAreaFact[], now: number, timeZone: string, knownAt = now): { data: EvaluationData; sources: EvaluationSources } {
  return snapshotOf(new FactsAt(facts, areas, now, timeZone, knownAt));
}

/** The whole of the facts at an instant, with the raw facts behind them, from a view whose parts may be worked out already. */
export function snapshotOf(view: FactsAt): { data: EvaluationData; sources: EvaluationSources } {
  const { facts, now } = view;
  const { stays, contacts, cases, tests, checkIns } = view.sourceLists;
  return {
    sources: {
      stays,
      contacts,
      cases,
      tests,
      checkIns,
      declaration: view.latestDeclaration,
      lastDose: view.doses.lastDose,
      lastCheckIn: checkIns[0] ?? null,
      registeredAt: facts.registeredAt,
      identityAt: Math.max(facts.registeredAt, ...[phoneVerifiedAt(facts, now), facts.identityVouchedAt ?? null, facts.identityRevokedAt ?? null].filter((t): t is number => t !== null && t <= now)),
    },
    data: {
      resident: view.resident,
      declaration: view.declaration,
      stays: view.stays,
      contacts: view.contacts,
      cases: view.cases,
      tests: view.tests,
      checkIns: view.checkIns,
      checkInStreak: view.checkInStreak,
      vaccination: view.vaccination,
    },
  };
}

/** One bit per part of the evaluation data, to note which parts a condition read. */
export const PART_BITS: Record<keyof EvaluationData, number> = { resident: 1, declaration: 2, stays: 4, contacts: 8, cases: 16, tests: 32, checkIns: 64, checkInStreak: 128, vaccination: 256 };

/**
 * The parts that read as they would with no facts at all at every instant up to and including `t`:
 * those drawn from facts that all happened after `t` (a list holds no fact before it happened, so
 * such a part is empty, and stays empty further back). Going back day by day, a condition found
 * false having read only these parts is false on every earlier day too. Facts recorded late count as
 * happening when they happened: the least they can be is later, which only names fewer parts.
 */
export function emptyPartsThrough(facts: ResidentFacts): (t: number) => number {
  const firsts: [bits: number, first: number][] = [
    [PART_BITS.stays, earliest(facts.stays, (s) => s.arrival)],
    [PART_BITS.contacts, earliest(facts.contacts, (c) => c.at)],
    [PART_BITS.cases, earliest(facts.cases, (c) => c.at)],
    [PART_BITS.tests, earliest(facts.tests, (x) => x.at)],
    [PART_BITS.checkIns | PART_BITS.checkInStreak, earliest(facts.checkIns, (c) => c.at)],
    [PART_BITS.declaration, earliest(facts.declarations, (d) => d.at)],
    [PART_BITS.vaccination, earliest(facts.vaccinations, (v) => v.at)],
  ];
  return (t) => {
    let bits = 0;
    for (const [part, first] of firsts) if (t < first) bits |= part;
    return bits;
  };
}

function earliest<T>(list: readonly T[], at: (fact: T) => number): number {
  let first = Infinity;
  for (const fact of list) first = Math.min(first, at(fact));
  return first;
}

type SourceLists = Pick<EvaluationSources, 'stays' | 'contacts' | 'cases' | 'tests' | 'checkIns'>;

/**
 * Check-ins newest first, as a stable sort by time would order them. They mostly come oldest first
 * (as stored, then the days projected ahead, decide.ts), and a decision lists them at dozens of
 * instants: a list strictly in time order is reversed rather than sorted.
 */
export function newestFirst<T extends { at: number }>(list: T[]): T[] {
  let ascending = true;
  for (let i = 1; i < list.length && ascending; i += 1) ascending = list[i - 1]!.at < list[i]!.at;
  return ascending ? list.reverse() : list.sort((a, b) => b.at - a.at);
}

/**
 * The same facts as `evaluationData`, each part worked out when a rule first reads it: the engine
 * asks about dozens of instants per decision, and most rules read one or two parts.
 */
export class FactsAt implements EvaluationData {
  #lists: Partial<SourceLists> = {};
  #parts: Partial<EvaluationData> = {};
  #latest: DeclarationFact | null | undefined;
  /** The parts read since it was last set to 0, as PART_BITS: what a condition's answer depended on. */
  reads = 0;
  #doses: { count: number; lastDose: VaccinationFact | null } | undefined;

  constructor(
    readonly facts: ResidentFacts,
    private readonly areas: RiskAreaFact[],
    readonly now: number,
    private readonly timeZone: string,
    private readonly knownAt = now,
  ) {}

  get sourceLists(): SourceLists {
    return { stays: this.#list('stays'), contacts: this.#list('contacts'), cases: this.#list('cases'), tests: this.#list('tests'), checkIns: this.#list('checkIns') };
  }

  #list<K extends keyof SourceLists>(key: K): SourceLists[K] {
    let list = this.#lists[key];
    if (list === undefined) this.#lists[key] = list = this.#sourceList(key);
    return list as SourceLists[K];
  }

  #sourceList<K extends keyof SourceLists>(key: K): SourceLists[K] {
    // No local helper functions here: this runs for every instant a decision asks about.
    const { facts, now, knownAt } = this;
    const horizon = now - FACT_HORIZON_DAYS * DAY;
    switch (key) {
      case 'stays':
        return facts.stays.filter((s) => s.recordedAt <= knownAt && s.arrival <= now && (s.departure === null || s.departure >= horizon) && ((s.departure ?? now) - s.arrival) / HOUR >= MIN_STAY_HOURS) as SourceLists[K];
      case 'contacts':
        return facts.contacts.filter((c) => c.recordedAt <= knownAt && c.at <= now && c.at >= horizon) as SourceLists[K];
      case 'cases':
        // A later status (recovered, cleared) replaces an earlier one: rules see the current status only.
        return facts.cases
          .filter((c) => c.recordedAt <= knownAt && c.at <= now)
          .sort((a, b) => b.at - a.at)
          .slice(0, 1) as SourceLists[K];
      case 'tests':
        return facts.tests.filter((t) => t.recordedAt <= knownAt && t.at <= now && t.at >= horizon) as SourceLists[K];
      default:
        return newestFirst(facts.checkIns.filter((c) => c.at <= now && c.at >= horizon)) as SourceLists[K];
    }
  }

  /** A part already worked out, noted as read: the getters ask this first, so that a read makes no closure. */
  #cached<K extends keyof EvaluationData>(key: K): EvaluationData[K] | undefined {
    this.reads |= PART_BITS[key];
    return this.#parts[key];
  }

  #part<K extends keyof EvaluationData>(key: K, make: () => EvaluationData[K]): EvaluationData[K] {
    this.reads |= PART_BITS[key];
    let part = this.#parts[key];
    if (part === undefined) this.#parts[key] = part = make();
    return part as EvaluationData[K];
  }

  get latestDeclaration(): DeclarationFact | null {
    if (this.#latest === undefined) this.#latest = this.facts.declarations.filter((d) => d.at <= this.now).sort((a, b) => b.at - a.at)[0] ?? null;
    return this.#latest;
  }

  get doses(): { count: number; lastDose: VaccinationFact | null } {
    if (this.#doses === undefined) {
      const doses = this.facts.vaccinations.filter((v) => v.recordedAt <= this.knownAt && v.at <= this.now);
      this.#doses = { count: doses.length, lastDose: doses.reduce<VaccinationFact | null>((acc, v) => (!acc || v.at > acc.at ? v : acc), null) };
    }
    return this.#doses;
  }

  get resident(): EvaluationData['resident'] {
    return this.#cached('resident') ?? this.#part('resident', () => {
      const { facts, now } = this;
      const phoneVerified = facts.phoneVerifiedAt !== null && facts.phoneVerifiedAt <= now;
      const vouchedAt = facts.identityVouchedAt ?? null;
      const revokedAt = facts.identityRevokedAt ?? null;
      return {
        phoneVerified,
        identityVerified: !(revokedAt !== null && revokedAt <= now) && (phoneVerified || (vouchedAt !== null && vouchedAt <= now)),
        daysSinceRegistration: days(now - facts.registeredAt),
      };
    });
  }

  get declaration(): EvaluationData['declaration'] {
    return this.#cached('declaration') ?? this.#part('declaration', () => {
      const latest = this.latestDeclaration;
      return latest
        ? { present: true, daysSinceLatest: days(this.now - latest.at), symptoms: latest.symptoms, temperature: latest.temperature, fever: latest.temperature !== null && latest.temperature >= FEVER_C }
        : { present: false, daysSinceLatest: null, symptoms: [], temperature: null, fever: false };
    });
  }

  get stays(): EvaluationData['stays'] {
    const { now, areas } = this;
    return this.#cached('stays') ?? this.#part('stays', () =>
      this.#list('stays').map((s) => ({
        region: s.region,
        country: s.country,
        riskLevel: riskLevelOf(s, areas, now),
        hours: Math.floor(((s.departure ?? now) - s.arrival) / HOUR),
        daysSinceArrival: days(now - s.arrival),
        daysSinceDeparture: s.departure === null ? 0 : days(now - s.departure),
        ongoing: s.departure === null,
        source: s.source,
      })),
    );
  }

  get contacts(): EvaluationData['contacts'] {
    return this.#cached('contacts') ?? this.#part('contacts', () => this.#list('contacts').map((c) => ({ kind: c.kind, daysAgo: days(this.now - c.at), source: c.source })));
  }

  get cases(): EvaluationData['cases'] {
    return this.#cached('cases') ?? this.#part('cases', () => this.#list('cases').map((c) => ({ status: c.status, daysAgo: days(this.now - c.at), source: c.source })));
  }

  get tests(): EvaluationData['tests'] {
    return this.#cached('tests') ?? this.#part('tests', () => this.#list('tests').map((t) => ({ result: t.result, daysAgo: days(this.now - t.at), source: t.source })));
  }

  get checkIns(): EvaluationData['checkIns'] {
    return this.#cached('checkIns') ?? this.#part('checkIns', () =>
      this.#list('checkIns').map((c) => ({ daysAgo: days(this.now - c.at), clean: isClean(c), fever: c.temperature !== null && c.temperature >= FEVER_C, symptoms: c.symptoms, temperature: c.temperature })),
    );
  }

  /** Consecutive days, ending today (or yesterday while today's is not in yet), with a clean check-in. */
  get checkInStreak(): number {
    return this.#cached('checkInStreak') ?? this.#part('checkInStreak', () => {
      const checkIns = this.#list('checkIns');
      if (checkIns.length === 0) return 0;
      const today = localDate(new Date(this.now), this.timeZone);
      const byDate = new Map<string, boolean>();
      for (const c of checkIns) byDate.set(c.date, (byDate.get(c.date) ?? true) && isClean(c));
      let streak = 0;
      let day = byDate.has(today) ? today : previousDate(today);
      while (byDate.get(day) === true) {
        streak += 1;
        day = previousDate(day);
      }
      return streak;
    });
  }

  get vaccination(): EvaluationData['vaccination'] {
    return this.#cached('vaccination') ?? this.#part('vaccination', () => {
      const { count, lastDose } = this.doses;
      return { doses: count, fullCourse: lastDose !== null && count >= lastDose.courseDoses, daysSinceLastDose: lastDose ? days(this.now - lastDose.at) : null };
    });
  }
}

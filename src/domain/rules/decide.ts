import { applyLogic, truthy } from './json-logic.js';
import type { Colour, Mark } from '../colour.js';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../clock.js';
import { localDate, localInstant } from '../local-time.js';

export { localInstant };
import { evaluationData, FACT_HORIZON_DAYS, type EvaluationData, type EvaluationSources, type ResidentFacts, type RiskAreaFact, type Source } from '../facts.js';
import { regionName } from '../regions.js';
import { clearingOf, clearingText } from './clearing.js';
import type { SetRef } from './rule-inheritance.js';
import { LIST_FACTS } from './fact-vocabulary.js';
import { moreSevere, SEVERITY, type CheckInRequirement, type LocalizedText, type Rule, type RuleSet } from './rule-set.js';

/** A fact a fired rule read, with where it came from and when. */
export interface Evidence {
  fact: string;
  source: Source | null;
  at: string | null;
  detail: Record<string, unknown>;
}

export interface FiredRule {
  id: string;
  version: number;
  colour: Colour;
  mark: Mark | null;
  /** active: the condition holds now; awaiting-check-ins: it no longer does, but the daily check-ins it asks for are not complete. */
  status: 'active' | 'awaiting-check-ins';
  quarantineDays: number;
  checkIns: { required: number; onSymptoms: CheckInRequirement['onSymptoms']; streak: number } | null;
  description: LocalizedText;
  /** How it clears as far as the outcome says, in words generated from it: cannot disagree with greenOn. */
  clears: LocalizedText;
  /** The author's words on what else to do. */
  howToClear: LocalizedText;
  evidence: Evidence[];
}

export interface Decision {
  colour: Colour;
  mark: Mark | null;
  evaluatedAt: number;
  /** The set that governs, and the ones it inherits from (national first) when there are any. */
  ruleSet: { region: string; version: number; inherits?: SetRef[] };
  rules: FiredRule[];
  /** Earliest instant the code turns green if nothing new happens and daily check-ins go on clean; null if green now or not within the horizon. */
  greenOn: number | null;
  /** Why there is no greenOn although the code is not green: it needs an action, not time. */
  greenOnNote: 'already-green' | 'needs-action' | null;
}

/** How far ahead greenOn is searched; past it the code does not turn green by waiting. */
export const GREEN_ON_HORIZON_DAYS = 60;
/** Projected daily check-ins are assumed at this local time. */
const CHECK_IN_HOUR = 8;

type Snapshot = { data: EvaluationData; sources: EvaluationSources };


/** Evaluates a rule set for residents: pure, deterministic, given the facts, the risk areas and the instant. */
export class RuleEvaluator {
  /** Each rule's validity as instants, parsed once: decisions ask at dozens of instants. */
  readonly #validity: { rule: Rule; from: number; to: number }[];

  constructor(
    readonly ruleSet: RuleSet & { inherits?: SetRef[] },
    private readonly timeZone: string,
  ) {
    this.#validity = ruleSet.rules.map((rule) => ({ rule, from: Date.parse(rule.validFrom), to: rule.validTo === null ? Infinity : Date.parse(rule.validTo) }));
  }

  decide(facts: ResidentFacts, areas: RiskAreaFact[], now: number): Decision {
    const snapshots = new Map<number, Snapshot>();
    const at = (t: number) => {
      let s = snapshots.get(t);
      if (!s) snapshots.set(t, (s = evaluationData(facts, areas, t, this.timeZone)));
      return s;
    };
    // Whether a rule held in the past is judged with everything known now: an exposure learned of
    // today still started its quarantine back then.
    const pastSnapshots = new Map<number, Snapshot>();
    const pastAt = (t: number) => {
      let s = pastSnapshots.get(t);
      if (!s) pastSnapshots.set(t, (s = evaluationData(facts, areas, t, this.timeZone, now)));
      return s;
    };
    const lastActive = this.lastActiveBefore(now, pastAt);
    const current = this.state(now, at, lastActive);
    const fired = current.fired.map((f) => this.describe(f.rule, f.status, at(now), f.streak));
    const decision: Decision = {
      colour: current.colour,
      mark: current.mark,
      evaluatedAt: now,
      ruleSet: { region: this.ruleSet.region, version: this.ruleSet.version, ...(this.ruleSet.inherits?.length && { inherits: this.ruleSet.inherits }) },
      rules: fired,
      greenOn: null,
      greenOnNote: current.colour === 'green' ? 'already-green' : null,
    };
    if (current.colour !== 'green') {
      decision.greenOn = this.greenOn(facts, areas, now, lastActive);
      if (decision.greenOn === null) decision.greenOnNote = 'needs-action';
    }
    return decision;
  }

  /**
   * The next instant after `now` at which time alone could change anything a decision made now
   * says (its colour, rules, evidence or greenOn): until then it may be served as it is. Within a day.
   */
  nextChange(facts: ResidentFacts, areas: RiskAreaFact[], now: number): number {
    return changeInstants(facts, areas, this.ruleSet.rules, now, now + DAY_MS, this.timeZone)[0]!;
  }

  private rulesValidAt(t: number): Rule[] {
    const out: Rule[] = [];
    for (const v of this.#validity) if (v.from <= t && t < v.to) out.push(v.rule);
    return out;
  }

  private holds(rule: Rule, snapshot: Snapshot): boolean {
    return truthy(applyLogic(rule.condition, snapshot.data));
  }

  /** For rules that end with check-ins: the latest day-sampled instant in the fact horizon before `now` when they held. */
  private lastActiveBefore(now: number, at: (t: number) => Snapshot): Map<string, number> {
    const found = new Map<string, number>();
    const candidates = this.ruleSet.rules.filter((r) => r.outcome.checkIns !== null);
    for (let k = 1; k <= FACT_HORIZON_DAYS && found.size < candidates.length; k++) {
      const t = now - k * DAY_MS;
      const valid = new Set(this.rulesValidAt(t));
      for (const rule of candidates) {
        if (!found.has(rule.id) && valid.has(rule) && this.holds(rule, at(t))) found.set(rule.id, t);
      }
    }
    return found;
  }

  private state(t: number, at: (t: number) => Snapshot, lastActive: Map<string, number>) {
    const snapshot = at(t);
    const fired: { rule: Rule; status: FiredRule['status']; streak: number }[] = [];
    let colour: Colour = 'green';
    let mark: Mark | null = null;
    for (const rule of this.rulesValidAt(t)) {
      const active = this.holds(rule, snapshot);
      if (active && rule.outcome.checkIns) lastActive.set(rule.id, t);
      const since = lastActive.get(rule.id);
      const requirement = rule.outcome.checkIns;
      const streak = snapshot.data.checkInStreak;
      const awaiting = !active && requirement !== null && since !== undefined && t - since <= FACT_HORIZON_DAYS * DAY_MS && streak < requirement.required;
      if (!active && !awaiting) continue;
      fired.push({ rule, status: active ? 'active' : 'awaiting-check-ins', streak });
      let outcome = rule.outcome.colour;
      if (requirement?.onSymptoms === 'escalate' && snapshot.data.checkIns.some((c) => !c.clean && c.daysAgo < Math.max(rule.outcome.quarantineDays, 1))) outcome = 'red';
      if (rule.outcome.mark) mark = rule.outcome.mark;
      colour = moreSevere(colour, outcome);
    }
    fired.sort((a, b) => SEVERITY[b.rule.outcome.colour] - SEVERITY[a.rule.outcome.colour]);
    return { colour, mark: colour === 'green' ? mark : null, fired };
  }

  /** Evaluates the same rules at future instants, with a clean check-in each day, for the first green. */
  private greenOn(facts: ResidentFacts, areas: RiskAreaFact[], now: number, lastActiveNow: Map<string, number>): number | null {
    const horizon = now + GREEN_ON_HORIZON_DAYS * DAY_MS;
    const projected: ResidentFacts = { ...facts, checkIns: [...facts.checkIns, ...this.projectedCheckIns(facts, now, horizon)] };
    const snapshots = new Map<number, Snapshot>();
    const at = (t: number) => {
      let s = snapshots.get(t);
      if (!s) snapshots.set(t, (s = evaluationData(projected, areas, t, this.timeZone)));
      return s;
    };
    const lastActive = new Map(lastActiveNow);
    let previous = now;
    for (let t = now + DAY_MS; t <= horizon; t += DAY_MS) {
      const before = new Map(lastActive);
      if (this.state(t, at, lastActive).colour === 'green') {
        // The first instant it is green lies between the last non-green day and this one, at one of
        // the instants where a fact or a window changes: found by binary search over them, so the
        // answer is the same instant whenever it is asked.
        const instants = changeInstants(projected, areas, this.ruleSet.rules, previous, t, this.timeZone);
        let lo = 0;
        let hi = instants.length - 1;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (this.state(instants[mid]!, at, new Map(before)).colour === 'green') hi = mid;
          else lo = mid + 1;
        }
        return instants[lo]!;
      }
      previous = t;
    }
    return null;
  }

  private projectedCheckIns(facts: ResidentFacts, now: number, horizon: number): ResidentFacts['checkIns'] {
    const done = new Set(facts.checkIns.map((c) => c.date));
    const out: ResidentFacts['checkIns'] = [];
    for (let t = now; t <= horizon + DAY_MS; t += DAY_MS) {
      const date = localDate(new Date(t), this.timeZone);
      if (done.has(date)) continue;
      done.add(date);
      // Today's check-in, if still to come, is assumed at the usual hour or, past it, by the day's
      // end: an instant that does not move with the moment the question is asked.
      const usual = localInstant(date, CHECK_IN_HOUR, this.timeZone);
      out.push({ date, at: usual > now ? usual : localInstant(nextDate(date), 0, this.timeZone) - MINUTE_MS, symptoms: [], temperature: null });
    }
    return out;
  }

  private describe(rule: Rule, status: FiredRule['status'], snapshot: Snapshot, streak: number): FiredRule {
    return {
      id: rule.id,
      version: rule.version,
      colour: rule.outcome.colour,
      mark: rule.outcome.mark ?? null,
      status,
      quarantineDays: rule.outcome.quarantineDays,
      checkIns: rule.outcome.checkIns ? { required: rule.outcome.checkIns.required, onSymptoms: rule.outcome.checkIns.onSymptoms, streak } : null,
      description: rule.description,
      clears: clearingText(clearingOf(rule.outcome)),
      howToClear: rule.howToClear,
      evidence: evidenceFor(rule.condition, snapshot),
    };
  }
}

/**
 * Every instant in (after, upTo] at which a resident's evaluation can change, and `upTo` itself: a
 * whole number of days after any fact, registration or verification (the ages rules read), an hour
 * after the arrival of an ongoing stay (its length), local midnight and the usual check-in hour
 * (today's check-in), and where a
 * risk area or a rule begins or ends. Sorted, without repeats.
 */
export function changeInstants(facts: ResidentFacts, areas: RiskAreaFact[], rules: Rule[], after: number, upTo: number, timeZone: string): number[] {
  const out = new Set<number>([upTo]);
  const within = (t: number) => t > after && t <= upTo && out.add(t);
  const daily = (x: number | null | undefined) => {
    if (x === null || x === undefined) return;
    for (let t = x + Math.max(0, Math.ceil((after - x) / DAY_MS)) * DAY_MS; t <= upTo; t += DAY_MS) within(t);
  };
  for (const x of [facts.registeredAt, facts.phoneVerifiedAt, facts.identityVouchedAt, facts.identityRevokedAt]) daily(x);
  for (const d of facts.declarations) daily(d.at);
  for (const list of [facts.contacts, facts.cases, facts.tests, facts.vaccinations]) for (const f of list) (daily(f.at), within(f.recordedAt));
  for (const c of facts.checkIns) daily(c.at);
  for (const s of facts.stays) {
    daily(s.arrival);
    daily(s.departure);
    within(s.recordedAt);
    if (s.departure === null) for (let t = s.arrival + Math.max(1, Math.ceil((after - s.arrival) / HOUR_MS)) * HOUR_MS; t <= upTo; t += HOUR_MS) within(t);
  }
  for (const a of areas) (within(a.from), a.to !== null && within(a.to));
  for (const r of rules) (within(Date.parse(r.validFrom)), r.validTo !== null && within(Date.parse(r.validTo)));
  for (let day = localDate(new Date(after), timeZone), i = 0; i < 3; i += 1, day = nextDate(day)) {
    within(localInstant(day, 0, timeZone));
    // Past the usual check-in hour, today's projected check-in moves to the day's end (greenOn).
    within(localInstant(day, CHECK_IN_HOUR, timeZone));
  }
  return [...out].sort((a, b) => a - b);
}

const nextDate = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);

/** The facts a condition read: list items its predicates accepted, and scalar facts it named. */
export function evidenceFor(condition: unknown, snapshot: Snapshot): Evidence[] {
  const out: Evidence[] = [];
  const seen = new Set<string>();
  const add = (key: string, evidence: Evidence) => {
    if (!seen.has(key)) {
      seen.add(key);
      out.push(evidence);
    }
  };
  /** Facts read by name, with their values: cited together, one piece of evidence per thing they describe. */
  const read = new Map<string, unknown>();
  const walk = (node: unknown) => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(walk);
    const [op, rawArgs] = Object.entries(node)[0] ?? [];
    if (op === undefined) return;
    const args = Array.isArray(rawArgs) ? rawArgs : [rawArgs];
    if (op === 'var') {
      const name = args[0];
      if (typeof name === 'string' && !(name in LIST_FACTS)) read.set(name, name.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], snapshot.data));
      return;
    }
    if (['some', 'all', 'none', 'filter'].includes(op)) {
      const list = listName(args[0]);
      if (list) {
        const items = snapshot.data[list] as unknown[];
        items.forEach((item, i) => {
          if (truthy(applyLogic(args[1], item))) add(`${list}:${i}`, describeItem(list, i, snapshot));
        });
        return;
      }
    }
    args.forEach(walk);
  };
  walk(condition);
  return [...scalarEvidence(read, snapshot), ...out];
}

/**
 * Facts a rule reads by name (declaration.fever, resident.identityVerified, ...), cited as what they
 * describe, with its time: the latest declaration, the identity, the vaccinations, the check-ins.
 * `detail.facts` keeps the names and values as the rule read them.
 */
function scalarEvidence(read: Map<string, unknown>, snapshot: Snapshot): Evidence[] {
  const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());
  const { data, sources } = snapshot;
  const groups = new Map<string, Record<string, unknown>>();
  for (const [name, value] of read) {
    const group = name === 'checkInStreak' ? 'check-in-streak' : name.slice(0, name.indexOf('.'));
    groups.set(group, { ...groups.get(group), [name]: value });
  }
  const out: Evidence[] = [];
  for (const [group, facts] of groups) {
    switch (group) {
      case 'declaration':
        out.push({ fact: 'declaration', source: 'declaration', at: iso(sources.declaration?.at ?? sources.registeredAt), detail: { present: data.declaration.present, symptoms: data.declaration.symptoms, temperature: data.declaration.temperature, fever: data.declaration.fever, facts } });
        break;
      case 'resident':
        out.push({ fact: 'identity', source: 'registration', at: iso(sources.identityAt), detail: { phoneVerified: data.resident.phoneVerified, identityVerified: data.resident.identityVerified, facts } });
        break;
      case 'vaccination':
        out.push({ fact: 'vaccination', source: sources.lastDose?.source ?? 'authority', at: iso(sources.lastDose?.at ?? sources.registeredAt), detail: { doses: data.vaccination.doses, fullCourse: data.vaccination.fullCourse, facts } });
        break;
      default:
        out.push({ fact: 'check-in-streak', source: 'check-in', at: iso(sources.lastCheckIn?.at ?? sources.registeredAt), detail: { streak: data.checkInStreak, facts } });
    }
  }
  return out;
}

type ListSource = 'stays' | 'contacts' | 'cases' | 'tests' | 'checkIns';

function listName(node: unknown): ListSource | undefined {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
  const [op, args] = Object.entries(node)[0] ?? [];
  const name = op === 'var' ? (Array.isArray(args) ? args[0] : args) : undefined;
  return typeof name === 'string' && ['stays', 'contacts', 'cases', 'tests', 'checkIns'].includes(name) ? (name as ListSource) : undefined;
}

function describeItem(list: ListSource, i: number, snapshot: Snapshot): Evidence {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  switch (list) {
    case 'stays': {
      const s = snapshot.sources.stays[i]!;
      const item = snapshot.data.stays[i]!;
      return {
        fact: 'stay',
        source: s.source,
        at: iso(s.arrival),
        detail: { region: s.region, regionName: s.region ? (regionName(s.region) ?? null) : null, country: s.country, arrival: iso(s.arrival), departure: iso(s.departure), hours: item.hours, riskLevel: item.riskLevel },
      };
    }
    case 'contacts': {
      const c = snapshot.sources.contacts[i]!;
      return { fact: 'contact', source: c.source, at: iso(c.at), detail: { kind: c.kind } };
    }
    case 'cases': {
      const c = snapshot.sources.cases[i]!;
      return { fact: 'case', source: c.source, at: iso(c.at), detail: { status: c.status } };
    }
    case 'tests': {
      const t = snapshot.sources.tests[i]!;
      return { fact: 'test', source: t.source, at: iso(t.at), detail: { result: t.result } };
    }
    case 'checkIns': {
      const c = snapshot.sources.checkIns[i]!;
      return { fact: 'check-in', source: 'check-in', at: iso(c.at), detail: { date: c.date, symptoms: c.symptoms, temperature: c.temperature } };
    }
  }
}

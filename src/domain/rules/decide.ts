import { compileLogic, truthy, type CompiledLogic } from './json-logic.js';
import type { Colour, Mark } from '../colour.js';
import * as clock from '../clock.js';
import { CORRECTION_REASONS, type CorrectionFact } from '../corrections.js';
import { localDate, localInstant } from '../local-time.js';
import { FACT_HORIZON_DAYS as HORIZON_DAYS, type EvaluationData, type ResidentFacts, type RiskAreaFact } from '../facts.js';
import { emptyPartsThrough, FactsAt, PART_BITS, snapshotOf } from '../facts-at.js';
import { partsChangeWithin } from '../fact-changes.js';
import { timeShapeOf, type TimeShape } from './time-shape.js';
import { evidenceFor, evidenceTime, type Evidence, type Snapshot } from './evidence.js';
import { clearingOf, clearingText } from './clearing.js';
import type { SetRef } from './rule-inheritance.js';
import { moreSevere, SEVERITY, type CheckInRequirement, type LocalizedText, type Rule, type RuleSet } from './rule-set.js';

export { localInstant };

// Read once: under some module loaders (tsx, which `npm run bench` uses) every read of an imported binding is a call.
const { DAY_MS, HOUR_MS, MINUTE_MS } = clock;
const FACT_HORIZON_DAYS = HORIZON_DAYS;
export type { Evidence };

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

/** Evaluates a rule set for residents: pure, deterministic, given the facts, the risk areas and the instant. */
export class RuleEvaluator {
  /**
   * Each rule's validity as instants and its condition compiled, once per rule set: decisions ask
   * at dozens of instants. (The services keep one evaluator per rule set version: rules-service.ts.)
   */
  readonly #validity: { rule: Rule; from: number; to: number; condition: CompiledLogic }[];
  /** Rules that end with check-ins, whose past is searched for when they last held. */
  readonly #withCheckIns: { rule: Rule; from: number; to: number; condition: CompiledLogic }[];
  /** The rules with check-ins first, then the others: the order in which greenOn asks them. */
  readonly #checkInsFirst: { rule: Rule; from: number; to: number; condition: CompiledLogic }[];
  /** Where a rule begins or ends, parsed once: instants at which a decision can change. */
  readonly #ruleBounds: number[];
  /** How each rule's condition can move with time alone (time-shape.ts), and until when the rule is valid. */
  readonly #shapes = new Map<Rule, TimeShape & { to: number }>();
  /** Rules with check-ins that can never hold to the horizon (not rising, not fixed): holdsToHorizon never counts them. */
  readonly #neverHeldToHorizon = new Set<Rule>();
  /** The most daily check-ins any rule asks for. */
  readonly #mostCheckIns: number;

  constructor(
    readonly ruleSet: RuleSet & { inherits?: SetRef[] },
    private readonly timeZone: string,
  ) {
    this.#validity = ruleSet.rules.map((rule) => ({ rule, from: Date.parse(rule.validFrom), to: rule.validTo === null ? Infinity : Date.parse(rule.validTo), condition: compileLogic(rule.condition) }));
    this.#withCheckIns = this.#validity.filter((v) => v.rule.outcome.checkIns !== null);
    this.#checkInsFirst = [...this.#withCheckIns, ...this.#validity.filter((v) => v.rule.outcome.checkIns === null)];
    this.#ruleBounds = this.#validity.flatMap((v) => (v.to === Infinity ? [v.from] : [v.from, v.to]));
    for (const v of this.#validity) this.#shapes.set(v.rule, { ...timeShapeOf(v.rule.condition), to: v.to });
    for (const v of this.#withCheckIns) if (this.#shapes.get(v.rule)!.shape !== 'rising' && this.#shapes.get(v.rule)!.shape !== 'fixed') this.#neverHeldToHorizon.add(v.rule);
    this.#mostCheckIns = Math.max(0, ...this.#withCheckIns.map((v) => v.rule.outcome.checkIns!.required));
  }

  decide(facts: ResidentFacts, areas: RiskAreaFact[], now: number): Decision {
    // The facts at an instant are worked out part by part as conditions read them (facts-at.ts).
    const factsNow = new FactsAt(facts, areas, now, this.timeZone);
    const at = (t: number) => (t === now ? factsNow : new FactsAt(facts, areas, t, this.timeZone));
    // Whether a rule held in the past is judged with everything known now: an exposure learned of
    // today still started its quarantine back then.
    const lastActive = this.lastActiveBefore(now, facts, (t) => new FactsAt(facts, areas, t, this.timeZone, now));
    const current = this.state(now, at, lastActive);
    // Evidence cites the raw facts behind the values: the full snapshot, only when a rule fired.
    const snapshot = current.fired.length > 0 ? snapshotOf(factsNow) : undefined;
    const fired = current.fired.map((f) => this.describe(f.rule, f.status, snapshot!, snapshot!.data.checkInStreak));
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
    const correction = correctionAt(facts.corrections, now);
    return correction ? corrected(decision, correction, this.timeZone) : decision;
  }

  /**
   * The next instant after `now` at which time alone could change anything a decision made now
   * says (its colour, rules, evidence or greenOn): until then it may be served as it is. Within a day.
   */
  nextChange(facts: ResidentFacts, areas: RiskAreaFact[], now: number): number {
    // The first of changeInstants, without gathering and sorting the others: one is asked for every decision.
    let first = now + DAY_MS;
    eachChangeInstant(facts, areas, this.#ruleBounds, now, first, this.timeZone, (t) => {
      if (t < first) first = t;
    });
    return first;
  }

  /**
   * For rules that end with check-ins: the latest day-sampled instant in the fact horizon before
   * `now` when they held. A rule found false having read only parts of the facts that are empty at
   * that instant and at every one before it (it reads stays, and the resident had not yet arrived
   * anywhere) is false on every earlier day too: it is not asked again. For most residents that
   * settles most rules on the first day, and the rest by the day before their first declaration.
   */
  private lastActiveBefore(now: number, facts: ResidentFacts, at: (t: number) => FactsAt): Map<string, number> {
    const found = new Map<string, number>();
    const settled = new Set<Rule>();
    const emptyThrough = emptyPartsThrough(facts);
    const candidates = this.#withCheckIns;
    for (let k = 1; k <= FACT_HORIZON_DAYS && found.size + settled.size < candidates.length; k++) {
      const t = now - k * DAY_MS;
      let data: FactsAt | undefined;
      for (const { rule, from, to, condition } of candidates) {
        if (found.has(rule.id) || settled.has(rule) || from > t || t >= to) continue;
        data ??= at(t);
        data.reads = 0;
        if (truthy(condition(data))) found.set(rule.id, t);
        else if ((data.reads & ~emptyThrough(t)) === 0) settled.add(rule);
      }
    }
    return found;
  }

  private state(t: number, at: (t: number) => EvaluationData, lastActive: Map<string, number>) {
    const data = at(t);
    const fired: { rule: Rule; status: FiredRule['status'] }[] = [];
    let colour: Colour = 'green';
    let mark: Mark | null = null;
    for (const { rule, from, to, condition } of this.#validity) {
      if (from > t || t >= to) continue;
      const active = truthy(condition(data));
      if (active && rule.outcome.checkIns) lastActive.set(rule.id, t);
      const since = lastActive.get(rule.id);
      const requirement = rule.outcome.checkIns;
      // The streak is read only where it matters (rules with check-ins): working it out is much of an instant's cost.
      const awaiting = !active && requirement !== null && since !== undefined && t - since <= FACT_HORIZON_DAYS * DAY_MS && data.checkInStreak < requirement.required;
      if (!active && !awaiting) continue;
      fired.push({ rule, status: active ? 'active' : 'awaiting-check-ins' });
      let outcome = rule.outcome.colour;
      if (requirement?.onSymptoms === 'escalate' && data.checkIns.some((c) => !c.clean && c.daysAgo < Math.max(rule.outcome.quarantineDays, 1))) outcome = 'red';
      if (rule.outcome.mark) mark = rule.outcome.mark;
      colour = moreSevere(colour, outcome);
    }
    fired.sort((a, b) => SEVERITY[b.rule.outcome.colour] - SEVERITY[a.rule.outcome.colour]);
    return { colour, mark: colour === 'green' ? mark : null, fired };
  }

  /**
   * Whether the code is green at `t`, as `state` would say, noting in `lastActive` when rules with
   * check-ins held, as it does; and the rules found holding. Less is asked than `state` asks: once
   * the code is not green, a rule without check-ins can change nothing this answer says, and is not
   * asked; nor is whether a rule with check-ins is awaiting them, nor how it escalates. Past
   * `checkInsDone` (no rule can be awaiting check-ins at any instant from then on), once the code is
   * not green, neither is a rule that holdsToHorizon would not count: when it last held matters no more.
   * A rule in `search.idle` is known not to hold.
   */
  private greenAt(t: number, at: (t: number) => FactsAt, lastActive: Map<string, number>, search: GreenOnSearch): { green: boolean; active: Rule[] } {
    const data = at(t);
    const active: Rule[] = [];
    let green = true;
    for (const { rule, from, to, condition } of this.#checkInsFirst) {
      if (from > t || t >= to) continue;
      const requirement = rule.outcome.checkIns;
      if (requirement === null && !green) break;
      if (!green && t >= search.checkInsDone && this.#neverHeldToHorizon.has(rule)) continue;
      const holds = this.holdsIn(search, rule, condition, data);
      if (holds && requirement) lastActive.set(rule.id, t);
      if (!green && !holds) continue;
      if (holds) active.push(rule);
      else {
        const since = lastActive.get(rule.id);
        const awaiting = requirement !== null && since !== undefined && t - since <= FACT_HORIZON_DAYS * DAY_MS && data.checkInStreak < requirement.required;
        if (!awaiting) continue;
      }
      if (rule.outcome.colour !== 'green' || (requirement?.onSymptoms === 'escalate' && data.checkIns.some((c) => !c.clean && c.daysAgo < Math.max(rule.outcome.quarantineDays, 1)))) green = false;
    }
    return { green, active };
  }

  /** Evaluates the same rules at future instants, with a clean check-in each day, for the first green. */
  private greenOn(facts: ResidentFacts, areas: RiskAreaFact[], now: number, lastActiveNow: Map<string, number>): number | null {
    const horizon = now + GREEN_ON_HORIZON_DAYS * DAY_MS;
    const projected: ResidentFacts = { ...facts, checkIns: [...facts.checkIns, ...this.projectedCheckIns(facts, now, horizon)] };
    const snapshots = new Map<number, FactsAt>();
    const at = (t: number) => {
      let s = snapshots.get(t);
      if (!s) snapshots.set(t, (s = new FactsAt(projected, areas, t, this.timeZone)));
      return s;
    };
    const lastActive = new Map(lastActiveNow);
    const search: GreenOnSearch = { checkInsDone: this.checkInsDoneFrom(facts, now), emptyParts: alwaysEmptyParts(facts), idle: new Set() };
    let previous = now;
    for (let t = now + DAY_MS; t <= horizon; t += DAY_MS) {
      const before = new Map(lastActive);
      const state = this.greenAt(t, at, lastActive, search);
      if (!state.green) {
        if (this.holdsToHorizon(state.active, projected, areas, t, horizon)) return null;
        previous = t;
        continue;
      }
      // The first instant it is green lies between the last non-green day and this one, at one of
      // the instants where a fact or a window changes: found by binary search over them, so the
      // answer is the same instant whenever it is asked.
      const instants = changeInstants(projected, areas, this.#ruleBounds, previous, t, this.timeZone);
      let lo = 0;
      let hi = instants.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.greenAt(instants[mid]!, at, new Map(before), search).green) hi = mid;
        else lo = mid + 1;
      }
      return instants[lo]!;
    }
    return null;
  }

  /**
   * Whether a rule's condition holds at an instant of greenOn's search. One found false having read
   * only parts that are empty at every instant (the resident has no such facts at all) is false at
   * every instant: the same values read give the same answer. It is not asked again.
   */
  private holdsIn(search: GreenOnSearch, rule: Rule, condition: CompiledLogic, data: FactsAt): boolean {
    if (search.idle.has(rule)) return false;
    data.reads = 0;
    const holds = truthy(condition(data));
    if (!holds && (data.reads & ~search.emptyParts) === 0) search.idle.add(rule);
    return holds;
  }

  /**
   * An instant from which, with the clean daily check-ins greenOn projects, the streak at every
   * instant is at least what any rule asks for, so that no rule can be awaiting check-ins: dates after
   * today's each have a projected clean one, and by `now` plus the most asked for and two days (a
   * day's margin for a clock change) the dates since today's number at least that many. Never
   * (Infinity) when a recorded check-in lies after `now` or its day (it could break the streak), or
   * more are asked for than the fact horizon holds.
   */
  private checkInsDoneFrom(facts: ResidentFacts, now: number): number {
    if (this.#mostCheckIns > FACT_HORIZON_DAYS - 2) return Infinity;
    if (facts.checkIns.length > 0) {
      const today = localDate(new Date(now), this.timeZone);
      if (facts.checkIns.some((c) => c.at > now || c.date > today)) return Infinity;
    }
    return now + (this.#mostCheckIns + 2) * DAY_MS;
  }

  /**
   * Whether a rule that keeps the code from green holds at `t` and so at every instant up to the
   * horizon: its condition can only go from false to true with time (or not move at all), no fact
   * it reads comes, goes or changes by then, and it is valid throughout. Then the code does not turn
   * green by waiting, and the days ahead need not be asked.
   */
  private holdsToHorizon(active: Rule[], facts: ResidentFacts, areas: RiskAreaFact[], t: number, horizon: number): boolean {
    for (const rule of active) {
      if (rule.outcome.colour === 'green') continue;
      const shape = this.#shapes.get(rule)!;
      if ((shape.shape === 'rising' || shape.shape === 'fixed') && shape.to > horizon && !partsChangeWithin(facts, areas, shape.parts, t, horizon)) return true;
    }
    return false;
  }

  private projectedCheckIns(facts: ResidentFacts, now: number, horizon: number): ResidentFacts['checkIns'] {
    const daily = dailyCheckIns(now, horizon, this.timeZone);
    if (facts.checkIns.length === 0) return daily;
    const done = new Set(facts.checkIns.map((c) => c.date));
    return daily.filter((c) => !done.has(c.date));
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

/** What greenOn's search has learnt about a resident, for greenAt: see checkInsDoneFrom and holdsIn. */
interface GreenOnSearch {
  checkInsDone: number;
  /** PART_BITS of the parts that are empty at every instant: the resident has no facts of the kind. */
  emptyParts: number;
  /** Rules found not to hold at any instant. */
  idle: Set<Rule>;
}

/** The parts drawn from lists of facts the resident has none of: empty at every instant. */
function alwaysEmptyParts(facts: ResidentFacts): number {
  return (facts.stays.length === 0 ? PART_BITS.stays : 0) | (facts.contacts.length === 0 ? PART_BITS.contacts : 0) | (facts.cases.length === 0 ? PART_BITS.cases : 0) | (facts.tests.length === 0 ? PART_BITS.tests : 0);
}

/** The correction in force at `now`: the latest approved of those not yet ended. */
function correctionAt(corrections: CorrectionFact[] | undefined, now: number): CorrectionFact | undefined {
  let found: CorrectionFact | undefined;
  for (const c of corrections ?? []) if (c.approvedAt <= now && now < c.endsAt && (!found || c.approvedAt > found.approvedAt)) found = c;
  return found;
}

/**
 * A decision under an authority's correction: the correction sets the colour and comes first, the
 * rules that fired stay listed beside it, and green comes when the correction ends and the rules
 * allow it, not before. The evidence names the correction; its note stays sealed with it, and is put
 * back only when the decision is shown (DecisionsService), never stored in clear with decisions.
 */
function corrected(decision: Decision, c: CorrectionFact, timeZone: string): Decision {
  const reason = CORRECTION_REASONS.find((r) => r.id === c.reason);
  const ends = localDate(new Date(c.endsAt), timeZone);
  const rule: FiredRule = {
    id: 'correction',
    version: 1,
    colour: c.colour,
    mark: null,
    status: 'active',
    quarantineDays: 0,
    checkIns: null,
    description: reason?.description ?? { 'zh-CN': '卫生部门更正了您的颜色。', en: 'The health authority corrected your colour.' },
    clears: { 'zh-CN': `此更正于 ${ends} 结束，卫生部门也可提前结束。`, en: `This correction ends on ${ends}, or sooner if the health authority ends it.` },
    howToClear: { 'zh-CN': '如认为有误，可以申诉。', en: 'If you think it is wrong, appeal it.' },
    evidence: [{ fact: 'correction', source: 'authority', at: evidenceTime(c.approvedAt), detail: { correctionId: c.id, reason: c.reason, endsAt: evidenceTime(c.endsAt) } }],
  };
  const byRules = { colour: decision.colour, greenOn: decision.greenOn };
  let greenOn: number | null = null;
  let greenOnNote: Decision['greenOnNote'] = null;
  if (c.colour === 'green') greenOnNote = 'already-green';
  else if (byRules.colour === 'green') greenOn = c.endsAt;
  else if (byRules.greenOn === null) greenOnNote = 'needs-action';
  else greenOn = Math.max(byRules.greenOn, c.endsAt);
  return { ...decision, colour: c.colour, mark: c.colour === 'green' ? decision.mark : null, rules: [rule, ...decision.rules], greenOn, greenOnNote };
}

/**
 * Every instant in (after, upTo] at which a resident's evaluation can change, and `upTo` itself: a
 * whole number of days after any fact, registration or verification (the ages rules read), an hour
 * after the arrival of an ongoing stay (its length), local midnight and the usual check-in hour
 * (today's check-in), and where a
 * risk area or a rule begins or ends (`ruleBounds`). Sorted, without repeats.
 */
export function changeInstants(facts: ResidentFacts, areas: RiskAreaFact[], ruleBounds: readonly number[], after: number, upTo: number, timeZone: string): number[] {
  const out = new Set<number>([upTo]);
  eachChangeInstant(facts, areas, ruleBounds, after, upTo, timeZone, (t) => out.add(t));
  return [...out].sort((a, b) => a - b);
}

/** Hands each of changeInstants' instants in (after, upTo] to `add`, in no order, some more than once. */
function eachChangeInstant(facts: ResidentFacts, areas: RiskAreaFact[], ruleBounds: readonly number[], after: number, upTo: number, timeZone: string, add: (t: number) => void): void {
  // Loops written out, without local helper functions: this runs for every decision.
  for (const x of [facts.registeredAt, facts.phoneVerifiedAt, facts.identityVouchedAt, facts.identityRevokedAt]) if (x !== null && x !== undefined) daily(x, after, upTo, add);
  for (const d of facts.declarations) daily(d.at, after, upTo, add);
  for (const list of [facts.contacts, facts.cases, facts.tests, facts.vaccinations]) {
    for (const f of list) {
      daily(f.at, after, upTo, add);
      if (f.recordedAt > after && f.recordedAt <= upTo) add(f.recordedAt);
    }
  }
  for (const c of facts.checkIns) daily(c.at, after, upTo, add);
  for (const s of facts.stays) {
    daily(s.arrival, after, upTo, add);
    if (s.departure !== null) daily(s.departure, after, upTo, add);
    if (s.recordedAt > after && s.recordedAt <= upTo) add(s.recordedAt);
    if (s.departure === null) for (let t = s.arrival + Math.max(1, Math.ceil((after - s.arrival) / HOUR_MS)) * HOUR_MS; t <= upTo; t += HOUR_MS) if (t > after) add(t);
  }
  for (const a of areas) {
    if (a.from > after && a.from <= upTo) add(a.from);
    if (a.to !== null && a.to > after && a.to <= upTo) add(a.to);
  }
  for (const c of facts.corrections ?? []) {
    if (c.approvedAt > after && c.approvedAt <= upTo) add(c.approvedAt);
    if (c.endsAt > after && c.endsAt <= upTo) add(c.endsAt);
  }
  for (const t of ruleBounds) if (t > after && t <= upTo) add(t);
  for (const t of localDayInstants(after, timeZone)) if (t > after && t <= upTo) add(t);
}

/** The whole numbers of days after `x` in (after, upTo]: where an age in days read from `x` turns. */
function daily(x: number, after: number, upTo: number, add: (t: number) => void): void {
  for (let t = x + Math.max(0, Math.ceil((after - x) / DAY_MS)) * DAY_MS; t <= upTo; t += DAY_MS) if (t > after) add(t);
}

/**
 * Local midnight and the usual check-in hour (past which today's projected check-in moves to the
 * day's end, greenOn) on the three days from `after`'s. Remembered per instant: a batch of decisions
 * asks about one `now`.
 */
function localDayInstants(after: number, timeZone: string): number[] {
  let memo = dayInstantsMemo.get(timeZone);
  if (memo === undefined) dayInstantsMemo.set(timeZone, (memo = new Map()));
  // Keyed by the instant as a number, per zone: building a text key cost more than the lookup.
  return remembered(memo, after, () => {
    const out: number[] = [];
    for (let day = localDate(new Date(after), timeZone), i = 0; i < 3; i += 1, day = nextDate(day)) out.push(localInstant(day, 0, timeZone), localInstant(day, CHECK_IN_HOUR, timeZone));
    return out;
  });
}

/**
 * A clean check-in on every day from `now`'s to past `horizon`: today's, if still to come, at the usual
 * hour or, past it, by the day's end (an instant that does not move with the moment the question is
 * asked). Remembered per instant, and shared: nobody changes a fact once made.
 */
function dailyCheckIns(now: number, horizon: number, timeZone: string): ResidentFacts['checkIns'] {
  return remembered(checkInsMemo, `${now}|${horizon}|${timeZone}`, () => {
    const seen = new Set<string>();
    const out: ResidentFacts['checkIns'] = [];
    for (let t = now; t <= horizon + DAY_MS; t += DAY_MS) {
      const date = localDate(new Date(t), timeZone);
      if (seen.has(date)) continue;
      seen.add(date);
      const usual = localInstant(date, CHECK_IN_HOUR, timeZone);
      out.push({ date, at: usual > now ? usual : localInstant(nextDate(date), 0, timeZone) - MINUTE_MS, symptoms: [], temperature: null });
    }
    return out;
  });
}

const dayInstantsMemo = new Map<string, Map<number, number[]>>();
const checkInsMemo = new Map<string, ResidentFacts['checkIns']>();
const nextDates = new Map<string, string>();

/** Pure answers kept while few: forgotten wholesale past a few thousand keys. */
function remembered<K, V>(memo: Map<K, V>, key: K, make: () => V): V {
  let value = memo.get(key);
  if (value === undefined) {
    if (memo.size >= 4096) memo.clear();
    memo.set(key, (value = make()));
  }
  return value;
}

const nextDate = (date: string) => remembered(nextDates, date, () => new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10));

import type { CompiledLogic } from './json-logic.js';
import { truthy } from './json-logic.js';
import * as clock from '../clock.js';
import { localDate, localInstant } from '../local-time.js';
import { FACT_HORIZON_DAYS as HORIZON_DAYS, type ResidentFacts, type RiskAreaFact } from '../facts.js';
import { FactsAt, PART_BITS } from '../facts-at.js';
import { partsChangeWithin } from '../fact-changes.js';
import { timeShapeOf, type TimeShape } from './time-shape.js';
import { changeInstants, CHECK_IN_HOUR, nextDate, remembered } from './change-instants.js';
import type { Rule } from './rule-set.js';

// Read once: under some module loaders (tsx, which `npm run bench` uses) every read of an imported binding is a call.
const { DAY_MS, MINUTE_MS } = clock;
const FACT_HORIZON_DAYS = HORIZON_DAYS;

/** How far ahead greenOn is searched; past it the code does not turn green by waiting. */
export const GREEN_ON_HORIZON_DAYS = 60;

/** A rule as the evaluator holds it: its validity as instants and its condition compiled. */
export interface CompiledRule {
  rule: Rule;
  from: number;
  to: number;
  condition: CompiledLogic;
}

/**
 * The search for greenOn: the earliest instant a code that is not green turns green if nothing new
 * happens and daily check-ins go on clean. Built once per rule set (RuleEvaluator holds one).
 */
export class GreenOnSearch {
  /** The rules with check-ins first, then the others: the order in which greenOn asks them. */
  readonly #checkInsFirst: CompiledRule[];
  /** How each rule's condition can move with time alone (time-shape.ts), and until when the rule is valid. */
  readonly #shapes = new Map<Rule, TimeShape & { to: number }>();
  /** Rules with check-ins that can never hold to the horizon (not rising, not fixed): holdsToHorizon never counts them. */
  readonly #neverHeldToHorizon = new Set<Rule>();
  /** The most daily check-ins any rule asks for. */
  readonly #mostCheckIns: number;

  constructor(
    validity: readonly CompiledRule[],
    /** Where a rule begins or ends: instants at which a decision can change. */
    private readonly ruleBounds: readonly number[],
    private readonly timeZone: string,
  ) {
    const withCheckIns = validity.filter((v) => v.rule.outcome.checkIns !== null);
    this.#checkInsFirst = [...withCheckIns, ...validity.filter((v) => v.rule.outcome.checkIns === null)];
    for (const v of validity) this.#shapes.set(v.rule, { ...timeShapeOf(v.rule.condition), to: v.to });
    for (const v of withCheckIns) if (this.#shapes.get(v.rule)!.shape !== 'rising' && this.#shapes.get(v.rule)!.shape !== 'fixed') this.#neverHeldToHorizon.add(v.rule);
    this.#mostCheckIns = Math.max(0, ...withCheckIns.map((v) => v.rule.outcome.checkIns!.required));
  }

  /** Evaluates the same rules at future instants, with a clean check-in each day, for the first green. */
  greenOn(facts: ResidentFacts, areas: RiskAreaFact[], now: number, lastActiveNow: Map<string, number>): number | null {
    const horizon = now + GREEN_ON_HORIZON_DAYS * DAY_MS;
    const projected: ResidentFacts = { ...facts, checkIns: [...facts.checkIns, ...this.projectedCheckIns(facts, now, horizon)] };
    const snapshots = new Map<number, FactsAt>();
    const at = (t: number) => {
      let s = snapshots.get(t);
      if (!s) snapshots.set(t, (s = new FactsAt(projected, areas, t, this.timeZone)));
      return s;
    };
    const lastActive = new Map(lastActiveNow);
    const search: SearchState = { checkInsDone: this.checkInsDoneFrom(facts, now), emptyParts: alwaysEmptyParts(facts), idle: new Set() };
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
      const instants = changeInstants(projected, areas, this.ruleBounds, previous, t, this.timeZone);
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
   * Whether the code is green at `t`, as `state` would say, noting in `lastActive` when rules with
   * check-ins held, as it does; and the rules found holding. Less is asked than `state` asks: once
   * the code is not green, a rule without check-ins can change nothing this answer says, and is not
   * asked; nor is whether a rule with check-ins is awaiting them, nor how it escalates. Past
   * `checkInsDone` (no rule can be awaiting check-ins at any instant from then on), once the code is
   * not green, neither is a rule that holdsToHorizon would not count: when it last held matters no more.
   * A rule in `search.idle` is known not to hold.
   */
  private greenAt(t: number, at: (t: number) => FactsAt, lastActive: Map<string, number>, search: SearchState): { green: boolean; active: Rule[] } {
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

  /**
   * Whether a rule's condition holds at an instant of greenOn's search. One found false having read
   * only parts that are empty at every instant (the resident has no such facts at all) is false at
   * every instant: the same values read give the same answer. It is not asked again.
   */
  private holdsIn(search: SearchState, rule: Rule, condition: CompiledLogic, data: FactsAt): boolean {
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
}

/** What greenOn's search has learnt about a resident, for greenAt: see checkInsDoneFrom and holdsIn. */
interface SearchState {
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

const checkInsMemo = new Map<string, ResidentFacts['checkIns']>();

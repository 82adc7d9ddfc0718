import { compileLogic, truthy } from './json-logic.js';
import type { Colour, Mark } from '../colour.js';
import * as clock from '../clock.js';
import { CORRECTION_REASONS, type CorrectionFact } from '../corrections.js';
import { localDate, localInstant } from '../local-time.js';
import { FACT_HORIZON_DAYS as HORIZON_DAYS, type EvaluationData, type ResidentFacts, type RiskAreaFact } from '../facts.js';
import { emptyPartsThrough, FactsAt, snapshotOf } from '../facts-at.js';
import { eachChangeInstant } from './change-instants.js';
import { GreenOnSearch, type CompiledRule } from './green-on.js';
import { evidenceFor, evidenceTime, type Evidence, type Snapshot } from './evidence.js';
import { clearingOf, clearingText } from './clearing.js';
import { escalatedReason, escalatingCheckIns } from './escalation.js';
import type { SetRef } from './rule-inheritance.js';
import { moreSevere, SEVERITY, type CheckInRequirement, type LocalizedText, type Rule, type RuleSet } from './rule-set.js';

export { localInstant };

// Read once: under some module loaders (tsx, which `npm run bench` uses) every read of an imported binding is a call.
const { DAY_MS } = clock;
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

/** Evaluates a rule set for residents: pure, deterministic, given the facts, the risk areas and the instant. */
export class RuleEvaluator {
  /**
   * Each rule's validity as instants and its condition compiled, once per rule set: decisions ask
   * at dozens of instants. (The services keep one evaluator per rule set version: rules-service.ts.)
   */
  readonly #validity: CompiledRule[];
  /** Rules that end with check-ins, whose past is searched for when they last held. */
  readonly #withCheckIns: CompiledRule[];
  /** Where a rule begins or ends, parsed once: instants at which a decision can change. */
  readonly #ruleBounds: number[];
  /** The search for when a code that is not green turns green (green-on.ts). */
  readonly #greenOn: GreenOnSearch;

  constructor(
    readonly ruleSet: RuleSet & { inherits?: SetRef[] },
    private readonly timeZone: string,
  ) {
    this.#validity = ruleSet.rules.map((rule) => ({ rule, from: Date.parse(rule.validFrom), to: rule.validTo === null ? Infinity : Date.parse(rule.validTo), condition: compileLogic(rule.condition) }));
    this.#withCheckIns = this.#validity.filter((v) => v.rule.outcome.checkIns !== null);
    this.#ruleBounds = this.#validity.flatMap((v) => (v.to === Infinity ? [v.from] : [v.from, v.to]));
    this.#greenOn = new GreenOnSearch(this.#validity, this.#ruleBounds, timeZone);
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
      decision.greenOn = this.#greenOn.greenOn(facts, areas, now, lastActive);
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
    const fired: { rule: Rule; status: FiredRule['status']; colour: Colour }[] = [];
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
      let outcome = rule.outcome.colour;
      if (requirement?.onSymptoms === 'escalate' && data.checkIns.some((c) => !c.clean && c.daysAgo < Math.max(rule.outcome.quarantineDays, 1))) outcome = 'red';
      fired.push({ rule, status: active ? 'active' : 'awaiting-check-ins', colour: outcome });
      if (rule.outcome.mark) mark = rule.outcome.mark;
      colour = moreSevere(colour, outcome);
    }
    // The rule that set the colour comes first: one raised to red by a check-in counts as red.
    fired.sort((a, b) => SEVERITY[b.colour] - SEVERITY[a.colour]);
    return { colour, mark: colour === 'green' ? mark : null, fired };
  }

  private describe(rule: Rule, status: FiredRule['status'], snapshot: Snapshot, streak: number): FiredRule {
    const fired: FiredRule = {
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
    const raising = rule.outcome.colour === 'red' ? [] : escalatingCheckIns(rule.outcome, snapshot.data.checkIns);
    return raising.length === 0 ? fired : { ...fired, colour: 'red', ...escalatedReason(rule.outcome.colour, rule.description, raising, snapshot, fired.evidence) };
  }
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


import jsonLogic from 'json-logic-js';
import type { Colour, Mark } from '../../src/domain/colour.js';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../src/domain/clock.js';
import { CORRECTION_REASONS, type CorrectionFact } from '../../src/domain/corrections.js';
import { localDate as localDateOf, localInstant } from '../../src/domain/local-time.js';
import { localDate } from '../../src/domain/declaration.js';
import { FACT_HORIZON_DAYS, FEVER_C, MIN_STAY_HOURS, riskLevelOf, type EvaluationData, type EvaluationSources, type ResidentFacts, type RiskAreaFact, type VaccinationFact } from '../../src/domain/facts.js';
import { evidenceFor, type Evidence, type Snapshot } from '../../src/domain/rules/evidence.js';
import { clearingOf, clearingText } from '../../src/domain/rules/clearing.js';
import { escalatedReason, escalatingCheckIns } from '../../src/domain/rules/escalation.js';
import type { SetRef } from '../../src/domain/rules/rule-inheritance.js';
import { moreSevere, SEVERITY, type CheckInRequirement, type LocalizedText, type Rule, type RuleSet } from '../../src/domain/rules/rule-set.js';
import type { Decision, FiredRule } from '../../src/domain/rules/decide.js';

/**
 * The decision engine as it was before it was made fast, kept as the oracle the fast one is
 * compared with (decide-differential.test.ts) and the baseline `npm run bench` measures it against:
 * every condition through json-logic-js, every instant's facts computed whole, the past sampled
 * day by day over the fact horizon. Slow and obvious on purpose; do not optimise it.
 */
const applyLogic = (logic: unknown, data: unknown): unknown => jsonLogic.apply(logic as jsonLogic.RulesLogic, data as Record<string, unknown>);
const truthy = (value: unknown): boolean => jsonLogic.truthy(value);

/** How far ahead greenOn is searched; past it the code does not turn green by waiting. */
const GREEN_ON_HORIZON_DAYS = 60;
/** Projected daily check-ins are assumed at this local time. */
const CHECK_IN_HOUR = 8;

/** Evaluates a rule set for residents: pure, deterministic, given the facts, the risk areas and the instant. */
export class ReferenceEvaluator {
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
    const correction = correctionAt(facts.corrections, now);
    return correction ? corrected(decision, correction, this.timeZone) : decision;
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
    const fired: { rule: Rule; status: FiredRule['status']; streak: number; colour: Colour }[] = [];
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
      let outcome = rule.outcome.colour;
      if (requirement?.onSymptoms === 'escalate' && snapshot.data.checkIns.some((c) => !c.clean && c.daysAgo < Math.max(rule.outcome.quarantineDays, 1))) outcome = 'red';
      fired.push({ rule, status: active ? 'active' : 'awaiting-check-ins', streak, colour: outcome });
      if (rule.outcome.mark) mark = rule.outcome.mark;
      colour = moreSevere(colour, outcome);
    }
    // The rule that set the colour comes first: one raised to red by a check-in counts as red.
    fired.sort((a, b) => SEVERITY[b.colour] - SEVERITY[a.colour]);
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
      const date = localDateOf(new Date(t), this.timeZone);
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
  const ends = localDateOf(new Date(c.endsAt), timeZone);
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
    evidence: [{ fact: 'correction', source: 'authority', at: new Date(c.approvedAt).toISOString(), detail: { correctionId: c.id, reason: c.reason, endsAt: new Date(c.endsAt).toISOString() } }],
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
 * risk area or a rule begins or ends. Sorted, without repeats.
 */
function changeInstants(facts: ResidentFacts, areas: RiskAreaFact[], rules: Rule[], after: number, upTo: number, timeZone: string): number[] {
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
  for (const c of facts.corrections ?? []) (within(c.approvedAt), within(c.endsAt));
  for (const r of rules) (within(Date.parse(r.validFrom)), r.validTo !== null && within(Date.parse(r.validTo)));
  for (let day = localDateOf(new Date(after), timeZone), i = 0; i < 3; i += 1, day = nextDate(day)) {
    within(localInstant(day, 0, timeZone));
    // Past the usual check-in hour, today's projected check-in moves to the day's end (greenOn).
    within(localInstant(day, CHECK_IN_HOUR, timeZone));
  }
  return [...out].sort((a, b) => a - b);
}

const nextDate = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);

const days = (ms: number) => Math.floor(ms / DAY_MS);
const phoneVerifiedAt = (facts: ResidentFacts, now: number) => (facts.phoneVerifiedAt !== null && facts.phoneVerifiedAt <= now ? facts.phoneVerifiedAt : null);
const isClean = (c: { symptoms: string[]; temperature: number | null }) => c.symptoms.length === 0 && (c.temperature === null || c.temperature < FEVER_C);

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

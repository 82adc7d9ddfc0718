import type { ResidentFacts, RiskAreaFact } from '../facts.js';
import type { Decision, RuleEvaluator } from '../rules/decide.js';

/** What evaluating a resident's facts gives: their decision, and until when it may be served as it is. */
export interface Evaluated {
  decision: Decision;
  validUntil: number;
}

/** A resident's decision and how long it holds, evaluated afresh: the obvious way, which AlikeFacts must agree with. */
export function evaluated(evaluator: RuleEvaluator, facts: ResidentFacts, areas: RiskAreaFact[], now: number): Evaluated {
  return { decision: evaluator.decide(facts, areas, now), validUntil: evaluator.nextChange(facts, areas, now) };
}

/**
 * Facts as a key that two residents share when everything a decision reads is equal: all but the
 * resident's id, which no rule reads. Numbers JSON would write as null (Infinity, NaN) are kept apart.
 */
export function factsKey(facts: ResidentFacts): string {
  return JSON.stringify(facts, (key, value: unknown) => (key === 'residentId' ? undefined : typeof value === 'number' && !Number.isFinite(value) ? `${value}` : value));
}

/** Residents keyed before a batch in which none shared another's facts stops keying: a key costs a few microseconds. */
const TRIAL = 64;

/**
 * Decides the residents of one batch (one rule set, one list of risk areas, one instant), evaluating
 * each distinct set of facts once. A decision is a function of nothing else, and a risk area finds
 * many who declared the same stay or were recorded on the same train. Residents with equal facts
 * share one Decision object: it must not be changed once made (a change would be everyone's).
 * Kept for one batch only: the facts of the next are read afresh. A batch whose first `trial`
 * residents all had facts of their own evaluates the rest directly.
 */
export class AlikeFacts {
  readonly #seen = new Map<string, Evaluated>();
  #asked = 0;
  #shared = 0;

  constructor(
    private readonly evaluator: RuleEvaluator,
    private readonly areas: RiskAreaFact[],
    private readonly now: number,
    private readonly trial = TRIAL,
  ) {}

  decide(facts: ResidentFacts): Evaluated {
    if (this.#asked >= this.trial && this.#shared === 0) return evaluated(this.evaluator, facts, this.areas, this.now);
    this.#asked += 1;
    const key = factsKey(facts);
    let found = this.#seen.get(key);
    if (found === undefined) this.#seen.set(key, (found = evaluated(this.evaluator, facts, this.areas, this.now)));
    else this.#shared += 1;
    return found;
  }

  /** Distinct sets of facts evaluated so far. */
  get evaluations(): number {
    return this.#seen.size;
  }
}

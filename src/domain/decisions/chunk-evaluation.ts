import type { ResidentFacts, RiskAreaFact } from '../facts.js';
import { RuleEvaluator } from '../rules/decide.js';
import type { EffectiveRuleSet } from '../rules/rule-inheritance.js';
import type { RuleSet } from '../rules/rule-set.js';
import { AlikeFacts, type Evaluated } from './alike-facts.js';

/**
 * A chunk of residents to evaluate away from the database's thread: plain data a structured clone
 * carries (no evaluator, no class), with the rule set governing each region in the chunk.
 */
export interface ChunkToEvaluate {
  now: number;
  areas: RiskAreaFact[];
  /** The effective rule set of each region a resident of the chunk lives in. */
  sets: Record<string, RuleSet | EffectiveRuleSet>;
  facts: ResidentFacts[];
}

/** Evaluators kept for rule sets already seen: compiling one costs more than a chunk's clone. */
const KEPT_EVALUATORS = 64;

/** Names a rule set as the evaluator cache tells sets apart: the governing set and the versions it inherits. */
function setKey(set: RuleSet | EffectiveRuleSet): string {
  return JSON.stringify([set.region, set.version, 'inherits' in set ? set.inherits : []]);
}

/**
 * Evaluates chunks as BatchRedecision does on its own thread: each region's residents with equal
 * facts once (AlikeFacts), under the region's rule set, with the risk areas at `now`.
 */
export class ChunkEvaluation {
  readonly #evaluators = new Map<string, RuleEvaluator>();

  constructor(private readonly timeZone: string) {}

  evaluate({ now, areas, sets, facts }: ChunkToEvaluate): Evaluated[] {
    const byRegion = new Map<string, AlikeFacts>();
    return facts.map((f) => {
      let alike = byRegion.get(f.region);
      if (!alike) byRegion.set(f.region, (alike = new AlikeFacts(this.evaluatorOf(sets[f.region]), areas, now)));
      return alike.decide(f);
    });
  }

  private evaluatorOf(set: RuleSet | EffectiveRuleSet | undefined): RuleEvaluator {
    if (set === undefined) throw new Error('chunk evaluation: no rule set for a resident’s region');
    const key = setKey(set);
    let evaluator = this.#evaluators.get(key);
    if (evaluator === undefined) {
      if (this.#evaluators.size >= KEPT_EVALUATORS) this.#evaluators.clear();
      this.#evaluators.set(key, (evaluator = new RuleEvaluator(set, this.timeZone)));
    }
    return evaluator;
  }
}

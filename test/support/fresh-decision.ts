import { localInstant, RuleEvaluator, type Decision } from '../../src/domain/rules/decide.js';
import type { Harness } from './harness.js';

/** The resident's decision evaluated from scratch: every fact loaded, the governing rules, now. */
export async function freshDecision(h: Harness, id: string): Promise<Decision> {
  const now = h.clock.now().getTime();
  const facts = (await h.ctx.stores.facts.load([id], now, (date) => localInstant(date, 0, 'Asia/Shanghai'))).get(id)!;
  const { ruleSet } = await h.services.rules.evaluatorFor(facts.region);
  return new RuleEvaluator(ruleSet, 'Asia/Shanghai').decide(facts, await h.ctx.stores.facts.riskAreas(now), now);
}

/** What a decision says, apart from the moment it was made. */
export const said = ({ evaluatedAt: _at, ...rest }: Decision) => JSON.parse(JSON.stringify(rest)) as unknown;

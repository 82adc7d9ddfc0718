import { InvalidInputError } from '../domain/field-errors.js';
import { regionAncestors } from '../domain/regions.js';
import { isDeepStrictEqual } from 'node:util';
import { DEFAULT_RULES, SUPERSEDED_DEFAULT_RULES } from '../domain/rules/default-rule-set.js';
import { RuleEvaluator } from '../domain/rules/decide.js';
import type { Rule, RuleSet } from '../domain/rules/rule-set.js';
import { validateRuleSet } from '../domain/rules/rule-validation.js';
import type { ServiceContext } from './context.js';
import { NotFoundError } from './service-errors.js';

export const NATIONAL_REGION = 'CN';

/**
 * How often a server looks again for a rule set published by another process while its change feed
 * cannot tell it (PostgreSQL's listener reconnecting); otherwise a publication anywhere is heard at once.
 */
export const RULES_RECHECK_MS = 10_000;

/** Publishing and finding rule sets: versioned per region, a region without its own falls back to its city, province, then the national set. */
export class RulesService {
  /** The governing evaluator per home region, and when it was looked up. */
  readonly #evaluators = new Map<string, { evaluator: RuleEvaluator; checkedAt: number }>();
  /** Counts publications heard: an evaluator read while one was heard is not kept. */
  #generation = 0;

  constructor(private readonly ctx: ServiceContext) {
    ctx.store.changes.subscribe((change) => {
      if (change.kind !== 'rules' && change.kind !== 'everything') return;
      this.#generation += 1;
      this.#evaluators.clear();
    });
  }

  /**
   * Publishes the built-in national rules as version 1 if no national set exists yet. Where the
   * current national set still holds a built-in rule that has since been replaced, exactly as it was
   * shipped, publishes a new version with the replacement: in the open, in the set's history.
   */
  async ensureDefault(): Promise<void> {
    const current = await this.ctx.stores.rules.latest(NATIONAL_REGION);
    if (!current) {
      await this.store({ region: NATIONAL_REGION, rules: DEFAULT_RULES });
      return;
    }
    let changed = false;
    const rules = current.rules.map((rule) => {
      const upgrade = SUPERSEDED_DEFAULT_RULES.find((u) => isDeepStrictEqual(u.replaced, rule));
      if (!upgrade) return rule;
      changed = true;
      return upgrade.by;
    });
    // Publishing is heard as a change: every cached evaluator is dropped.
    if (changed) await this.store({ region: NATIONAL_REGION, rules });
  }

  /** Validates and stores a new version; throws InvalidInputError naming each rule and path at fault. */
  async publish(input: unknown): Promise<RuleSet> {
    this.check(input);
    return this.store(input as { region: string; rules: Rule[] });
  }

  /** The rule set `input` would become if published now: checked, numbered, not stored. */
  async candidate(input: unknown): Promise<RuleSet> {
    this.check(input);
    const { region, rules } = input as { region: string; rules: Rule[] };
    return { region, version: (await this.ctx.stores.rules.latestVersion(region)) + 1, publishedAt: this.ctx.clock.now().toISOString(), rules };
  }

  private check(input: unknown): void {
    const problems = validateRuleSet(input);
    if (problems.length > 0) {
      throw new InvalidInputError(problems.map((p) => ({ field: p.path, message: p.rule ? `rule ${p.rule}: ${p.message}` : p.message })));
    }
  }

  private async store(input: { region: string; rules: Rule[] }): Promise<RuleSet> {
    return this.ctx.stores.rules.publish(input, this.ctx.clock.now());
  }

  /** The newest version of every region's rule set. */
  async current(): Promise<RuleSet[]> {
    return this.ctx.stores.rules.current();
  }

  /** Every published version of a region's rule set, newest first. */
  async history(region: string): Promise<RuleSet[]> {
    const versions = await this.ctx.stores.rules.history(region);
    if (versions.length === 0) throw new NotFoundError(`rule set for region ${region}`);
    return versions;
  }

  /**
   * The evaluator for a resident living in `region`: the rule set of the region, else of its city,
   * province, then the national one. Kept in memory, per region, until the change feed tells of a
   * publication (or, while it cannot, for RULES_RECHECK_MS).
   */
  async evaluatorFor(region: string): Promise<RuleEvaluator> {
    const now = this.ctx.clock.now().getTime();
    const heard = this.ctx.store.changes.upToDate();
    const cached = this.#evaluators.get(region);
    if (cached && (heard || (now - cached.checkedAt < RULES_RECHECK_MS && now >= cached.checkedAt))) return cached.evaluator;
    const generation = this.#generation;
    for (const candidate of [...regionAncestors(region), NATIONAL_REGION]) {
      const ruleSet = await this.ctx.stores.rules.latest(candidate);
      if (!ruleSet) continue;
      // The same version keeps its evaluator (and what it compiled).
      const evaluator = cached && cached.evaluator.ruleSet.region === ruleSet.region && cached.evaluator.ruleSet.version === ruleSet.version ? cached.evaluator : new RuleEvaluator(ruleSet, this.ctx.settings.timeZone);
      if (generation === this.#generation) this.#evaluators.set(region, { evaluator, checkedAt: now });
      return evaluator;
    }
    throw new Error('no rule set is published, not even the national one');
  }
}

import { InvalidInputError } from '../../domain/field-errors.js';
import { isRegionCode, regionAncestors, regionName, regionPrefix } from '../../domain/regions.js';
import { isDeepStrictEqual } from 'node:util';
import { DEFAULT_RULES, SUPERSEDED_DEFAULT_RULES } from '../../domain/rules/default-rule-set.js';
import { RuleEvaluator } from '../../domain/rules/decide.js';
import { rulesPublishedAt, type RuleSet } from '../../domain/rules/rule-set.js';
import { effectiveRuleSet, inheritanceProblems, sameSets, type EffectiveRuleSet } from '../../domain/rules/rule-inheritance.js';
import { validateRuleSet, type RuleProblem } from '../../domain/rules/rule-validation.js';
import type { ServiceContext } from '../context.js';
import { ForbiddenError, NotFoundError } from '../service-errors.js';
import { answersFor, type StaffMember } from '../staff-service.js';

export const NATIONAL_REGION = 'CN';

/**
 * Refuses an authority publishing, or previewing, the rules of a region it does not answer for: its
 * own region and those below it. The national set is for one who answers for every region this
 * operator serves; a district's officer rewriting it would change every other district's colours.
 */
export function requireRulesJurisdiction(staff: StaffMember, rulesRegion: string): void {
  if (staff.region === null) return;
  const where = `${staff.name} answers for ${regionName(staff.region) ?? staff.region} (${staff.region})`;
  if (rulesRegion === NATIONAL_REGION) throw new ForbiddenError(`${where}; the national rules are published by an authority answering for every region`, { reason: 'national-rules' });
  // Not a region at all: the checker refuses it, naming the field.
  if (!isRegionCode(rulesRegion)) return;
  if (!answersFor(staff, rulesRegion)) throw new ForbiddenError(`${where}; these rules are ${regionName(rulesRegion) ?? rulesRegion}'s`, { reason: 'outside-jurisdiction' });
}

type RuleSetInput = Pick<RuleSet, 'region' | 'rules' | 'overrides'>;

/** The regions whose sets govern `region`, national first. */
function chainOf(region: string): string[] {
  return region === NATIONAL_REGION ? [NATIONAL_REGION] : [NATIONAL_REGION, ...regionAncestors(region).reverse()];
}

/** The region whose effective rules a set of `region` extends; none for the national set. */
function parentOf(region: string): string | undefined {
  if (region === NATIONAL_REGION) return undefined;
  const chain = chainOf(region);
  return chain[chain.length - 2] ?? NATIONAL_REGION;
}

/**
 * How often a server looks again for a rule set published by another process while its change feed
 * cannot tell it (PostgreSQL's listener reconnecting); otherwise a publication anywhere is heard at once.
 */
export const RULES_RECHECK_MS = 10_000;

/** Publishing and finding rule sets: versioned per region, each extending the sets above it (rule-inheritance.ts). */
export class RulesService {
  /** The governing evaluator per home region, and when it was looked up. */
  readonly #evaluators = new Map<string, { evaluator: RuleEvaluator; checkedAt: number }>();
  /** Counts publications heard: an evaluator read while one was heard is not kept. */
  #generation = 0;

  constructor(private readonly ctx: ServiceContext) {
    ctx.database.changes.subscribe((change) => {
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
    return this.store(await this.check(input));
  }

  /** The rule set `input` would become if published now: checked, numbered, not stored. */
  async candidate(input: unknown): Promise<RuleSet> {
    const { region, rules, overrides } = await this.check(input);
    return { region, version: (await this.ctx.stores.rules.latestVersion(region)) + 1, publishedAt: rulesPublishedAt(this.ctx.clock.now()), rules, ...(overrides && { overrides }) };
  }

  /** Checks a set on its own, then against what it inherits and the sets of the regions below it. */
  private async check(input: unknown): Promise<RuleSetInput> {
    const fail = (problems: RuleProblem[]) => {
      if (problems.length > 0) throw new InvalidInputError(problems.map((p) => ({ field: p.path, message: p.rule ? `rule ${p.rule}: ${p.message}` : p.message })));
    };
    fail(validateRuleSet(input));
    const candidate = input as RuleSetInput;
    if (candidate.region !== NATIONAL_REGION && !isRegionCode(candidate.region)) fail([{ rule: null, path: 'region', message: `${candidate.region} is not a region code (GB/T 2260) or CN` }]);
    const parent = parentOf(candidate.region);
    const inherited = parent === undefined ? [] : (await this.effective(parent))?.rules ?? [];
    const prefix = regionPrefix(candidate.region);
    const below = (await this.current()).filter((set) => set.region !== candidate.region && set.region !== NATIONAL_REGION && set.region.startsWith(prefix));
    fail(inheritanceProblems(candidate, inherited, below));
    return candidate;
  }

  private async store(input: RuleSetInput): Promise<RuleSet> {
    return this.ctx.stores.rules.publish(input, this.ctx.clock.now());
  }

  /**
   * The rules that govern residents of `region`: the national set, extended by each published set
   * of the province, city and district on the way down, with their overrides; undefined if no set
   * is published at all. `replacing` stands in for its region's newest set (a preview).
   */
  async effective(region: string, replacing?: RuleSet): Promise<EffectiveRuleSet | undefined> {
    const chain: RuleSet[] = [];
    for (const link of chainOf(region)) {
      const set = replacing?.region === link ? replacing : await this.ctx.stores.rules.latest(link);
      if (set) chain.push(set);
    }
    return chain.length === 0 ? undefined : effectiveRuleSet(chain);
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
   * The evaluator for a resident living in `region`, over its effective rules (`effective`). Kept
   * in memory, per region, until the change feed tells of a publication (or, while it cannot, for
   * RULES_RECHECK_MS).
   */
  async evaluatorFor(region: string): Promise<RuleEvaluator> {
    const now = this.ctx.clock.now().getTime();
    const heard = this.ctx.database.changes.upToDate();
    const cached = this.#evaluators.get(region);
    if (cached && (heard || (now - cached.checkedAt < RULES_RECHECK_MS && now >= cached.checkedAt))) return cached.evaluator;
    const generation = this.#generation;
    const ruleSet = await this.effective(region);
    if (!ruleSet) throw new Error('no rule set is published, not even the national one');
    // The same versions keep their evaluator (and what it compiled).
    const evaluator = cached && sameSets(cached.evaluator.ruleSet, ruleSet) ? cached.evaluator : new RuleEvaluator(ruleSet, this.ctx.settings.timeZone);
    if (generation === this.#generation) this.#evaluators.set(region, { evaluator, checkedAt: now });
    return evaluator;
  }
}

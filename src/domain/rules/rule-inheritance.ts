import type { LocalizedText, Rule, RuleSet } from './rule-set.js';
import type { RuleProblem } from './rule-validation.js';

/**
 * A region's rule set extends its parent's (district → city → province → national): it adds rules,
 * and it replaces or withdraws an inherited rule only by naming it in `overrides`, with a reason
 * the public rules page shows. Without this, a one-rule district set silently dropped the national
 * "confirmed case → red" rule for everyone in the district.
 */

/** One set version the effective rules were folded from. */
export interface SetRef {
  region: string;
  version: number;
}

/** An inherited rule a region replaced (by its own rule of the same id) or withdrew (by none). */
export interface AppliedOverride {
  id: string;
  /** The region whose set overrides it, and why. */
  by: string;
  reason: LocalizedText;
  /** The rule as the parent has it. */
  replaced: Rule;
  /** The region's own rule of that id, or null where it is withdrawn. */
  with: Rule | null;
}

/** The rules that govern a region: every ancestor's, as its descendants left them, and its own. */
export interface EffectiveRuleSet extends RuleSet {
  /** The ancestors' sets it inherits from, national first; `region`/`version` are the last link. */
  inherits: SetRef[];
  overridden: AppliedOverride[];
}

/**
 * Folds a chain of published sets, national first, into the effective set of the last. A rule of a
 * child with the id of an inherited rule, not named in its overrides, cannot be published; should
 * two publications race into that state, the inherited rule stands: the floor never drops silently.
 */
export function effectiveRuleSet(chain: RuleSet[]): EffectiveRuleSet {
  const last = chain[chain.length - 1];
  if (!last) throw new Error('an effective rule set needs at least one published set');
  const rules = new Map<string, Rule>();
  const overridden: AppliedOverride[] = [];
  for (const set of chain) {
    const own = new Map(set.rules.map((r) => [r.id, r]));
    for (const o of set.overrides ?? []) {
      const replaced = rules.get(o.id);
      if (!replaced) continue;
      rules.delete(o.id);
      overridden.push({ id: o.id, by: set.region, reason: o.reason, replaced, with: own.get(o.id) ?? null });
    }
    for (const rule of set.rules) if (!rules.has(rule.id)) rules.set(rule.id, rule);
  }
  return {
    region: last.region,
    version: last.version,
    publishedAt: last.publishedAt,
    rules: [...rules.values()],
    inherits: chain.slice(0, -1).map((s) => ({ region: s.region, version: s.version })),
    overridden,
  };
}

/**
 * Why `candidate` may not be published over the rules it inherits (`inherited`: its parent's
 * effective rules) and under the sets of regions below it (`below`: their newest versions).
 */
export function inheritanceProblems(candidate: Pick<RuleSet, 'region' | 'rules' | 'overrides'>, inherited: Rule[], below: RuleSet[]): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const parent = new Map(inherited.map((r) => [r.id, r]));
  const named = new Set((candidate.overrides ?? []).map((o) => o.id));
  candidate.rules.forEach((rule, i) => {
    const theirs = parent.get(rule.id);
    if (theirs && !named.has(rule.id)) {
      problems.push({ rule: rule.id, path: `rules[${i}].id`, message: `replaces the rule ${rule.id} inherited from ${theirs.region}; name it in overrides, with the reason, to replace it` });
    }
  });
  const seen = new Set<string>();
  (candidate.overrides ?? []).forEach((o, i) => {
    if (seen.has(o.id)) problems.push({ rule: o.id, path: `overrides[${i}].id`, message: 'is named twice' });
    seen.add(o.id);
    if (!parent.has(o.id)) problems.push({ rule: o.id, path: `overrides[${i}].id`, message: `no inherited rule is called ${o.id}; the inherited rules are ${[...parent.keys()].join(', ') || 'none'}` });
  });
  if (candidate.rules.length === 0 && (candidate.overrides ?? []).length === 0) {
    problems.push({ rule: null, path: 'rules', message: 'a rule set adds at least one rule or overrides an inherited one' });
  }
  // A rule published here must not quietly take the place of a rule a region below already has.
  const ids = new Set(candidate.rules.map((r) => r.id));
  for (const set of below) {
    const theirsNamed = new Set((set.overrides ?? []).map((o) => o.id));
    for (const rule of set.rules) {
      if (ids.has(rule.id) && !theirsNamed.has(rule.id)) {
        const i = candidate.rules.findIndex((r) => r.id === rule.id);
        problems.push({ rule: rule.id, path: `rules[${i}].id`, message: `${set.region} already has a rule called ${rule.id} of its own; choose another id` });
      }
    }
  }
  return problems;
}

/** Whether two sets, effective or published, were folded from the same versions. */
export function sameSets(a: Pick<RuleSet, 'region' | 'version'> & { inherits?: SetRef[] }, b: Pick<RuleSet, 'region' | 'version'> & { inherits?: SetRef[] }): boolean {
  // Compared in place, every code view asks: writing both out as JSON to compare cost more than the rest of the check.
  const above = a.inherits ?? [];
  const otherAbove = b.inherits ?? [];
  if (above.length !== otherAbove.length || !sameRef(a, b)) return false;
  return above.every((ref, i) => sameRef(ref, otherAbove[i]!));
}

const sameRef = (a: SetRef, b: SetRef) => a.region === b.region && a.version === b.version;

import type { Rule } from '../../src/domain/rules/rule-set.js';

/**
 * A rule with a quarantine of `days` instead of its own: the stated days and the condition's
 * window (`days… < N`) moved together, as publication requires.
 */
export function withQuarantine(rule: Rule, days: number): Rule {
  const old = rule.outcome.quarantineDays;
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (node === null || typeof node !== 'object') return node;
    const [op, args] = Object.entries(node)[0]!;
    if (op === '<' && Array.isArray(args) && args[1] === old && /(^|\.)days/.test(String((args[0] as { var?: unknown }).var))) return { '<': [args[0], days] };
    return { [op]: rewrite(args) };
  };
  return { ...rule, outcome: { ...rule.outcome, quarantineDays: days }, condition: rewrite(rule.condition) };
}

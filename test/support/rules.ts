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

/** A set for `region` that replaces the inherited rules of the same ids, saying why, as publication requires. */
export function replacing(region: string, rules: Rule[], reason = { 'zh-CN': '本地区调整隔离天数。', en: 'This region sets its own quarantine days.' }) {
  return { region, rules: rules.map((r) => ({ ...r, region })), overrides: rules.map((r) => ({ id: r.id, reason })) };
}

/** A rule a city adds to what it inherits: yellow for 3 days after declaring 37.0 °C or more. */
export function cityLowFeverRule(region: string): Rule {
  return {
    id: 'yellow-low-fever',
    version: 1,
    region,
    validFrom: '2026-01-01T00:00:00+08:00',
    validTo: null,
    outcome: { colour: 'yellow', quarantineDays: 3, checkIns: null },
    description: { 'zh-CN': '您 3 天内申报体温 37.0°C 及以上。', en: 'You declared 37.0 °C or more in the last 3 days.' },
    howToClear: { 'zh-CN': '减少外出。', en: 'Go out as little as you can.' },
    condition: { and: [{ var: 'declaration.present' }, { '<': [{ var: 'declaration.daysSinceLatest' }, 3] }, { '>=': [{ var: 'declaration.temperature' }, 37] }] },
  };
}

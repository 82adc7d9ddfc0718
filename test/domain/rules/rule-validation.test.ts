import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_RULES } from '../../../src/domain/rules/default-rule-set.js';
import { validateRuleSet } from '../../../src/domain/rules/rule-validation.js';

const rule = DEFAULT_RULES.find((r) => r.id === 'red-high-risk-area')!;
const withCondition = (condition: unknown) => ({ region: 'CN', rules: [{ ...rule, condition }] });

describe('publishing rules', () => {
  it('accepts the default rule set', () => {
    assert.deepEqual(validateRuleSet({ region: 'CN', rules: DEFAULT_RULES }), []);
  });

  it('rejects a rule that reads nationality, naming the rule and the path', () => {
    assert.deepEqual(validateRuleSet(withCondition({ '==': [{ var: 'resident.nationality' }, 'US'] })), [
      { rule: 'red-high-risk-area', path: 'rules[0].condition.==[0].var', message: "reads 'resident.nationality': rules may not use nationality (no origin, household registration, ethnicity or nationality)" },
    ]);
  });

  it('rejects origin, household registration and ethnicity under other spellings', () => {
    for (const name of ['origin', 'hukou', 'household_registration', 'person.Ethnicity', 'birthPlace']) {
      const problems = validateRuleSet(withCondition({ var: name }));
      assert.match(problems[0]?.message ?? '', /rules may not use/, name);
    }
  });

  it('rejects a forbidden field read inside a list predicate', () => {
    const problems = validateRuleSet(withCondition({ some: [{ var: 'stays' }, { '==': [{ var: 'nationality' }, 'JP'] }] }));
    assert.equal(problems[0]?.path, 'rules[0].condition.some[1].==[0].var');
  });

  it('rejects facts outside the published vocabulary', () => {
    assert.match(validateRuleSet(withCondition({ var: 'resident.income' }))[0]!.message, /not in the published fact vocabulary/);
  });

  it("rejects a field list items do not have", () => {
    assert.match(validateRuleSet(withCondition({ some: [{ var: 'stays' }, { var: 'kind' }] }))[0]!.message, /stays items do not have/);
  });

  it('rejects operators outside the safe set', () => {
    assert.match(validateRuleSet(withCondition({ method: ['x', 'toString'] }))[0]!.message, /operator 'method' is not allowed/);
  });

  it('rejects unknown fields and wrong types, naming the rule', () => {
    const problems = validateRuleSet({ region: 'CN', rules: [{ ...rule, priority: 1, outcome: { ...rule.outcome, colour: 'purple' } }] });
    assert.deepEqual(
      problems.map((p) => [p.rule, p.path]),
      [
        ['red-high-risk-area', 'rules[0].priority'],
        ['red-high-risk-area', 'rules[0].outcome.colour'],
      ],
    );
  });

  it('rejects two rules with the same id', () => {
    assert.equal(validateRuleSet({ region: 'CN', rules: [rule, rule] })[0]?.message, 'appears twice in the rule set');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_RULES } from '../../src/domain/rules/default-rule-set.js';
import { LIST_FACTS, SCALAR_FACTS, type FactType } from '../../src/domain/rules/fact-vocabulary.js';
import { validateRuleSet } from '../../src/domain/rules/rule-validation.js';
import { clausesOf, conditionOf, operatorsFor, type Clause, type Comparison } from '../../web/src/console/rule-form.js';

const valueFor = (type: FactType) => (type === 'number' || type === 'number-or-null' ? fc.integer({ min: 0, max: 40 }) : fc.constantFrom('high', 'close', 'dry_cough', 'positive'));

const comparison = (facts: Record<string, { type: FactType }>): fc.Arbitrary<Comparison> =>
  fc.constantFrom(...Object.keys(facts)).chain((fact) => {
    const type = facts[fact]!.type;
    return fc.constantFrom(...operatorsFor(type)).chain((op) =>
      (op === 'is-true' || op === 'is-false' || op === 'not-empty' ? fc.constant(null) : valueFor(type)).map((value) => ({ fact, op, value })),
    );
  });

const clause: fc.Arbitrary<Clause> = fc.oneof(
  comparison(SCALAR_FACTS).map((test) => ({ kind: 'fact' as const, test })),
  fc.constantFrom(...Object.keys(LIST_FACTS)).chain((list) => fc.array(comparison(LIST_FACTS[list]!.item), { minLength: 1, maxLength: 3 }).map((where) => ({ kind: 'list' as const, list, where }))),
);

const ruleWith = (condition: unknown) => ({
  ...DEFAULT_RULES.find((r) => r.id === 'red-high-risk-area')!,
  id: 'red-form-built',
  // The form's conditions may have no time window: a rule that states no quarantine days.
  outcome: { colour: 'red', quarantineDays: 0, checkIns: null },
  condition,
});

describe('a rule condition edited as a form', () => {
  it('reads back exactly the clauses it was built from', () => {
    fc.assert(fc.property(fc.array(clause, { minLength: 1, maxLength: 4 }), (clauses) => assert.deepEqual(clausesOf(conditionOf(clauses)), clauses)), { numRuns: 300 });
  });

  it('builds only conditions the server accepts for publication, over the published vocabulary', () => {
    fc.assert(
      fc.property(fc.array(clause, { minLength: 1, maxLength: 4 }), (clauses) => {
        const problems = validateRuleSet({ region: 'CN', rules: [ruleWith(conditionOf(clauses))] });
        assert.deepEqual(problems, [], JSON.stringify(conditionOf(clauses)));
      }),
      { numRuns: 200 },
    );
  });

  it('shows a published default rule of its shape as a form: a high-risk stay', () => {
    const rule = DEFAULT_RULES.find((r) => r.id === 'red-high-risk-area')!;
    const clauses = clausesOf(rule.condition);
    assert.ok(clauses, JSON.stringify(rule.condition));
    assert.deepEqual(conditionOf(clauses), rule.condition);
  });

  it('leaves a condition with nested and/or to the JSON view', () => {
    assert.equal(clausesOf({ and: [{ var: 'declaration.present' }, { or: [{ var: 'declaration.fever' }, { '!!': [{ var: 'declaration.symptoms' }] }] }] }), undefined);
  });
});

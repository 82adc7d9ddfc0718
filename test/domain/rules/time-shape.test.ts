import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DAY_MS } from '../../../src/domain/clock.js';
import { partsChangeWithin } from '../../../src/domain/fact-changes.js';
import { PART_BITS } from '../../../src/domain/facts-at.js';
import { DEFAULT_RULES } from '../../../src/domain/rules/default-rule-set.js';
import { RuleEvaluator } from '../../../src/domain/rules/decide.js';
import type { Rule, RuleSet } from '../../../src/domain/rules/rule-set.js';
import { timeShapeOf } from '../../../src/domain/rules/time-shape.js';
import { evaluationData, ReferenceEvaluator } from '../../support/reference-decide.js';
import { BASE, condition, residentAround, truthOf, ZONE } from '../../support/time-arbitraries.js';

const shapeOfRule = (id: string) => timeShapeOf(DEFAULT_RULES.find((r) => r.id === id)!.condition);

describe('how a condition can move with time alone', () => {
  it('rises for "no declaration in 14 days": once true it stays true until the resident declares again', () => {
    assert.deepEqual(shapeOfRule('gray-no-recent-declaration'), { shape: 'rising', parts: PART_BITS.declaration });
  });

  it('falls for the 14 days after a positive test or a close contact', () => {
    assert.deepEqual(shapeOfRule('red-positive-test'), { shape: 'falling', parts: PART_BITS.tests });
    assert.deepEqual(shapeOfRule('red-close-contact'), { shape: 'falling', parts: PART_BITS.contacts });
  });

  it('is unknown for a high-risk area: the hours of a stay under way rise while the days since leaving fall', () => {
    assert.deepEqual(shapeOfRule('red-high-risk-area'), { shape: 'unknown', parts: PART_BITS.stays });
  });

  it('is fixed for what does not age: a verified identity, a full vaccination course, a case', () => {
    assert.equal(shapeOfRule('gray-unverified').shape, 'fixed');
    assert.equal(shapeOfRule('gold-vaccinated').shape, 'fixed');
    assert.equal(shapeOfRule('red-case').shape, 'fixed');
  });

  it('is unknown for whatever reads the check-ins, which come every day', () => {
    assert.equal(shapeOfRule('yellow-symptoms').shape, 'unknown');
    assert.equal(timeShapeOf({ '>=': [{ var: 'checkInStreak' }, 3] }).shape, 'unknown');
  });

  it('is unknown where an age could cross a bound both ways or not at all by rule', () => {
    const age = { var: 'declaration.daysSinceLatest' };
    for (const logic of [
      { '<': [2, age, 7] },
      { '==': [age, 7] },
      { '<': [age, { var: 'resident.daysSinceRegistration' }] },
      { '<': [{ '+': [age, 1] }, 7] },
      { '!': [age] },
      { '<': [{ var: '' }, 7] },
      { filter: [{ var: 'tests' }, { '<': [{ var: 'daysAgo' }, 7] }] },
      { some: [{ var: 'tests' }, { '<': [{ var: 'daysAgo' }, { var: 'daysAgo' }] }] },
      { some: [{ var: 'tests' }, { '<': [{ var: 'nothing' }, 3] }] },
      { if: [{ '<': [age, 7] }, true, false] },
      { '<': [{ var: ['declaration.daysSinceLatest', { var: 'resident.daysSinceRegistration' }] }, 7] },
    ]) {
      assert.equal(timeShapeOf(logic).shape, 'unknown', JSON.stringify(logic));
    }
  });

  it('holds its claim against the facts themselves, for random conditions, residents and pairs of instants between which no fact comes or goes', () => {
    let claims = 0;
    let turned = 0;
    fc.assert(
      fc.property(residentAround, condition, fc.integer({ min: -3 * DAY_MS, max: 40 * DAY_MS }), fc.integer({ min: 0, max: 45 * DAY_MS }), ({ now, facts, areas }, logic, from, length) => {
        const { shape, parts } = timeShapeOf(logic);
        const t = now + from;
        const later = t + length;
        if (shape === 'unknown' || partsChangeWithin(facts, areas, parts, t, later)) return;
        claims += 1;
        const before = truthOf(logic, evaluationData(facts, areas, t, ZONE).data);
        const after = truthOf(logic, evaluationData(facts, areas, later, ZONE).data);
        if (before !== after) turned += 1;
        if (shape === 'fixed') assert.equal(after, before);
        if (shape === 'rising') assert.ok(!before || after, 'true, then false');
        if (shape === 'falling') assert.ok(before || !after, 'false, then true');
      }),
      { numRuns: 8000 },
    );
    // Not a property that holds for want of cases: many pairs were put to it.
    assert.ok(claims > 2000 && turned > 30, `only ${claims} claims put to the test, ${turned} of them turning`);
  });
});

describe('decisions that rely on it', () => {
  it('give the old engine’s decision, greenOn and all, for random rule sets of random conditions', () => {
    const template = DEFAULT_RULES.find((r) => r.id === 'red-positive-test')!;
    const ruleArb = fc.record({ condition, colour: fc.constantFrom('red' as const, 'yellow' as const, 'gray' as const, 'green' as const), checkIns: fc.option(fc.record({ required: fc.integer({ min: 1, max: 3 }), onSymptoms: fc.constantFrom('reset' as const, 'escalate' as const) })), validForDays: fc.option(fc.integer({ min: 1, max: 70 }), { freq: 4 }) });
    fc.assert(
      fc.property(residentAround, fc.array(ruleArb, { minLength: 1, maxLength: 4 }), ({ now, facts, areas }, drawn) => {
        const rules: Rule[] = drawn.map((r, i) => ({
          ...template,
          id: `rule-${i}`,
          validTo: r.validForDays === null ? null : new Date(BASE + r.validForDays * DAY_MS).toISOString(),
          condition: r.condition as Rule['condition'],
          outcome: { colour: r.colour, quarantineDays: 7, checkIns: r.checkIns },
        }));
        const ruleSet: RuleSet = { region: 'CN', version: 1, publishedAt: new Date(BASE - DAY_MS).toISOString(), rules };
        const fast = new RuleEvaluator(ruleSet, ZONE).decide(facts, areas, now);
        const reference = new ReferenceEvaluator(ruleSet, ZONE).decide(facts, areas, now);
        assert.deepStrictEqual(fast, reference);
      }),
      { numRuns: 600 },
    );
  });
});

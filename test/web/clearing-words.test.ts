import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { clearingOf, clearingText, COLOURS, type Rule } from '../../src/domain/index.js';
import { toTraditional } from '../../src/domain/traditional-text.js';
import { clearingWords } from '../../web/src/console/clearing-words.js';

/** Every outcome the rule form can make: any colour, 0–28 days, any check-ins. */
const outcomes: fc.Arbitrary<Rule['outcome']> = fc.record({
  colour: fc.constantFrom(...COLOURS),
  quarantineDays: fc.integer({ min: 0, max: 28 }),
  checkIns: fc.option(fc.record({ required: fc.integer({ min: 1, max: 28 }), onSymptoms: fc.constantFrom('reset' as const, 'escalate' as const) }), { nil: null }),
});

describe('how a drafted rule clears, as the rule form previews it to the officer', () => {
  it('shows a 繁體 officer the Traditional words a 繁體 resident will read: 等待不會解除', () => {
    assert.equal(clearingWords({ colour: 'red', quarantineDays: 0, checkIns: null }, 'zh-Hant'), '等待不會解除，需按下述辦理後解除。');
  });

  it('writes for a 繁體 resident exactly what the server sends them, for every outcome', () => {
    fc.assert(
      fc.property(outcomes, (outcome) => {
        assert.equal(clearingWords(outcome, 'zh-Hant'), toTraditional(clearingText(clearingOf(outcome))['zh-CN']));
      }),
      { numRuns: 500 },
    );
  });

  it('shows Simplified and English as the rule keeps them', () => {
    fc.assert(
      fc.property(outcomes, (outcome) => {
        const words = clearingText(clearingOf(outcome));
        assert.deepEqual([clearingWords(outcome, 'zh-CN'), clearingWords(outcome, 'en')], [words['zh-CN'], words.en]);
      }),
    );
  });
});

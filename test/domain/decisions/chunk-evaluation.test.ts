import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DAY_MS, HOUR_MS } from '../../../src/domain/clock.js';
import { evaluated } from '../../../src/domain/decisions/alike-facts.js';
import { ChunkEvaluation } from '../../../src/domain/decisions/chunk-evaluation.js';
import { evaluator, NOW, resident, TZ, wuchangHighRisk } from '../../support/hangzhou-morning.js';

/** 张伟 declared two days in Wuchang a week ago; 李娜 stayed home; 王芳 declared the very stay 张伟 did. */
const wuchang = [{ region: '420106', country: null, arrival: NOW - 7 * DAY_MS, departure: NOW - 5 * DAY_MS, source: 'declaration' as const, recordedAt: NOW - 2 * HOUR_MS }];
const zhang = { ...resident({ stays: wuchang }), residentId: 'zhang-wei' };
const li = { ...resident(), residentId: 'li-na' };
const wang = { ...resident({ stays: wuchang }), residentId: 'wang-fang' };
const chunk = { now: NOW, areas: [wuchangHighRisk], sets: { [zhang.region]: evaluator.ruleSet }, facts: [zhang, li, wang] };

describe('a chunk evaluated from plain data', () => {
  it('gives each resident, in order, the decision and the time it holds that the evaluator gives them', () => {
    const answers = new ChunkEvaluation(TZ).evaluate(chunk);
    assert.deepEqual(answers, chunk.facts.map((f) => evaluated(evaluator, f, chunk.areas, NOW)));
    assert.deepEqual(answers.map((a) => a.decision.colour), ['red', 'green', 'red']);
  });

  it('evaluates residents with equal facts once: they share one decision', () => {
    const [forZhang, , forWang] = new ChunkEvaluation(TZ).evaluate(chunk);
    assert.equal(forZhang, forWang);
  });

  it('refuses a resident whose region has no rule set in the chunk', () => {
    assert.throws(() => new ChunkEvaluation(TZ).evaluate({ ...chunk, sets: {} }), /no rule set for a resident’s region/);
  });
});

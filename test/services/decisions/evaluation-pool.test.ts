import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { DAY_MS, HOUR_MS } from '../../../src/domain/clock.js';
import { evaluated } from '../../../src/domain/decisions/alike-facts.js';
import { EvaluationPool } from '../../../src/services/decisions/evaluation-pool.js';
import { evaluator, NOW, resident, TZ, wuchangHighRisk } from '../../support/hangzhou-morning.js';

/** Residents of Yuhang, every third back from two days in Wuchang a week ago. */
const facts = Array.from({ length: 9 }, (_, n) => ({
  ...resident(n % 3 === 0 ? { stays: [{ region: '420106', country: null, arrival: NOW - 7 * DAY_MS - n * HOUR_MS, departure: NOW - 5 * DAY_MS, source: 'declaration' as const, recordedAt: NOW - 2 * HOUR_MS }] } : {}),
  residentId: `resident-${n}`,
}));
const chunk = { now: NOW, areas: [wuchangHighRisk], sets: { [facts[0]!.region]: evaluator.ruleSet }, facts };

describe('re-decision chunks evaluated on worker threads', () => {
  const pool = new EvaluationPool(2, TZ);
  after(() => pool.close());

  it('answers each resident, in order across the threads, with what the evaluator on this thread decides', async () => {
    const answers = await pool.evaluate(chunk);
    assert.deepEqual(answers, facts.map((f) => evaluated(evaluator, f, chunk.areas, NOW)));
  });

  it('fails a chunk it cannot evaluate with the reason, and evaluates the next', async () => {
    await assert.rejects(pool.evaluate({ ...chunk, sets: {} }), /evaluating a chunk: chunk evaluation: no rule set/);
    assert.equal((await pool.evaluate(chunk)).length, facts.length);
  });

  it('refuses work once closed', async () => {
    const closed = new EvaluationPool(1, TZ);
    await closed.close();
    await assert.rejects(closed.evaluate(chunk), /the evaluation pool is closed/);
  });
});

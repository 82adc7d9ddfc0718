import { verifiedResident } from '../../support/resident-facts.js';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DAY_MS, HOUR_MS } from '../../../src/domain/clock.js';
import type { ResidentFacts, RiskAreaFact } from '../../../src/domain/facts.js';
import { DEFAULT_RULES } from '../../../src/domain/rules/default-rule-set.js';
import { RuleEvaluator } from '../../../src/domain/rules/decide.js';

/** Friday 20 November 2026, 10:00 in Hangzhou. */
const NOW = Date.parse('2026-11-20T10:00:00+08:00');
const TZ = 'Asia/Shanghai';
const evaluator = new RuleEvaluator({ region: 'CN', version: 1, publishedAt: '2026-01-01T00:00:00Z', rules: DEFAULT_RULES }, TZ);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const wuchangHighRisk: RiskAreaFact = { region: '420106', country: null, level: 'high', from: NOW - 20 * DAY_MS, to: null };

/** A verified resident who declared this morning; whatever else is given. */
const resident = (extra: Partial<ResidentFacts> = {}) => verifiedResident(NOW, extra, { registeredDaysAgo: 60, declaredMsAgo: 2 * HOUR_MS });

/** A day in Wuchang that ended 14 days minus 75 s ago, learned from the telecom travel card today. */
const telecomStay = { region: '420106', country: null, arrival: NOW - 15 * DAY_MS + 75_000, departure: NOW - 14 * DAY_MS + 75_000, source: 'telecom' as const, recordedAt: NOW - HOUR_MS };

describe('a code across the end of a 14-day window', () => {
  it('is red and active while the window is open', () => {
    const d = evaluator.decide(resident({ stays: [telecomStay] }), [wuchangHighRisk], NOW);
    assert.deepEqual([d.colour, d.rules.map((r) => `${r.id}:${r.status}`)], ['red', ['red-high-risk-area:active']]);
  });

  it('stays red, awaiting the check-ins the rule asks for, once the window has closed', () => {
    const d = evaluator.decide(resident({ stays: [telecomStay] }), [wuchangHighRisk], NOW + 76_000);
    assert.deepEqual([d.colour, d.rules.map((r) => `${r.id}:${r.status}`)], ['red', ['red-high-risk-area:awaiting-check-ins']]);
  });

  it('gives the same date to green just before and just after the window closes', () => {
    const before = evaluator.decide(resident({ stays: [telecomStay] }), [wuchangHighRisk], NOW);
    const after = evaluator.decide(resident({ stays: [telecomStay] }), [wuchangHighRisk], NOW + 76_000);
    assert.equal(iso(after.greenOn), iso(before.greenOn));
  });
});

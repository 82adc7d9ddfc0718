import { verifiedResident } from '../../support/resident-facts.js';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DAY_MS, HOUR_MS } from '../../../src/domain/clock.js';
import type { CheckInFact, ResidentFacts, RiskAreaFact } from '../../../src/domain/facts.js';
import { DEFAULT_RULES } from '../../../src/domain/rules/default-rule-set.js';
import { RuleEvaluator } from '../../../src/domain/rules/decide.js';

const NOW = Date.parse('2026-11-20T10:00:00+08:00');
const evaluator = new RuleEvaluator({ region: 'CN', version: 1, publishedAt: '2026-01-01T00:00:00Z', rules: DEFAULT_RULES }, 'Asia/Shanghai');

/** A verified resident who declared yesterday, nothing else known. */
const resident = (extra: Partial<ResidentFacts> = {}) => verifiedResident(NOW, extra);

const wuhanStay = { region: '420106', country: null, arrival: NOW - 6 * DAY_MS, departure: NOW - 4 * DAY_MS, source: 'declaration' as const, recordedAt: NOW - 3 * DAY_MS };
const wuhanHighRisk: RiskAreaFact = { region: '420100', country: null, level: 'high', from: NOW - 10 * DAY_MS, to: null };

function checkIn(daysAgo: number, clean = true): CheckInFact {
  const at = NOW - daysAgo * DAY_MS - HOUR_MS;
  return { date: new Date(at + 8 * HOUR_MS).toISOString().slice(0, 10), at, symptoms: clean ? [] : ['dry_cough'], temperature: 36.6 };
}

describe('colour decisions with the default rules', () => {
  it('is green with nothing against the resident, and says so', () => {
    const d = evaluator.decide(resident(), [], NOW);
    assert.equal(d.colour, 'green');
    assert.deepEqual(d.rules, []);
    assert.equal(d.greenOnNote, 'already-green');
  });

  it('is gray, never red, when the phone is not verified', () => {
    const d = evaluator.decide(resident({ phoneVerifiedAt: null }), [], NOW);
    assert.equal(d.colour, 'gray');
    assert.deepEqual(d.rules.map((r) => r.id), ['gray-unverified']);
    assert.equal(d.greenOnNote, 'needs-action');
  });

  it('is gray when the only declaration is stale', () => {
    const d = evaluator.decide(resident({ declarations: [{ at: NOW - 15 * DAY_MS, symptoms: [], temperature: null }] }), [], NOW);
    assert.equal(d.colour, 'gray');
  });

  it('is red after a stay in a district of a city listed high-risk, citing the stay', () => {
    const d = evaluator.decide(resident({ stays: [wuhanStay] }), [wuhanHighRisk], NOW);
    assert.equal(d.colour, 'red');
    assert.equal(d.rules[0]?.id, 'red-high-risk-area');
    assert.deepEqual(d.rules[0]?.evidence[0]?.detail, {
      region: '420106',
      regionName: '湖北省 武汉市 武昌区',
      country: null,
      arrival: new Date(wuhanStay.arrival).toISOString(),
      departure: new Date(wuhanStay.departure).toISOString(),
      hours: 48,
      riskLevel: 'high',
    });
  });

  it('ignores a stay of under 4 hours', () => {
    const passing = { ...wuhanStay, arrival: NOW - 4 * DAY_MS - 3 * HOUR_MS };
    assert.equal(evaluator.decide(resident({ stays: [passing] }), [wuhanHighRisk], NOW).colour, 'green');
  });

  it('ignores a risk listing that began after the resident left', () => {
    const later = { ...wuhanHighRisk, from: NOW - 2 * DAY_MS };
    assert.equal(evaluator.decide(resident({ stays: [wuhanStay] }), [later], NOW).colour, 'green');
  });

  it('turns green 14 days after departure when the last 3 daily check-ins were clean', () => {
    const d = evaluator.decide(resident({ stays: [wuhanStay] }), [wuhanHighRisk], NOW);
    // Departure + 14 days is 10 days from now; projected check-ins at 08:00 cover the 3 days before.
    assert.equal(new Date(d.greenOn!).toISOString(), new Date(wuhanStay.departure + 14 * DAY_MS).toISOString());
  });

  it('stays red after the 14 days until the check-ins are done', () => {
    const later = NOW + 11 * DAY_MS;
    const d = evaluator.decide(resident({ stays: [wuhanStay], declarations: [{ at: later - DAY_MS, symptoms: [], temperature: 36.4 }] }), [wuhanHighRisk], later);
    assert.equal(d.colour, 'red');
    assert.equal(d.rules[0]?.status, 'awaiting-check-ins');
    assert.deepEqual(d.rules[0]?.checkIns, { required: 3, onSymptoms: 'reset', streak: 0 });
  });

  it('clears once the last 3 days have clean check-ins', () => {
    const later = NOW + 11 * DAY_MS;
    const shifted = (n: number) => ({ ...checkIn(0), at: later - n * DAY_MS - HOUR_MS, date: new Date(later - n * DAY_MS + 7 * HOUR_MS).toISOString().slice(0, 10) });
    const d = evaluator.decide(resident({ stays: [wuhanStay], declarations: [{ at: later - DAY_MS, symptoms: [], temperature: 36.4 }], checkIns: [shifted(0), shifted(1), shifted(2)] }), [wuhanHighRisk], later);
    assert.equal(d.colour, 'green');
  });

  it('is yellow for declared symptoms and turns red when a yellow quarantine check-in reports symptoms', () => {
    assert.equal(evaluator.decide(resident({ declarations: [{ at: NOW - DAY_MS, symptoms: ['fever'], temperature: 38.2 }] }), [], NOW).colour, 'yellow');
    const d = evaluator.decide(resident({ declarations: [{ at: NOW - DAY_MS, symptoms: ['fever'], temperature: 38.2 }], checkIns: [checkIn(0, false)] }), [], NOW);
    assert.equal(d.colour, 'red');
  });

  it('is red for a confirmed case with no date to green: only the authority clears it', () => {
    const d = evaluator.decide(resident({ cases: [{ status: 'confirmed', at: NOW - DAY_MS, source: 'authority', recordedAt: NOW - DAY_MS }] }), [], NOW);
    assert.equal(d.colour, 'red');
    assert.equal(d.greenOn, null);
    assert.equal(d.greenOnNote, 'needs-action');
  });

  it('uses the latest case status: recovered replaces confirmed', () => {
    const cases = [
      { status: 'confirmed' as const, at: NOW - 20 * DAY_MS, source: 'authority' as const, recordedAt: NOW - 20 * DAY_MS },
      { status: 'recovered' as const, at: NOW - 2 * DAY_MS, source: 'authority' as const, recordedAt: NOW - 2 * DAY_MS },
    ];
    assert.equal(evaluator.decide(resident({ cases }), [], NOW).colour, 'green');
  });

  it('is yellow after a listed high-risk country in the last 7 days', () => {
    const japan = { region: null, country: 'JP', arrival: NOW - 5 * DAY_MS, departure: NOW - 3 * DAY_MS, source: 'air' as const, recordedAt: NOW - 3 * DAY_MS };
    const d = evaluator.decide(resident({ stays: [japan] }), [{ region: null, country: 'JP', level: 'high', from: NOW - 30 * DAY_MS, to: null }], NOW);
    assert.equal(d.colour, 'yellow');
    assert.equal(d.rules[0]?.id, 'yellow-high-risk-country');
  });

  it('marks a fully vaccinated green resident gold', () => {
    const vaccinations = [1, 2].map((dose) => ({ dose, courseDoses: 2, at: NOW - (100 - dose * 30) * DAY_MS, source: 'authority' as const, recordedAt: NOW - 10 * DAY_MS }));
    const d = evaluator.decide(resident({ vaccinations }), [], NOW);
    assert.deepEqual([d.colour, d.mark], ['green', 'gold']);
  });

  it('drops the gold mark when the colour is not green', () => {
    const vaccinations = [1, 2].map((dose) => ({ dose, courseDoses: 2, at: NOW - 60 * DAY_MS, source: 'authority' as const, recordedAt: NOW - 10 * DAY_MS }));
    const d = evaluator.decide(resident({ vaccinations, stays: [wuhanStay] }), [wuhanHighRisk], NOW);
    assert.deepEqual([d.colour, d.mark], ['red', null]);
  });

  it('does not know facts recorded after the instant it decides for', () => {
    const future = { ...wuhanStay, recordedAt: NOW + HOUR_MS };
    assert.equal(evaluator.decide(resident({ stays: [future] }), [wuhanHighRisk], NOW).colour, 'green');
  });
});

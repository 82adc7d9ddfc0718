import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluator, iso, NOW, resident, TZ, wuchangHighRisk } from '../../support/hangzhou-morning.js';
import { DAY_MS, HOUR_MS } from '../../../src/domain/clock.js';
import type { CheckInFact } from '../../../src/domain/facts.js';
import { compileLogic } from '../../../src/domain/rules/json-logic.js';
import { DEFAULT_RULES } from '../../../src/domain/rules/default-rule-set.js';
import { localInstant } from '../../../src/domain/rules/decide.js';
import { GreenOnSearch } from '../../../src/domain/rules/green-on.js';

function cleanCheckIn(date: string): CheckInFact {
  return { date, at: localInstant(date, 9, TZ), symptoms: [], temperature: 36.4 };
}

describe('the search for greenOn on its own', () => {
  const compiled = DEFAULT_RULES.map((rule) => ({ rule, from: Date.parse(rule.validFrom), to: rule.validTo === null ? Infinity : Date.parse(rule.validTo), condition: compileLogic(rule.condition) }));
  const search = new GreenOnSearch(compiled, compiled.map((c) => c.from), TZ);
  const stay = { region: '420106', country: null, arrival: NOW - 6 * DAY_MS, departure: NOW - 3 * DAY_MS, source: 'declaration' as const, recordedAt: NOW - 2 * DAY_MS };

  it('finds the end of a high-risk quarantine, with clean daily check-ins projected', () => {
    assert.equal(iso(search.greenOn(resident({ stays: [stay] }), [wuchangHighRisk], NOW, new Map([['red-high-risk-area', NOW]]))), iso(stay.departure + 14 * DAY_MS));
  });

  it('finds none for a confirmed case: waiting does not clear it', () => {
    const cases = [{ status: 'confirmed' as const, at: NOW - DAY_MS, source: 'authority' as const, recordedAt: NOW - DAY_MS }];
    assert.equal(search.greenOn(resident({ cases }), [], NOW, new Map()), null);
  });
});

describe('the date a code turns green', () => {
  const stay = { region: '420106', country: null, arrival: NOW - 6 * DAY_MS, departure: NOW - 3 * DAY_MS, source: 'declaration' as const, recordedAt: NOW - 2 * DAY_MS };

  it('is one instant, whenever it is asked', () => {
    const asked = [0, 15_000, 30_000, 45_000, 3 * 60_000, HOUR_MS].map((later) => iso(evaluator.decide(resident({ stays: [stay] }), [wuchangHighRisk], NOW + later).greenOn));
    assert.deepEqual(new Set(asked).size, 1, asked.join(', '));
  });

  it('is when the 14 days after leaving are over, given the check-ins were done', () => {
    const checkIns = ['2026-11-28', '2026-11-29', '2026-11-30', '2026-12-01'].map(cleanCheckIn);
    const d = evaluator.decide(resident({ stays: [stay], checkIns }), [wuchangHighRisk], NOW);
    assert.equal(iso(d.greenOn), iso(stay.departure + 14 * DAY_MS));
  });
});

describe('a quarantine ending with its check-ins', () => {
  const stay = { region: '420106', country: null, arrival: NOW - 20 * DAY_MS, departure: NOW - 15 * DAY_MS, source: 'declaration' as const, recordedAt: NOW - 15 * DAY_MS };
  const done = (dates: string[]) => dates.map(cleanCheckIn);

  it('waits for the third clean day: two are not enough', () => {
    const d = evaluator.decide(resident({ stays: [stay], checkIns: done(['2026-11-18', '2026-11-19']) }), [wuchangHighRisk], NOW);
    assert.deepEqual([d.colour, d.rules[0]?.status, d.rules[0]?.checkIns?.streak], ['red', 'awaiting-check-ins', 2]);
  });

  it('turns green at the moment of the third clean check-in, and says so beforehand', () => {
    const third = cleanCheckIn('2026-11-20');
    const waiting = evaluator.decide(resident({ stays: [stay], checkIns: done(['2026-11-18', '2026-11-19']) }), [wuchangHighRisk], third.at - 60_000);
    const after = evaluator.decide(resident({ stays: [stay], checkIns: [...done(['2026-11-18', '2026-11-19']), third] }), [wuchangHighRisk], third.at);
    assert.equal(after.colour, 'green');
    assert.equal(waiting.colour, 'red');
    assert.ok(waiting.greenOn !== null && waiting.greenOn >= third.at - 60_000 && waiting.greenOn <= localInstant('2026-11-21', 0, TZ), iso(waiting.greenOn) ?? 'none');
  });

  it('starts the count again after a day with symptoms', () => {
    const coughed = { ...cleanCheckIn('2026-11-19'), symptoms: ['dry_cough'] };
    const d = evaluator.decide(resident({ stays: [stay], checkIns: [cleanCheckIn('2026-11-17'), cleanCheckIn('2026-11-18'), coughed, cleanCheckIn('2026-11-20')] }), [wuchangHighRisk], NOW + 2 * HOUR_MS);
    assert.deepEqual([d.colour, d.rules.find((r) => r.id === 'red-high-risk-area')?.checkIns?.streak], ['red', 1]);
  });
});

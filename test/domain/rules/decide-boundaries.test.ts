import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluator, iso, NOW, resident, wuchangHighRisk } from '../../support/hangzhou-morning.js';
import { DAY_MS, HOUR_MS } from '../../../src/domain/clock.js';

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

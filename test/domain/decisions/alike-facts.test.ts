import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DAY_MS, HOUR_MS } from '../../../src/domain/clock.js';
import { AlikeFacts, evaluated, factsKey } from '../../../src/domain/decisions/alike-facts.js';
import type { ResidentFacts } from '../../../src/domain/facts.js';
import { evaluator, NOW, resident, wuchangHighRisk } from '../../support/hangzhou-morning.js';

/** A resident who stayed in Wuchang (or Xuhui) from `arrivedDaysAgo` for `days` days, as declared this morning. */
const traveller = (residentId: string, place: string, arrivedDaysAgo: number, days: number): ResidentFacts =>
  resident({ residentId, stays: [{ region: place, country: null, arrival: NOW - arrivedDaysAgo * DAY_MS, departure: NOW - arrivedDaysAgo * DAY_MS + days * DAY_MS, source: 'declaration', recordedAt: NOW - 2 * HOUR_MS }] });

describe('deciding residents with alike facts once', () => {
  it('gives every resident what evaluating them alone gives, equal facts or not, however long the batch keys', () => {
    const trip = fc.record({ place: fc.constantFrom('420106', '310104'), arrivedDaysAgo: fc.integer({ min: 1, max: 20 }), days: fc.integer({ min: 0, max: 3 }) });
    fc.assert(
      fc.property(fc.array(trip, { minLength: 1, maxLength: 4 }), fc.array(fc.nat(), { minLength: 1, maxLength: 30 }), fc.integer({ min: 0, max: 40 }), (trips, picks, trial) => {
        const batch = new AlikeFacts(evaluator, [wuchangHighRisk], NOW, trial);
        for (const [n, pick] of picks.entries()) {
          const { place, arrivedDaysAgo, days } = trips[pick % trips.length]!;
          const facts = traveller(`resident-${n}`, place, arrivedDaysAgo, days);
          assert.deepEqual(batch.decide(facts), evaluated(evaluator, facts, [wuchangHighRisk], NOW));
        }
      }),
    );
  });

  it('gives every resident what evaluating them alone gives once a batch of residents with facts of their own stops keying', () => {
    const batch = new AlikeFacts(evaluator, [wuchangHighRisk], NOW, 3);
    const facts = [traveller('li', '420106', 8, 1), traveller('wang', '420106', 8, 2), traveller('zhao', '310104', 6, 1), traveller('sun', '420106', 8, 1), traveller('qian', '420106', 8, 2)];
    for (const f of facts) assert.deepEqual(batch.decide(f), evaluated(evaluator, f, [wuchangHighRisk], NOW));
    assert.equal(batch.evaluations, 3, 'the last two, alike the first two, were evaluated without keying');
  });

  it('goes on keying a batch where residents shared facts within the trial', () => {
    const batch = new AlikeFacts(evaluator, [wuchangHighRisk], NOW, 2);
    for (const id of ['li', 'wang', 'zhao', 'sun']) batch.decide(traveller(id, '420106', 8, 1));
    assert.equal(batch.evaluations, 1);
  });

  it('evaluates a thousand residents who declared the same stay in Wuchang once', () => {
    const batch = new AlikeFacts(evaluator, [wuchangHighRisk], NOW);
    const colours = new Set(Array.from({ length: 1000 }, (_, n) => batch.decide(traveller(`resident-${n}`, '420106', 6, 2)).decision.colour));
    assert.deepEqual({ colours: [...colours], evaluations: batch.evaluations }, { colours: ['red'], evaluations: 1 });
  });

  it('evaluates apart two residents whose stays ended a day apart', () => {
    const batch = new AlikeFacts(evaluator, [wuchangHighRisk], NOW);
    const left = batch.decide(traveller('li', '420106', 8, 1));
    const stayed = batch.decide(traveller('wang', '420106', 8, 2));
    assert.equal(batch.evaluations, 2);
    assert.notEqual(left.decision.greenOn, stayed.decision.greenOn);
  });
});

describe('the key of a resident’s facts', () => {
  it('is the same for two residents whose facts differ only in who they are', () => {
    assert.equal(factsKey(traveller('li', '420106', 6, 2)), factsKey(traveller('wang', '420106', 6, 2)));
  });

  it('tells a departure not yet known (null) from one that never comes (Infinity)', () => {
    const open = traveller('li', '420106', 6, 2);
    open.stays[0]!.departure = null;
    const endless = traveller('li', '420106', 6, 2);
    endless.stays[0]!.departure = Infinity;
    assert.notEqual(factsKey(open), factsKey(endless));
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DAY_MS } from '../../src/domain/clock.js';
import { inStableOrder, riskLevelOf, type ResidentFacts, type RiskAreaFact } from '../../src/domain/facts.js';

const NOW = Date.parse('2026-11-20T10:00:00+08:00');
/** Two days in Wuchang (Wuhan), back four days ago. */
const WUCHANG = { region: '420106', country: null, arrival: NOW - 6 * DAY_MS, departure: NOW - 4 * DAY_MS };
/** Two days in Huangpu (Shanghai), back yesterday. */
const HUANGPU = { region: '310101', country: null, arrival: NOW - 3 * DAY_MS, departure: NOW - DAY_MS };
const area = (region: string, level: RiskAreaFact['level'], fromDaysAgo: number, toDaysAgo: number | null = null): RiskAreaFact => ({
  region,
  country: null,
  level,
  from: NOW - fromDaysAgo * DAY_MS,
  to: toDaysAgo === null ? null : NOW - toDaysAgo * DAY_MS,
});

describe('the risk level of a stay', () => {
  it('is the highest of the areas listing the district, its city or its province while the person was there', () => {
    const areas = [area('420000', 'low', 30), area('420100', 'high', 10), area('420106', 'medium', 10)];
    assert.equal(riskLevelOf(WUCHANG, areas, NOW), 'high');
  });

  it('ignores an area listed only after the person left, and one ended before they came', () => {
    assert.equal(riskLevelOf(WUCHANG, [area('420100', 'high', 2), area('420106', 'medium', 20, 8)], NOW), 'none');
  });

  it('answers each place for itself however many places were asked about before', () => {
    const areas = [area('420100', 'high', 10), area('310000', 'medium', 10)];
    for (let i = 0; i < 3; i += 1) {
      assert.equal(riskLevelOf(WUCHANG, areas, NOW), 'high');
      assert.equal(riskLevelOf(HUANGPU, areas, NOW), 'medium');
      assert.equal(riskLevelOf({ ...HUANGPU, region: '330110' }, areas, NOW), 'none');
    }
  });
});

describe("a resident's facts in one order", () => {
  const at = Date.parse('2026-11-18T20:00:00Z');
  const read = (order: 'as stored' | 'reversed'): ResidentFacts => {
    const stays: ResidentFacts['stays'] = [
      { region: '420106', country: null, arrival: at, departure: at + 5 * 3_600_000, source: 'declaration', recordedAt: at + DAY_MS },
      { region: '420106', country: null, arrival: at + DAY_MS, departure: null, source: 'declaration', recordedAt: at + DAY_MS },
      { region: '420106', country: null, arrival: at + DAY_MS, departure: at + DAY_MS + 5 * 3_600_000, source: 'telecom', recordedAt: at + DAY_MS },
    ];
    const checkIns: ResidentFacts['checkIns'] = [
      { date: '2026-11-19', at: at + 14 * 3_600_000, symptoms: ['fever'], temperature: 38.4 },
      { date: '2026-11-19', at: at + 15 * 3_600_000, symptoms: [], temperature: 36.5 },
    ];
    const facts: ResidentFacts = { residentId: 'r', region: '330110', registeredAt: at, phoneVerifiedAt: at, declarations: [], stays, contacts: [], cases: [], tests: [], vaccinations: [], checkIns };
    if (order === 'reversed') (facts.stays.reverse(), facts.checkIns.reverse());
    return facts;
  };

  it('is the same whatever order the database gave the rows in: by time, a stay not yet over after one that is', () => {
    const [stored, reversed] = [inStableOrder(read('as stored')), inStableOrder(read('reversed'))];
    assert.deepEqual(reversed, stored);
    assert.deepEqual(stored.stays.map((s) => [s.arrival - at, s.departure === null ? 'open' : s.source]), [[0, 'declaration'], [DAY_MS, 'telecom'], [DAY_MS, 'open']]);
    assert.deepEqual(stored.checkIns.map((c) => c.temperature), [38.4, 36.5]);
  });
});

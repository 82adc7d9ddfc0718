import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DAY_MS, HOUR_MS } from '../../src/domain/clock.js';
import { emptyPartsThrough, evaluationData, FactsAt, newestFirst, PART_BITS } from '../../src/domain/facts-at.js';
import type { RiskAreaFact } from '../../src/domain/facts.js';
import { evaluationData as referenceEvaluationData } from '../support/reference-decide.js';
import { verifiedResident } from '../support/resident-facts.js';

const NOW = Date.parse('2026-11-20T10:00:00+08:00');
const ZONE = 'Asia/Shanghai';
const AREAS: RiskAreaFact[] = [{ region: '420100', country: null, level: 'high', from: NOW - 10 * DAY_MS, to: null }];

/** Back from Wuchang a week ago (the record imported two days later), checking in, one dose, a negative test. */
const traveller = verifiedResident(NOW, {
  stays: [{ region: '420106', country: null, arrival: NOW - 9 * DAY_MS, departure: NOW - 7 * DAY_MS, source: 'rail', recordedAt: NOW - 5 * DAY_MS }],
  tests: [{ at: NOW - 3 * DAY_MS, result: 'negative', source: 'authority', recordedAt: NOW - 3 * DAY_MS + HOUR_MS }],
  vaccinations: [{ at: NOW - 100 * DAY_MS, dose: 1, courseDoses: 2, source: 'authority', recordedAt: NOW - 100 * DAY_MS }],
  checkIns: [1, 2, 3].map((d) => ({ date: new Date(NOW - d * DAY_MS).toISOString().slice(0, 10), at: NOW - d * DAY_MS, symptoms: d === 3 ? ['dry_cough'] : [], temperature: 36.6 })),
});

describe('the facts at an instant', () => {
  it('are what they were before they were worked out part by part, now and in the past with what is known now', () => {
    for (const [at, knownAt] of [[NOW, NOW], [NOW - 6 * DAY_MS, NOW - 6 * DAY_MS], [NOW - 6 * DAY_MS, NOW]]) {
      assert.deepStrictEqual(evaluationData(traveller, AREAS, at!, ZONE, knownAt), referenceEvaluationData(traveller, AREAS, at!, ZONE, knownAt));
    }
  });

  it('work out only the parts read, and note which', () => {
    const facts = new FactsAt(traveller, AREAS, NOW, ZONE);
    assert.equal(facts.stays[0]!.riskLevel, 'high');
    assert.equal(facts.checkInStreak, 2);
    assert.equal(facts.reads, PART_BITS.stays | PART_BITS.checkInStreak);
  });

  it('name as empty, up to an instant, the parts drawn from lists of facts the resident has none of', () => {
    const bits = emptyPartsThrough(traveller)(NOW);
    assert.equal(bits & (PART_BITS.contacts | PART_BITS.cases), PART_BITS.contacts | PART_BITS.cases);
    assert.equal(bits & (PART_BITS.stays | PART_BITS.tests | PART_BITS.checkIns | PART_BITS.declaration | PART_BITS.resident), 0);
  });

  it('name as empty, up to an instant, the parts whose facts all came after it, and never the resident', () => {
    const emptyThrough = emptyPartsThrough(traveller);
    // Before the arrival in Wuchang: no stay, test or check-in yet; the dose 100 days ago is there.
    const before = emptyThrough(NOW - 9 * DAY_MS - 1);
    assert.equal(before & (PART_BITS.stays | PART_BITS.tests | PART_BITS.checkIns | PART_BITS.checkInStreak), PART_BITS.stays | PART_BITS.tests | PART_BITS.checkIns | PART_BITS.checkInStreak);
    assert.equal(before & (PART_BITS.vaccination | PART_BITS.resident), 0);
    // At the arrival itself the stay is there.
    assert.equal(emptyThrough(NOW - 9 * DAY_MS) & PART_BITS.stays, 0);
  });

  it('read as with no facts at all when named empty, at that instant and earlier', () => {
    const emptyThrough = emptyPartsThrough(traveller);
    const bare = { ...traveller, stays: [], contacts: [], cases: [], tests: [], checkIns: [], declarations: [], vaccinations: [] };
    for (const t of [NOW - 9 * DAY_MS - 1, NOW - 20 * DAY_MS, NOW - 120 * DAY_MS]) {
      const seen = evaluationData(traveller, AREAS, t, ZONE, NOW).data as unknown as Record<string, unknown>;
      const empty = evaluationData(bare, AREAS, t, ZONE, NOW).data as unknown as Record<string, unknown>;
      for (const [part, bit] of Object.entries(PART_BITS)) if (emptyThrough(t) & bit) assert.deepStrictEqual(seen[part], empty[part], `${part} at ${new Date(t).toISOString()}`);
    }
  });
});

describe('check-ins newest first', () => {
  it('come in the order a stable sort by time gives, whatever order and ties they arrive in', () => {
    const checkIn = fc.record({ at: fc.integer({ min: NOW - 30 * DAY_MS, max: NOW }), date: fc.constantFrom('2026-11-19', '2026-11-20') });
    const lists = fc.oneof(
      fc.array(checkIn, { maxLength: 40 }),
      // Mostly as they come: stored oldest first, then the days projected ahead, sometimes two at one instant.
      fc.array(checkIn, { maxLength: 40 }).map((list) => [...list].sort((a, b) => a.at - b.at)),
    );
    fc.assert(
      fc.property(lists, (list) => {
        assert.deepEqual(newestFirst([...list]), [...list].sort((a, b) => b.at - a.at));
      }),
      { numRuns: 500 },
    );
  });
});

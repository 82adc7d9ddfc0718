import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DAY_MS, HOUR_MS } from '../../src/domain/clock.js';
import { partsChangeWithin } from '../../src/domain/fact-changes.js';
import { PART_BITS } from '../../src/domain/facts-at.js';
import type { RiskAreaFact } from '../../src/domain/facts.js';
import { verifiedResident } from '../support/resident-facts.js';

const NOW = Date.parse('2026-11-20T10:00:00+08:00');
const LATER = NOW + 60 * DAY_MS;

describe('the instants at which facts come, go or change otherwise than by ageing', () => {
  it('are none for a declaration made before: it only grows older', () => {
    const facts = verifiedResident(NOW, {}, { declaredMsAgo: 3 * DAY_MS });
    assert.equal(partsChangeWithin(facts, [], PART_BITS.declaration | PART_BITS.resident, NOW, LATER), false);
  });

  it('include a declaration still to come, and a phone verified later', () => {
    assert.equal(partsChangeWithin(verifiedResident(NOW, {}, { declaredMsAgo: -2 * DAY_MS }), [], PART_BITS.declaration, NOW, LATER), true);
    assert.equal(partsChangeWithin({ ...verifiedResident(NOW), phoneVerifiedAt: NOW + HOUR_MS }, [], PART_BITS.resident, NOW, LATER), true);
  });

  it('include a test passing out of the fact horizon, but not before it does', () => {
    const facts = verifiedResident(NOW, { tests: [{ at: NOW - 2 * DAY_MS, result: 'positive', source: 'authority', recordedAt: NOW - 2 * DAY_MS }] });
    assert.equal(partsChangeWithin(facts, [], PART_BITS.tests, NOW, LATER), true);
    assert.equal(partsChangeWithin(facts, [], PART_BITS.tests, NOW, NOW + 20 * DAY_MS), false);
  });

  it('include a record learned of late, when it is recorded', () => {
    const facts = verifiedResident(NOW, { contacts: [{ at: NOW - 2 * DAY_MS, kind: 'close', source: 'trace', recordedAt: NOW + 3 * DAY_MS }] });
    assert.equal(partsChangeWithin(facts, [], PART_BITS.contacts, NOW, NOW + 5 * DAY_MS), true);
    assert.equal(partsChangeWithin(facts, [], PART_BITS.contacts, NOW + 3 * DAY_MS + 1, NOW + 5 * DAY_MS), false);
  });

  it('include a risk area beginning, for a resident with stays, and a stay under way becoming long enough to count', () => {
    const stay = { region: '420106', country: null, arrival: NOW - 5 * DAY_MS, departure: NOW - 4 * DAY_MS, source: 'declaration' as const, recordedAt: NOW - 4 * DAY_MS };
    const area: RiskAreaFact = { region: '420100', country: null, level: 'high', from: NOW + DAY_MS, to: null };
    assert.equal(partsChangeWithin(verifiedResident(NOW, { stays: [stay] }), [area], PART_BITS.stays, NOW, NOW + 10 * DAY_MS), true);
    assert.equal(partsChangeWithin(verifiedResident(NOW, { stays: [stay] }), [], PART_BITS.stays, NOW, NOW + 10 * DAY_MS), false);
    const ongoing = { ...stay, arrival: NOW - HOUR_MS, departure: null };
    assert.equal(partsChangeWithin(verifiedResident(NOW, { stays: [ongoing] }), [], PART_BITS.stays, NOW, NOW + 10 * DAY_MS), true);
  });

  it('are always there for the check-ins, which come every day', () => {
    assert.equal(partsChangeWithin(verifiedResident(NOW), [], PART_BITS.checkInStreak, NOW, NOW + 1), true);
  });
});

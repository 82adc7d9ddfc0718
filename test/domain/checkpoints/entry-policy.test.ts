import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_ENTRY_POLICIES, entryVerdict } from '../../../src/domain/checkpoints/entry-policy.js';

const NOW = Date.parse('2026-11-20T10:00:00+08:00');
const HOUR = 3_600_000;
const hospital = { ...DEFAULT_ENTRY_POLICIES.hospital, decidedWithinMinutes: 360 };

describe('an entry policy judging a colour and when it was decided', () => {
  it('admits a colour it allows, decided within its bound', () => {
    assert.equal(entryVerdict(hospital, 'green', NOW - 5 * HOUR, NOW), 'allowed');
  });
  it('refuses a pass decided ten hours ago where six is the bound', () => {
    assert.equal(entryVerdict(hospital, 'green', NOW - 10 * HOUR, NOW), 'decided-too-long-ago');
  });
  it('refuses a colour it does not allow, whenever decided', () => {
    assert.equal(entryVerdict(DEFAULT_ENTRY_POLICIES.subway_station, 'yellow', NOW, NOW), 'colour-not-admitted');
  });
  it('holds no bound against a colour decided at the scan itself (a live code, or the server asked online)', () => {
    assert.equal(entryVerdict(hospital, 'green', null, NOW), 'allowed');
  });
  it('holds no bound where the policy sets none, as every default does', () => {
    assert.equal(entryVerdict(DEFAULT_ENTRY_POLICIES.mall, 'green', NOW - 11 * HOUR, NOW), 'allowed');
  });
});

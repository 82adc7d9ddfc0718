import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evidenceTime } from '../../../src/domain/rules/evidence.js';

describe('instants cited as evidence', () => {
  it('are ISO 8601 text in UTC, each its own however often it and others were cited before', () => {
    const arrival = Date.parse('2026-11-14T10:00:00+08:00');
    const departure = Date.parse('2026-11-16T09:30:00+08:00');
    for (let i = 0; i < 3; i += 1) {
      assert.equal(evidenceTime(arrival), '2026-11-14T02:00:00.000Z');
      assert.equal(evidenceTime(departure), '2026-11-16T01:30:00.000Z');
    }
  });

  it('stay null when there is no instant to cite', () => {
    assert.equal(evidenceTime(null), null);
    assert.equal(evidenceTime(undefined), null);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { wireTime } from '../../src/http/wire.js';

/** 12:00 in Shanghai on the day a trace was opened. */
const NOON_SHANGHAI = Date.parse('2026-11-10T12:00:00+08:00');

describe('an instant on the wire', () => {
  it('is written in UTC with milliseconds, from epoch ms', () => {
    assert.equal(wireTime(NOON_SHANGHAI), '2026-11-10T04:00:00.000Z');
  });

  it('is written the same from a Date', () => {
    assert.equal(wireTime(new Date(NOON_SHANGHAI + 250)), '2026-11-10T04:00:00.250Z');
  });

  it('stays null when there is none', () => {
    assert.equal(wireTime(null), null);
  });

  it('reads back as the same instant', () => {
    assert.equal(Date.parse(wireTime(NOON_SHANGHAI)), NOON_SHANGHAI);
  });

  it('refuses what is not an instant rather than writing "Invalid Date"', () => {
    assert.throws(() => wireTime(Number.NaN), RangeError);
  });
});

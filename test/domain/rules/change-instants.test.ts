import { verifiedResident } from '../../support/resident-facts.js';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DAY_MS, HOUR_MS } from '../../../src/domain/clock.js';
import { changeInstants } from '../../../src/domain/rules/change-instants.js';
import { localInstant } from '../../../src/domain/local-time.js';

/** Friday 20 November 2026, 10:00 in Hangzhou. */
const NOW = Date.parse('2026-11-20T10:00:00+08:00');
const TZ = 'Asia/Shanghai';
const iso = (ts: number[]) => ts.map((t) => new Date(t).toISOString());

describe('the instants at which an evaluation can change', () => {
  it('are the next local midnight and check-in hour, the whole days after each fact, and the end asked for', () => {
    // Registered 30 days and declared 1 day before NOW (10:00): both turn a day older at 10:00 tomorrow.
    const got = changeInstants(verifiedResident(NOW), [], [], NOW, NOW + DAY_MS, TZ);
    assert.deepEqual(iso(got), iso([localInstant('2026-11-21', 0, TZ), localInstant('2026-11-21', 8, TZ), NOW + DAY_MS]));
  });

  it('include every hour of an ongoing stay, and where a risk area begins or a rule ends', () => {
    const stay = { region: '420106', country: null, arrival: NOW - 30 * 60_000, departure: null, source: 'telecom' as const, recordedAt: NOW - 30 * 60_000 };
    const area = { region: '420106', country: null, level: 'high' as const, from: NOW + 90 * 60_000, to: null };
    const got = changeInstants(verifiedResident(NOW, { stays: [stay] }), [area], [NOW + 5 * HOUR_MS], NOW, NOW + 3 * HOUR_MS, TZ);
    // The stay turns an hour longer at 10:30, 11:30 and 12:30; the area begins at 11:30; the rule ends past 13:00.
    assert.deepEqual(iso(got), iso([NOW + 30 * 60_000, NOW + 90 * 60_000, NOW + 150 * 60_000, NOW + 3 * HOUR_MS]));
  });
});

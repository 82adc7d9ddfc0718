import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeOnEachEngine } from '../../support/harness.js';
import { ZHANG_WEI } from '../../support/people.js';
import { registerVerified } from '../../support/sign-in.js';

describeOnEachEngine('migration 0035: check-ins kept as taken, several a day', (h) => {
  it('keeps two readings of one resident on one day, where the one-a-day key refused the second', async () => {
    const zhang = await registerVerified(h(), ZHANG_WEI);
    const checkIns = h().ctx.stores.checkIns;
    const morning = Date.parse('2026-11-20T08:12:00+08:00');
    await checkIns.insert({ id: 'check-in-morning', residentId: zhang, date: '2026-11-20', at: morning, temperature: 38.4, symptoms: ['fever'] });
    await checkIns.insert({ id: 'check-in-evening', residentId: zhang, date: '2026-11-20', at: morning + 10 * 3_600_000, temperature: 36.5, symptoms: [] });
    assert.deepEqual(
      (await checkIns.ofDay(zhang, '2026-11-20')).map((c) => [c.temperature, c.symptoms]),
      [
        [38.4, ['fever']],
        [36.5, []],
      ],
    );
  });
});

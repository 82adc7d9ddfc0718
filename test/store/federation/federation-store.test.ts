import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { BundleFacts } from '../../../src/codes/fact-bundle.js';
import { describeOnEachEngine } from '../../support/harness.js';
import { ZHANG_WEI } from '../../support/people.js';
import { registerVerified } from '../../support/sign-in.js';

/** Which facts a visitor's home operator sent, by kind: what the "why" screen lists as having come over. */
describeOnEachEngine('the facts that came from a home operator', (harness) => {
  const at = Date.parse('2026-11-10T09:00:00+08:00');
  const facts: BundleFacts = {
    declaration: { at, symptoms: [], temperature: 36.4 },
    stays: [
      { region: '420802', country: null, arrival: at - 5 * 86_400_000, departure: at - 2 * 86_400_000, source: 'declaration', recordedAt: at },
      { region: '420100', country: null, arrival: at - 2 * 86_400_000, departure: null, source: 'rail', recordedAt: at },
    ],
    contacts: [],
    cases: [],
    tests: [{ result: 'negative', at, source: 'authority', recordedAt: at }],
    vaccinations: [
      { dose: 1, courseDoses: 2, at: at - 90 * 86_400_000, source: 'authority', recordedAt: at },
      { dose: 2, courseDoses: 2, at: at - 60 * 86_400_000, source: 'authority', recordedAt: at },
    ],
  };

  it('counts each kind that came from that operator, and whether the declaration did', async () => {
    const h = harness();
    const residentId = await registerVerified(h, ZHANG_WEI);
    const store = h.ctx.stores.federation;
    let n = 0;
    await h.ctx.database.transaction((trx) => store.storeHomeFacts(trx, { residentId, homeOperator: 'hubei', homeSubject: 'sub-1', bundleIssuedAt: at, facts, now: at, newId: () => `id-${(n += 1)}` }));
    assert.deepEqual(await store.homeFactCounts(residentId, 'hubei'), { stays: 2, contacts: 0, cases: 0, tests: 1, vaccinations: 2, declaration: true });
  });

  it('counts nothing from an operator that sent nothing', async () => {
    const h = harness();
    const residentId = await registerVerified(h, ZHANG_WEI);
    assert.deepEqual(await h.ctx.stores.federation.homeFactCounts(residentId, 'hubei'), { stays: 0, contacts: 0, cases: 0, tests: 0, vaccinations: 0, declaration: false });
  });
});

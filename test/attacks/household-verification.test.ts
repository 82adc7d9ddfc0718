import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DEFAULT_RULES, SUPERSEDED_DEFAULT_RULES } from '../../src/domain/rules/default-rule-set.js';
import { DEMO_REGION, loadDemoData } from '../../src/services/demo-data.js';
import { NATIONAL_REGION } from '../../src/services/decisions/rules-service.js';
import { describeOnEachEngine } from '../support/harness.js';
import { GRANDMA_ZHANG, withCheck, ZHANG_WEI } from '../support/people.js';
import { signedUpThroughApi } from '../support/sign-in.js';

const healthy = { stays: [], contacts: [], symptoms: [], temperature: 36.5 };
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describeOnEachEngine('a household member without a phone', (h) => {
  async function gate() {
    const venue = await h().services.venues.registerVenue({ name: '良睦路社区', type: 'residential_compound', region: DEMO_REGION, address: '余杭区良睦路 1399 号', latitude: 30.29, longitude: 120.01, operator: '良睦社区居委会' });
    return (await h().services.venues.registerCheckpointDevice(venue.id, '东门')).token;
  }

  it('goes from being added by a signed-in relative to a green code and an admitted gate check', async () => {
    const app = await h().app();
    const guardian = await signedUpThroughApi(h(), ZHANG_WEI);
    const added = await app.inject({ method: 'POST', url: `/api/v1/residents/${guardian.id}/dependents`, headers: guardian.auth, payload: GRANDMA_ZHANG });
    assert.equal(added.statusCode, 201);
    const grandmaId = added.json().id as string;
    assert.equal((await app.inject({ method: 'POST', url: `/api/v1/residents/${grandmaId}/declarations`, headers: guardian.auth, payload: healthy })).statusCode, 201);

    const code = await app.inject({ method: 'GET', url: `/api/v1/residents/${grandmaId}/code`, headers: guardian.auth });
    assert.equal(code.json().colour, 'green', code.body);

    const checked = await app.inject({ method: 'POST', url: '/api/v1/checkpoint/lookup', headers: bearer(await gate()), payload: { idType: GRANDMA_ZHANG.idType, idNumber: GRANDMA_ZHANG.idNumber } });
    assert.deepEqual(checked.json(), { colour: 'green', admitted: true });
  });

  it('stays gray while the relative who added them has never proven their own phone', async () => {
    const guardian = await h().services.residents.register(ZHANG_WEI);
    const grandma = await h().services.residents.addDependent(guardian.id, { ...GRANDMA_ZHANG });
    await h().services.declarations.declare(grandma.id, healthy);
    const decision = await h().services.decisions.decide(grandma.id, 'test');
    assert.deepEqual([decision.colour, decision.rules.map((r) => r.id)], ['gray', ['gray-unverified']]);
  });

  it('is verified by staff checking the document at a gate, when no relative vouches', async () => {
    const guardian = await h().services.residents.register(ZHANG_WEI);
    const grandma = await h().services.residents.addDependent(guardian.id, { ...GRANDMA_ZHANG });
    await h().services.declarations.declare(grandma.id, healthy);
    const app = await h().app();
    const checked = await app.inject({ method: 'POST', url: '/api/v1/checkpoint/lookup', headers: bearer(await gate()), payload: { idType: GRANDMA_ZHANG.idType, idNumber: GRANDMA_ZHANG.idNumber } });
    assert.deepEqual(checked.json(), { colour: 'green', admitted: true });
  });

  it('lets the demo grandmother through the gate', async () => {
    await loadDemoData(h().services);
    const app = await h().app();
    const checked = await app.inject({ method: 'POST', url: '/api/v1/checkpoint/lookup', headers: bearer(await gate()), payload: { idType: 'resident_id', idNumber: withCheck('33011019460205002') } });
    assert.deepEqual(checked.json(), { colour: 'green', admitted: true });
  });
});

describeOnEachEngine('a database holding the first national rules', (h) => {
  it('publishes the replaced verification rule as a new national version, in the open', async () => {
    const old = DEFAULT_RULES.map((rule) => SUPERSEDED_DEFAULT_RULES.find((u) => u.by === rule)?.replaced ?? rule);
    const db = h().opened.store.db;
    await db.updateTable('rule_sets').set({ body: JSON.stringify({ region: NATIONAL_REGION, version: 1, publishedAt: '2026-01-01T00:00:00.000Z', rules: old }) }).where('region', '=', NATIONAL_REGION).execute();
    await h().services.rules.ensureDefault();
    const [latest, first] = await h().services.rules.history(NATIONAL_REGION);
    assert.deepEqual([latest?.version, first?.version], [2, 1]);
    assert.deepEqual(latest?.rules, DEFAULT_RULES);
    await h().services.rules.ensureDefault();
    assert.equal((await h().services.rules.history(NATIONAL_REGION)).length, 2, 'upgraded once');
  });
});

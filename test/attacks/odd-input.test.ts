import assert from 'node:assert/strict';
import { it } from 'node:test';
import { loadDemoData } from '../../src/services/demo-data.js';
import { describeOnEachEngine } from '../support/harness.js';
import { GRANDMA_ZHANG, ZHANG_WEI } from '../support/people.js';
import { registerThroughApi, signedUpThroughApi } from '../support/sign-in.js';

describeOnEachEngine('text that is not what it looks like', (h) => {
  const refused = async (name: string, field = 'name') => {
    const before = (await h().opened.store.db.selectFrom('residents').select('id').execute()).length;
    const response = await registerThroughApi(h(), { ...ZHANG_WEI, name });
    assert.deepEqual([response.statusCode, response.json().field], [422, field], `${JSON.stringify(name)}: ${response.body}`);
    assert.equal((await h().opened.store.db.selectFrom('residents').select('id').execute()).length, before);
    return response.json().errors[0].message as string;
  };

  it('refuses a name holding half of a UTF-16 surrogate pair, rather than storing U+FFFD', async () => {
    assert.match(await refused('张\uD800伟'), /well-formed/);
  });

  it('refuses a name of zero-width characters only', async () => {
    assert.match(await refused('\u200B\u200C\u200D\uFEFF'), /visible characters/);
  });

  it('refuses a name with a right-to-left override, which would reverse the masked name at a gate', async () => {
    assert.match(await refused('张\u202E伟'), /text-direction/);
  });

  it('still takes names in any script, with spaces and apostrophes', async () => {
    const response = await registerThroughApi(h(), { ...ZHANG_WEI, name: "Siobhán O'Connor-Đặng" });
    assert.equal(response.statusCode, 201, response.body);
  });

  it('refuses a household member whose name is an override, naming the field', async () => {
    const guardian = await signedUpThroughApi(h(), ZHANG_WEI);
    const response = await (await h().app()).inject({ method: 'POST', url: `/api/v1/residents/${guardian.id}/dependents`, headers: guardian.auth, payload: { ...GRANDMA_ZHANG, name: '\u202E兰秀张' } });
    assert.deepEqual([response.statusCode, response.json().field], [422, 'name']);
  });
});

describeOnEachEngine('dates no one could mean', (h) => {
  it('refuses a stay arriving in year 0000, naming the field', async () => {
    const { id, auth } = await signedUpThroughApi(h(), ZHANG_WEI);
    const response = await (await h().app()).inject({
      method: 'POST',
      url: `/api/v1/residents/${id}/declarations`,
      headers: auth,
      payload: { stays: [{ region: '420106', arrival: '0000-01-01T08:00:00+08:00' }], contacts: [], symptoms: [], temperature: 36.5 },
    });
    assert.deepEqual([response.statusCode, response.json().field], [422, 'stays[0].arrival']);
    assert.equal((await h().opened.store.db.selectFrom('declarations').selectAll().execute()).length, 0);
  });
});

describeOnEachEngine('demo data on a database that has it', (h) => {
  it('is not loaded a second time', async () => {
    assert.equal((await loadDemoData(h().services)).loaded, true);
    const before = (await h().opened.store.db.selectFrom('residents').select('id').execute()).length;
    assert.equal((await loadDemoData(h().services)).loaded, false);
    assert.equal((await h().opened.store.db.selectFrom('residents').select('id').execute()).length, before);
  });
});

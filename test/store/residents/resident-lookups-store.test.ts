import assert from 'node:assert/strict';
import { it } from 'node:test';
import { identityKeyOf } from '../../../src/domain/identity/identity-document.js';
import { describeOnEachEngine } from '../../support/harness.js';
import { CHEN_JING, ZHANG_WEI } from '../../support/people.js';

/** Finding a resident by document or phone, whichever district's key their indexes are under. */
describeOnEachEngine('the resident look-ups store', (h) => {
  it('finds residents of two districts by phone, each with their district', async () => {
    const zhang = await h().services.residents.register(ZHANG_WEI);
    const chen = await h().services.residents.register(CHEN_JING);
    assert.deepEqual(await h().ctx.stores.residentLookups.findByPhone(`+86${ZHANG_WEI.phone}`), { id: zhang.id, region: '330110' });
    assert.deepEqual(await h().ctx.stores.residentLookups.findByPhone(`+86${CHEN_JING.phone}`), { id: chen.id, region: '420802' });
  });

  it('finds a resident by their identity document', async () => {
    const chen = await h().services.residents.register(CHEN_JING);
    const key = identityKeyOf({ type: 'resident_id', number: CHEN_JING.idNumber });
    assert.equal(await h().ctx.stores.residentLookups.findIdByIdentityKey(key), chen.id);
    assert.deepEqual(await h().ctx.stores.residentLookups.findByIdentityKey(key), { id: chen.id, region: '420802' });
  });

  it('finds nobody for a phone or document no resident holds', async () => {
    await h().services.residents.register(ZHANG_WEI);
    assert.equal(await h().ctx.stores.residentLookups.findIdByPhone('+8613700001111'), undefined);
    assert.equal(await h().ctx.stores.residentLookups.findIdByIdentityKey(identityKeyOf({ type: 'resident_id', number: CHEN_JING.idNumber })), undefined);
  });

  it("stores a resident under their own district's index, one of those a look-up matches", async () => {
    const zhang = await h().services.residents.register(ZHANG_WEI);
    const key = identityKeyOf({ type: 'resident_id', number: ZHANG_WEI.idNumber });
    const lookups = h().ctx.stores.residentLookups;
    const row = await h().opened.store.db.selectFrom('residents').select('id_index').where('id', '=', zhang.id).executeTakeFirstOrThrow();
    assert.equal(row.id_index, lookups.identityIndex('330110', key));
    assert.ok(lookups.identityIndexes(key).includes(row.id_index));
    assert.notEqual(lookups.identityIndex('420802', key), row.id_index, "another district's index of the same document differs");
  });
});

import assert from 'node:assert/strict';
import { it } from 'node:test';
import { checkRegistration } from '../../../src/domain/resident.js';
import { FieldCipher } from '../../../src/privacy/field-cipher.js';
import { ResidentsStore } from '../../../src/store/residents/residents-store.js';
import { describeOnEachEngine } from '../../support/harness.js';
import { LIU_FANG, ZHANG_WEI } from '../../support/people.js';

/** Residents stored before districts had keys of their own, brought under their district's keys. */
describeOnEachEngine('the resident resealing store', (h) => {
  const ZHANG_ID = '0b7e7a52-7a2f-4c1e-9d1e-1a2b3c4d5e6f';
  /** A resident as stored before districts had keys: fields and indexes under the master key alone. */
  const storedBeforeDistrictKeys = async (id: string, person = ZHANG_WEI) => {
    await new ResidentsStore(h().opened.store.db, new FieldCipher(h().dataKey), h().engine).insert(id, checkRegistration(person, h().clock.now(), true), h().clock.now().getTime());
  };
  const nameSealed = async (id: string) => (await h().opened.store.db.selectFrom('residents').select('name_enc').where('id', '=', id).executeTakeFirstOrThrow()).name_enc;

  it("reseals a resident's fields under their district's key, and they still open", async () => {
    await storedBeforeDistrictKeys(ZHANG_ID);
    assert.match(await nameSealed(ZHANG_ID), /^v1\./);
    assert.equal(await h().ctx.stores.residentResealing.sealUnderRegionKeys(500), 1);
    assert.match(await nameSealed(ZHANG_ID), /^v2\.330110\./);
    assert.equal((await h().ctx.stores.residents.findById(ZHANG_ID))?.name, ZHANG_WEI.name);
    assert.deepEqual(await h().ctx.stores.residentResealing.sealedRegions(), ['330110']);
  });

  it('reseals a few at a time, and nothing twice', async () => {
    await storedBeforeDistrictKeys(ZHANG_ID);
    await storedBeforeDistrictKeys('5d1c3a8e-2b4f-4c6d-8e9f-0a1b2c3d4e5f', LIU_FANG);
    const resealing = h().ctx.stores.residentResealing;
    assert.equal(await resealing.sealUnderRegionKeys(1), 1);
    assert.equal(await resealing.sealUnderRegionKeys(1), 1);
    assert.equal(await resealing.sealUnderRegionKeys(1), 0);
  });

  it("moves a resident's blind indexes under their district's key, so look-ups find them", async () => {
    await storedBeforeDistrictKeys(ZHANG_ID);
    const row = () => h().opened.store.db.selectFrom('residents').select(['id_index', 'phone_index']).where('id', '=', ZHANG_ID).executeTakeFirstOrThrow();
    assert.ok(!(await row()).id_index.startsWith('i2.'));
    assert.equal(await h().ctx.stores.residentResealing.indexUnderRegionKeys(500), 1);
    const moved = await row();
    assert.ok(moved.id_index.startsWith('i2.') && moved.phone_index!.startsWith('i2.'), JSON.stringify(moved));
    assert.equal(await h().ctx.stores.residentLookups.findIdByPhone(`+86${ZHANG_WEI.phone}`), ZHANG_ID);
    assert.equal(await h().ctx.stores.residentResealing.indexUnderRegionKeys(500), 0, 'nothing is left to move');
  });
});

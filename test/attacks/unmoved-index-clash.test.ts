import assert from 'node:assert/strict';
import { it } from 'node:test';
import { checkRegistration } from '../../src/domain/resident.js';
import { FieldCipher } from '../../src/privacy/field-cipher.js';
import { IdentityTakenError } from '../../src/services/service-errors.js';
import { ResidentsStore } from '../../src/store/residents/residents-store.js';
import { describeOnEachEngine } from '../support/harness.js';
import { CHEN_JING, ZHANG_WEI } from '../support/people.js';

/**
 * A resident stored before districts had index keys holds their document under the master key's
 * index, which no district's index equals. Registrations stop matching that index only once a start
 * has found none left: until then, their document registered in another district is still refused.
 */
describeOnEachEngine('a document held under an index from before district keys', (h) => {
  const ZHANG_ID = '0b7e7a52-7a2f-4c1e-9d1e-1a2b3c4d5e6f';
  /** Zhang's row as written before district keys: indexes and fields under the master key alone. */
  const storedBeforeDistrictKeys = () =>
    new ResidentsStore(h().opened.store.db, new FieldCipher(h().dataKey), h().engine).insert(ZHANG_ID, checkRegistration(ZHANG_WEI, h().clock.now(), true), h().clock.now().getTime());
  /** Zhang's document, registered by someone else in Jingmen with a phone of their own. */
  const inJingmen = { ...ZHANG_WEI, phone: CHEN_JING.phone, address: CHEN_JING.address };

  it('is refused when registered in another district while the row is unmoved', async () => {
    await storedBeforeDistrictKeys();
    assert.equal(await h().ctx.stores.residentResealing.proveIndexesMoved(), false, 'a start cannot prove the move with the row left');
    await assert.rejects(h().services.residents.register(inJingmen), IdentityTakenError);
  });

  it('is refused when registered in another district after a start moved it and proved none is left', async () => {
    await storedBeforeDistrictKeys();
    assert.equal(await h().ctx.stores.residentResealing.indexUnderRegionKeys(500), 1);
    assert.equal(await h().ctx.stores.residentResealing.proveIndexesMoved(), true);
    await assert.rejects(h().services.residents.register(inJingmen), IdentityTakenError);
  });
});

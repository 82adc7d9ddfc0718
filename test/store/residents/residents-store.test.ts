import assert from 'node:assert/strict';
import { it } from 'node:test';
import { checkRegistration } from '../../../src/domain/resident.js';
import { openResident, writtenResident } from '../../../src/store/residents/residents-store.js';
import { describeOnEachEngine } from '../../support/harness.js';
import { GRANDMA_ZHANG, OLIVER_BROWN, ZHANG_WEI } from '../../support/people.js';

/** Writing a resident: the row sealed once, and the resident registration answers with without reading it back. */
describeOnEachEngine('the residents store', (h) => {
  const readBack = async (id: string) => {
    const row = await h().opened.store.db.selectFrom('residents').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    return { row, resident: openResident(h().ctx.cipher, row) };
  };

  for (const [who, input, holdsPhone] of [
    ['a resident of the mainland', ZHANG_WEI, true],
    ['a foreign passport holder', OLIVER_BROWN, true],
    ['a household member without a phone', GRANDMA_ZHANG, false],
  ] as const) {
    it(`answers with the resident just written as reading the row back would, for ${who}`, async () => {
      const registration = checkRegistration(input, h().clock.now(), holdsPhone);
      const now = h().clock.now().getTime();
      assert.equal(await h().ctx.stores.residents.insert('r-written', registration, now, holdsPhone ? now - 60_000 : null), true);
      const { resident } = await readBack('r-written');
      assert.deepEqual(writtenResident('r-written', registration, now, holdsPhone ? now - 60_000 : null), resident);
    });
  }

  it('writes the very row sealedRow makes: the same indexes and clear columns, ciphertexts that open to the same values', async () => {
    const registration = checkRegistration(ZHANG_WEI, h().clock.now(), true);
    const now = h().clock.now().getTime();
    const sealed = h().ctx.stores.residents.sealedRow('r-sealed', registration, now, now);
    await h().ctx.stores.residents.insert('r-sealed', registration, now, now);
    const { row } = await readBack('r-sealed');
    const { id_index, phone_index, address_region, phone_verified_at, created_at, updated_at } = row;
    assert.deepEqual({ id_index, phone_index, address_region, phone_verified_at, created_at, updated_at }, {
      id_index: sealed.id_index,
      phone_index: sealed.phone_index,
      address_region: sealed.address_region,
      phone_verified_at: sealed.phone_verified_at,
      created_at: sealed.created_at,
      updated_at: sealed.updated_at,
    });
    for (const [column, field] of [['name_enc', 'name'], ['identity_enc', 'identity'], ['phone_enc', 'phone'], ['address_enc', 'address']] as const) {
      const context = `resident:r-sealed:${field}`;
      assert.equal(h().ctx.cipher.decrypt(sealed[column]!, context), h().ctx.cipher.decrypt(row[column]!, context), column);
    }
  });
});

describeOnEachEngine("the residents store: the script of a resident's texts", (h) => {
  it('remembers a new script, and writes nothing when the script kept is the one given', async () => {
    const { id } = await h().services.residents.register(ZHANG_WEI);
    const store = h().ctx.stores.residents;
    const updatedAt = async () => (await store.findById(id))!.updatedAt;
    const registeredAt = await updatedAt();
    h().clock.advance(60_000);
    await store.rememberSmsScript(id, 'zh-CN', h().clock.now().getTime());
    assert.equal(await updatedAt(), registeredAt, 'the same script is not written again');
    await store.rememberSmsScript(id, 'zh-Hant', h().clock.now().getTime());
    assert.deepEqual([await store.smsScripts([id, id, 'no-such-resident']), await updatedAt()], [new Map([[id, 'zh-Hant']]), registeredAt + 60_000]);
  });
});

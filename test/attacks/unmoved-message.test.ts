import assert from 'node:assert/strict';
import { it } from 'node:test';
import { FieldCipher } from '../../src/privacy/field-cipher.js';
import { describeOnEachEngine } from '../support/harness.js';
import { ZHANG_WEI } from '../support/people.js';

/**
 * An SMS sent to a phone before districts had index keys is indexed under the master key. Once a
 * start proves no such index is left, registrations stop looking for one: a message left unmoved
 * would then stay under the master key when its phone registers, beyond its district's sunset. The
 * proof must therefore not be given while one is left.
 */
describeOnEachEngine('a message held under an index from before district keys', (h) => {
  const phone = `+86${ZHANG_WEI.phone}`;
  /** Zhang's sign-in code, sent before district keys: indexed and sealed under the master key alone. */
  const sentBeforeDistrictKeys = async () => {
    const before = new FieldCipher(h().dataKey);
    await h()
      .opened.store.db.insertInto('outbox')
      .values({ id: 'm1', channel: 'sms', recipient_index: before.blindIndex('outbox.recipient', phone), recipient_enc: before.encrypt(phone, 'outbox:m1:recipient'), body_enc: before.encrypt('【健康码】登录验证码 123456', 'outbox:m1:body'), created_at: h().clock.now().getTime() })
      .execute();
  };
  const message = () => h().opened.store.db.selectFrom('outbox').select(['recipient_index', 'recipient_enc', 'body_enc']).where('id', '=', 'm1').executeTakeFirstOrThrow();

  it('stops a start proving the move, and goes under the district key when its phone registers', async () => {
    await sentBeforeDistrictKeys();
    assert.equal(await h().ctx.stores.residentResealing.proveIndexesMoved(), false, 'a start cannot prove the move with the message left');
    await h().services.residents.register(ZHANG_WEI);
    const moved = await message();
    assert.ok(moved.recipient_index.startsWith('i2.') && moved.recipient_enc.startsWith('v2.330110.') && moved.body_enc.startsWith('v2.330110.'), JSON.stringify(moved));
  });

  it('goes under the district key at start, before the proof lets registrations stop looking for it', async () => {
    await sentBeforeDistrictKeys();
    assert.equal(await h().ctx.stores.outbox.indexUnderRegionKeys(500, async () => undefined), 1);
    assert.equal(await h().ctx.stores.residentResealing.proveIndexesMoved(), true);
    await h().services.residents.register(ZHANG_WEI);
    const moved = await message();
    assert.ok(moved.recipient_index.startsWith('i2.') && moved.recipient_enc.startsWith('v2.330110.'), JSON.stringify(moved));
  });
});

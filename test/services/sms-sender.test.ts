import assert from 'node:assert/strict';
import { it } from 'node:test';
import { FieldCipher } from '../../src/privacy/field-cipher.js';
import { OutboxSmsSender } from '../../src/services/sms-sender.js';
import { describeOnEachEngine } from '../support/harness.js';
import { LIU_FANG, ZHANG_WEI } from '../support/people.js';

describeOnEachEngine('the outbox, the default SMS provider', (h) => {
  const sender = () => new OutboxSmsSender(h().ctx.stores.outbox, h().ctx.clock, h().ctx.newId, h().ctx.stores.residentLookups);
  /** The district whose key sealed the one message sent (undefined: the master key). */
  const sealedUnder = async () => FieldCipher.regionOf((await h().opened.store.db.selectFrom('outbox').select('recipient_enc').executeTakeFirstOrThrow()).recipient_enc);

  it("keeps a message to a resident's phone under their district's key, found by the phone", async () => {
    await h().services.residents.register(LIU_FANG);
    await sender().send('+8615067891234', '【健康码】您的申诉已有答复');
    assert.equal(await sealedUnder(), '330106');
    assert.equal((await h().ctx.stores.outbox.list(1, '+8615067891234'))[0]?.body, '【健康码】您的申诉已有答复');
  });

  it('keeps a message under the district its sender names, having just looked the phone up', async () => {
    await h().services.residents.register(ZHANG_WEI);
    await sender().send('+8613912345678', '【健康码】登录验证码 204816，5 分钟内有效', 'sign-in-code', { region: '330110' });
    assert.equal(await sealedUnder(), '330110');
    assert.equal((await h().ctx.stores.outbox.list(1, '+8613912345678'))[0]?.body, '【健康码】登录验证码 204816，5 分钟内有效');
  });

  it('keeps a message to a phone no account uses under the master key, until the phone registers', async () => {
    await sender().send('+8613700001111', '【健康码】注册验证码 551203，5 分钟内有效', 'sign-in-code', { region: undefined });
    assert.equal(await sealedUnder(), undefined);
    assert.equal((await h().ctx.stores.outbox.list(1, '+8613700001111'))[0]?.body, '【健康码】注册验证码 551203，5 分钟内有效');
  });
});

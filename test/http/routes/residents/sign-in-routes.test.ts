import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeOnEachEngine } from '../../../support/harness.js';
import { ZHANG_WEI } from '../../../support/people.js';
import { lastCodeSentTo } from '../../../support/sign-in.js';

describeOnEachEngine('the one-time code text, in the language the app asked in', (h) => {
  const askCode = async (payload: Record<string, unknown>) => {
    const app = await h().app();
    return { app, asked: await app.inject({ method: 'POST', url: '/api/v1/sign-in/code', payload }) };
  };
  const lastText = async (phone: string) => (await h().ctx.stores.outbox.list(1, phone))[0]?.body;

  it('texts a resident whose app reads 繁體 a sign-in code in Traditional Chinese, and the code signs them in', async () => {
    await h().services.residents.register(ZHANG_WEI);
    const { app, asked } = await askCode({ phone: ZHANG_WEI.phone, script: 'zh-Hant' });
    assert.equal(asked.statusCode, 202, asked.body);
    const code = await lastCodeSentTo(h(), '+8613912345678');
    assert.equal(await lastText('+8613912345678'), `【健康码】登入驗證碼 ${code}，5 分鐘內有效，請勿告訴他人。Your healthcode sign-in code is ${code}, valid for 5 minutes. Never share it.`);
    const session = await app.inject({ method: 'POST', url: '/api/v1/sign-in/session', payload: { phone: ZHANG_WEI.phone, code, ticket: asked.json().ticket } });
    assert.equal(session.statusCode, 201, session.body);
  });

  it('texts a phone no account uses its registration code in Traditional Chinese when the app reads 繁體', async () => {
    const { asked } = await askCode({ phone: '+85291234567', script: 'zh-Hant' });
    assert.equal(asked.statusCode, 202, asked.body);
    assert.match((await lastText('+85291234567')) ?? '', /^【健康码】註冊驗證碼 \d{6}，5 分鐘內有效，請勿告訴他人。Your healthcode registration code/);
  });

  it('texts Simplified Chinese when the app asks for it, or names no script', async () => {
    await h().services.residents.register(ZHANG_WEI);
    await askCode({ phone: ZHANG_WEI.phone, script: 'zh-CN' });
    assert.match((await lastText('+8613912345678')) ?? '', /^【健康码】登录验证码 \d{6}，5 分钟内有效，请勿告诉他人。/);
    h().clock.advance(60_000);
    await askCode({ phone: ZHANG_WEI.phone });
    assert.match((await lastText('+8613912345678')) ?? '', /^【健康码】登录验证码 \d{6}，5 分钟内有效，请勿告诉他人。/);
  });

  it('refuses a script it does not write, naming the field, and sends nothing', async () => {
    const { asked } = await askCode({ phone: ZHANG_WEI.phone, script: 'zh-TW' });
    assert.equal(asked.statusCode, 400);
    assert.equal(asked.json().field, 'script');
    assert.deepEqual(await h().ctx.stores.outbox.list(10), []);
  });

  it('remembers 繁體 for the texts of a resident who registers with a code the app asked in Traditional', async () => {
    const { app, asked } = await askCode({ phone: ZHANG_WEI.phone, script: 'zh-Hant' });
    const code = await lastCodeSentTo(h(), '+8613912345678');
    const registered = await app.inject({ method: 'POST', url: '/api/v1/residents', payload: { ...ZHANG_WEI, code, ticket: asked.json().ticket } });
    assert.equal(registered.statusCode, 201, registered.body);
    assert.deepEqual(await h().ctx.stores.residents.smsScripts([registered.json().id]), new Map([[registered.json().id, 'zh-Hant']]));
  });

  it('remembers the script of the code a resident signs in with, not of one asked for their phone and left unused', async () => {
    const { id } = await h().services.residents.register(ZHANG_WEI);
    const { app, asked } = await askCode({ phone: ZHANG_WEI.phone, script: 'zh-Hant' });
    assert.deepEqual(await h().ctx.stores.residents.smsScripts([id]), new Map([[id, 'zh-CN']]), 'asking is not using');
    const code = await lastCodeSentTo(h(), '+8613912345678');
    await app.inject({ method: 'POST', url: '/api/v1/sign-in/session', payload: { phone: ZHANG_WEI.phone, code, ticket: asked.json().ticket } });
    assert.deepEqual(await h().ctx.stores.residents.smsScripts([id]), new Map([[id, 'zh-Hant']]));
  });
});

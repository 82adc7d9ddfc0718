import assert from 'node:assert/strict';
import { it } from 'node:test';
import { down, up } from '../../../src/store/migrations/0037-sms-script.js';
import { describeOnEachEngine } from '../../support/harness.js';
import { ZHANG_WEI } from '../../support/people.js';
import { lastCodeSentTo, registerVerified } from '../../support/sign-in.js';

describeOnEachEngine("migration 0037: the script of each resident's texts", (h) => {
  it('gives a resident registered before it Simplified, as their texts were, and a code used after it in 繁體 sets Traditional', async () => {
    const zhang = await registerVerified(h(), ZHANG_WEI);
    const db = h().opened.store.db;
    await db.transaction().execute((trx) => down(trx as never));
    await db.transaction().execute((trx) => up(trx as never));
    assert.deepEqual(await h().ctx.stores.residents.smsScripts([zhang]), new Map([[zhang, 'zh-CN']]));
    h().clock.advance(5 * 60_000);
    await h().services.signIn.requestSignInCode(ZHANG_WEI.phone!, { script: 'zh-Hant' });
    await h().services.signIn.verifySignInCode(ZHANG_WEI.phone!, await lastCodeSentTo(h(), '+8613912345678'));
    assert.deepEqual(await h().ctx.stores.residents.smsScripts([zhang]), new Map([[zhang, 'zh-Hant']]));
  });

  it('keeps the codes asked for before it, which read as Simplified when used', async () => {
    await registerVerified(h(), ZHANG_WEI);
    const db = h().opened.store.db;
    await db.transaction().execute((trx) => down(trx as never));
    await db.transaction().execute((trx) => up(trx as never));
    const codes = await db.selectFrom('sign_in_codes').select('sms_script').execute();
    assert.ok(codes.length > 0);
    assert.deepEqual(new Set(codes.map((c) => c.sms_script)), new Set(['zh-CN']));
  });
});

import assert from 'node:assert/strict';
import { it } from 'node:test';
import { SHREDDED } from '../../../src/store/oversight/sunset-store.js';
import { describeOnEachEngine } from '../../support/harness.js';
import { CHEN_JING, GRANDMA_ZHANG, LIU_FANG, ZHANG_WEI } from '../../support/people.js';

/** Whom a batch of colour notices goes to, read for the batch at once, against each resident opened whole. */
describeOnEachEngine('the phones a batch of colour notices goes to', (h) => {
  it('reads each resident’s phone and district as opening them whole does, and the name only of one without a phone', async () => {
    const { services, ctx } = h();
    const zhang = await services.residents.register(ZHANG_WEI);
    const liu = await services.residents.register(LIU_FANG);
    const grandma = await services.residents.addDependent(zhang.id, GRANDMA_ZHANG);
    const held = await ctx.stores.noticeRecipients.holders([zhang.id, liu.id, grandma.id, zhang.id]);
    const scripts = await ctx.stores.residents.smsScripts([zhang.id, liu.id, grandma.id]);
    for (const id of [zhang.id, liu.id, grandma.id]) {
      const whole = (await ctx.stores.residents.findById(id))!;
      assert.deepEqual(held.get(id), { phone: whole.phone, region: whole.address.region, name: whole.phone === null ? whole.name : null, identityCheckedAt: whole.identityCheckedAt, smsScript: scripts.get(id) });
    }
    assert.equal(held.size, 3);
  });

  it("reads the script each phone's holder reads their texts in", async () => {
    const { services, ctx } = h();
    const zhang = await services.residents.register(ZHANG_WEI);
    const liu = await services.residents.register(LIU_FANG);
    await ctx.stores.residents.rememberSmsScript(liu.id, 'zh-Hant', h().clock.now().getTime());
    const held = await ctx.stores.noticeRecipients.holders([zhang.id, liu.id]);
    assert.deepEqual([held.get(zhang.id)?.smsScript, held.get(liu.id)?.smsScript], ['zh-CN', 'zh-Hant']);
  });

  it('leaves out a resident destroyed by their region’s sunset, as findById does', async () => {
    const { services, ctx, opened } = h();
    const chen = await services.residents.register(CHEN_JING);
    await opened.store.db.updateTable('residents').set({ name_enc: SHREDDED }).where('id', '=', chen.id).execute();
    assert.equal((await ctx.stores.noticeRecipients.holders([chen.id])).size, 0);
    assert.equal(await ctx.stores.residents.findById(chen.id), undefined);
  });

  it('lists each household member’s guardians in the order HouseholdsStore.guardiansOf does', async () => {
    const { services, ctx } = h();
    const zhang = await services.residents.register(ZHANG_WEI);
    const grandma = await services.residents.addDependent(zhang.id, GRANDMA_ZHANG);
    const listed = await ctx.stores.noticeRecipients.guardiansOf([grandma.id, zhang.id]);
    assert.deepEqual(listed.get(grandma.id), (await ctx.stores.households.guardiansOf(grandma.id)).map((g) => g.guardianId));
    assert.equal(listed.has(zhang.id), false);
  });
});

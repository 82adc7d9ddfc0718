import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeOnEachEngine } from '../../support/harness.js';
import { LIU_FANG, ZHANG_WEI } from '../../support/people.js';
import { registerVerified } from '../../support/sign-in.js';

describeOnEachEngine('declarations stored', (h) => {
  it("counts a resident's declarations, and no one else's", async () => {
    const zhang = await registerVerified(h(), ZHANG_WEI);
    const liu = await registerVerified(h(), LIU_FANG);
    const before = await h().ctx.stores.declarations.countFor(zhang);
    for (let i = 0; i < 3; i++) await h().services.declarations.declare(zhang, { stays: [], contacts: [], symptoms: [], temperature: 36.6 });
    await h().services.declarations.declare(liu, { stays: [], contacts: [], symptoms: ['dry_cough'], temperature: 37.5 });
    assert.equal(await h().ctx.stores.declarations.countFor(zhang), before + 3);
    assert.equal(await h().ctx.stores.declarations.countFor('no-such-resident'), 0);
  });

  it('counts, inside a transaction, the declaration that transaction stored', async () => {
    const zhang = await registerVerified(h(), ZHANG_WEI);
    const before = await h().ctx.stores.declarations.countFor(zhang);
    const inside = await h().ctx.database.transaction(async (trx) => {
      const declarations = h().ctx.stores.declarations.withTransaction(trx);
      await declarations.insert({ id: 'd-inside', residentId: zhang, declaredAt: h().clock.now().getTime(), stays: [], contacts: [], symptoms: [], temperature: 36.6 }, h().ctx.newId);
      return declarations.countFor(zhang);
    });
    assert.equal(inside, before + 1);
  });
});

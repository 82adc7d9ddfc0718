import assert from 'node:assert/strict';
import { it } from 'node:test';
import { factsVersions } from '../../../src/store/facts-version.js';
import { describeOnEachEngine } from '../../support/harness.js';
import { LIU_FANG, ZHANG_WEI } from '../../support/people.js';
import { registerVerified } from '../../support/sign-in.js';

describeOnEachEngine('declarations stored', (h) => {
  it("raises the declaring resident's facts version, and no one else's", async () => {
    const zhang = await registerVerified(h(), ZHANG_WEI);
    const liu = await registerVerified(h(), LIU_FANG);
    const before = await factsVersions(h().opened.store.db, [zhang, liu]);
    await h().ctx.database.transaction((trx) =>
      h().ctx.stores.declarations.withTransaction(trx).insert({ id: 'd-zhang', residentId: zhang, declaredAt: h().clock.now().getTime(), stays: [{ region: '420106', arrival: h().clock.now().getTime() - 86_400_000, departure: null }], contacts: [], symptoms: [], temperature: 36.6 }, h().ctx.newId),
    );
    const after = await factsVersions(h().opened.store.db, [zhang, liu]);
    assert.equal(after.get(zhang), before.get(zhang)! + 1);
    assert.equal(after.get(liu), before.get(liu));
  });

  it('keeps the declaration and its stays together, newest first', async () => {
    const zhang = await registerVerified(h(), ZHANG_WEI);
    const now = h().clock.now().getTime();
    await h().ctx.database.transaction((trx) =>
      h().ctx.stores.declarations.withTransaction(trx).insert({ id: 'd-wuchang', residentId: zhang, declaredAt: now, stays: [{ region: '420106', arrival: now - 86_400_000, departure: now - 3_600_000 }], contacts: [], symptoms: ['fever'], temperature: 37.9 }, h().ctx.newId),
    );
    const [latest] = await h().ctx.stores.declarations.listForResident(zhang, 1);
    assert.deepEqual({ id: latest!.id, stays: latest!.stays, symptoms: latest!.symptoms }, { id: 'd-wuchang', stays: [{ region: '420106', arrival: now - 86_400_000, departure: now - 3_600_000 }], symptoms: ['fever'] });
  });
});

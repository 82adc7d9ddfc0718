import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeOnEachEngine } from '../../support/harness.js';
import { ZHANG_WEI } from '../../support/people.js';
import { registerVerified } from '../../support/sign-in.js';

const card = (id: string, residentId: string, revokedAt: number | null = null) => ({ id, resident_id: residentId, issued_at: 1, expires_at: 2, issued_by: 'resident:x', revoked_at: revokedAt, revoked_by: revokedAt === null ? null : 'resident:x' });

describeOnEachEngine('migration 0028: paper cards', (h) => {
  it('refuses a second unrevoked card of one resident, whatever wrote it', async () => {
    const zhang = await registerVerified(h(), ZHANG_WEI);
    const db = h().opened.store.db;
    await db.insertInto('paper_cards').values(card('card-a', zhang)).execute();
    await assert.rejects(db.insertInto('paper_cards').values(card('card-b', zhang)).execute());
  });

  it('keeps any number of revoked cards beside the live one', async () => {
    const zhang = await registerVerified(h(), ZHANG_WEI);
    const db = h().opened.store.db;
    await db.insertInto('paper_cards').values([card('card-a', zhang, 1), card('card-b', zhang, 1), card('card-c', zhang)]).execute();
    assert.equal((await db.selectFrom('paper_cards').selectAll().execute()).length, 3);
  });

  it("deletes a resident's cards with the resident", async () => {
    const zhang = await registerVerified(h(), ZHANG_WEI);
    await h().services.paperCards.printForHousehold(zhang, zhang);
    await h().services.residents.deleteAccount(zhang);
    assert.equal((await h().opened.store.db.selectFrom('paper_cards').selectAll().execute()).length, 0);
  });
});

import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeOnEachEngine, RACING } from '../../support/harness.js';
import { ZHANG_WEI } from '../../support/people.js';
import { registerVerified } from '../../support/sign-in.js';

const T0 = Date.parse('2026-11-20T02:00:00Z');
const issued = (id: string, residentId: string, at = T0) => ({ id, resident_id: residentId, issued_at: at, expires_at: at + 1000, issued_by: 'resident:guardian' });

describeOnEachEngine('paper cards store', (h) => {
  it('revokes the live card when a new one is issued, naming who and when', async () => {
    const zhang = await registerVerified(h(), ZHANG_WEI);
    const store = h().ctx.stores.paperCards;
    assert.equal(await store.issue(issued('card-a', zhang)), 0);
    assert.equal(await store.issue({ ...issued('card-b', zhang, T0 + 5), issued_by: 'staff' }), 1);
    assert.deepEqual(await store.findById('card-a'), { ...issued('card-a', zhang), revoked_at: T0 + 5, revoked_by: 'staff' });
    assert.equal((await store.live(zhang))?.id, 'card-b');
  });

  it('leaves one live card when prints race', async () => {
    const zhang = await registerVerified(h(), ZHANG_WEI);
    const store = h().ctx.stores.paperCards;
    await Promise.all(['card-a', 'card-b', 'card-c', 'card-d'].map((id) => store.issue(issued(id, zhang))));
    const live = await h().opened.store.db.selectFrom('paper_cards').select('id').where('resident_id', '=', zhang).where('revoked_at', 'is', null).execute();
    assert.equal(live.length, 1);
  });

  it('revokes the live card once: a second revocation finds none', async () => {
    const zhang = await registerVerified(h(), ZHANG_WEI);
    const store = h().ctx.stores.paperCards;
    await store.issue(issued('card-a', zhang));
    assert.equal((await store.revokeLive(zhang, 'resident:guardian', T0 + 1))?.id, 'card-a');
    assert.equal(await store.revokeLive(zhang, 'resident:guardian', T0 + 2), undefined);
    assert.equal(await store.live(zhang), undefined);
  });

  it('finds the latest card, revoked or not, and none for a resident never given one', async () => {
    const zhang = await registerVerified(h(), ZHANG_WEI);
    const store = h().ctx.stores.paperCards;
    assert.equal(await store.latest(zhang), undefined);
    await store.issue(issued('card-a', zhang));
    await store.issue(issued('card-b', zhang, T0 + 5));
    await store.revokeLive(zhang, 'resident:guardian', T0 + 9);
    assert.deepEqual(await store.latest(zhang), { ...issued('card-b', zhang, T0 + 5), revoked_at: T0 + 9, revoked_by: 'resident:guardian' });
  });
}, RACING);

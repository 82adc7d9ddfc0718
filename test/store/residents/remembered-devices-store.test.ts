import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeOnEachEngine } from '../../support/harness.js';
import { ZHANG_WEI } from '../../support/people.js';
import { registerVerified } from '../../support/sign-in.js';

describeOnEachEngine('remembered devices as stored', (h) => {
  /** Zhang Wei's phone, remembered right after his SMS sign-in: its row as stored. */
  async function rememberedRow() {
    const id = await registerVerified(h(), ZHANG_WEI);
    const session = await h().services.signIn.sessionFor(id, h().clock.now().getTime());
    const device = await h().services.rememberedDevices.remember(await h().services.signIn.authenticate(session.token), 'Safari on iPhone');
    const row = await h().ctx.stores.rememberedDevices.find(device.id);
    assert.ok(row);
    return row;
  }

  it('rotates the credential from the one expected, answering what was made alongside in the same transaction', async () => {
    const row = await rememberedRow();
    const now = h().clock.now().getTime();
    const made = await h().ctx.stores.rememberedDevices.rotate(row.id, row.refresh_digest, 'next-digest', now, async () => ({ session: 'opened alongside' }));
    assert.deepEqual(made, { session: 'opened alongside' });
    assert.equal((await h().ctx.stores.rememberedDevices.find(row.id))?.refresh_digest, 'next-digest');
    assert.equal(await h().ctx.stores.rememberedDevices.wasSpent(row.id, row.refresh_digest), true);
  });

  it('answers nothing, and makes nothing alongside, for a credential already replaced: the other refresh won', async () => {
    const row = await rememberedRow();
    const now = h().clock.now().getTime();
    await h().ctx.stores.rememberedDevices.rotate(row.id, row.refresh_digest, 'winner-digest', now, async () => ({ session: 'the winner’s' }));
    let ranAlongside = false;
    const made = await h().ctx.stores.rememberedDevices.rotate(row.id, row.refresh_digest, 'loser-digest', now, async () => {
      ranAlongside = true;
      return { session: 'the loser’s' };
    });
    assert.equal(made, undefined);
    assert.equal(ranAlongside, false);
    assert.equal((await h().ctx.stores.rememberedDevices.find(row.id))?.refresh_digest, 'winner-digest');
  });
});

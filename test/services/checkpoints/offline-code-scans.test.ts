import assert from 'node:assert/strict';
import { it } from 'node:test';
import { HOUR_MS, MINUTE_MS } from '../../../src/domain/clock.js';
import { describeOnEachEngine, type Harness } from '../../support/harness.js';
import { checkpointGate } from '../../support/gates.js';
import { ZHANG_WEI } from '../../support/people.js';
import { newPhone } from '../../support/phone-key.js';
import { registerVerified } from '../../support/sign-in.js';

async function gate(h: Harness, type: 'subway_station' | 'hospital' = 'subway_station') {
  return (await checkpointGate(h, type === 'hospital' ? { name: '浙大一院', type } : {})).device;
}

/** Zhang, green, with a pass on his phone. */
async function zhangWithPass(h: Harness) {
  const id = await registerVerified(h, ZHANG_WEI);
  await h.services.declarations.declare(id, { stays: [], contacts: [], symptoms: [], temperature: 36.5 });
  const phone = newPhone();
  const { pass } = await h.services.offlinePasses.issue(id, { publicKey: phone.publicKey });
  return { id, phone, pass };
}

describeOnEachEngine('an offline code scanned', (h) => {
  it('is stored when uploaded later, judged as of its scan time with the colour its pass holds', async () => {
    const device = await gate(h());
    const { phone, pass } = await zhangWithPass(h());
    const scannedAt = h().clock.now().getTime();
    const text = phone.present(pass, scannedAt);
    h().clock.advance(20 * MINUTE_MS);
    const [outcome] = await h().services.scans.recordScans(device, [{ scanId: 'east3-pass-1', token: text, scannedAt: new Date(scannedAt).toISOString() }], 'offline');
    assert.deepEqual([outcome?.status, outcome?.colour, outcome?.admitted, outcome?.reason], ['stored', 'green', true, 'allowed']);
  });

  it('checked online gives the colour decided now: a resident turned yellow while offline is refused', async () => {
    const device = await gate(h());
    const { id, phone, pass } = await zhangWithPass(h());
    h().clock.advance(HOUR_MS);
    await h().services.declarations.declare(id, { stays: [], contacts: [], symptoms: ['dry_cough'], temperature: 37.9 });
    const outcome = await h().services.scans.verifyOnline(device, { scanId: 'east3-pass-2', token: phone.present(pass, h().clock.now().getTime()) });
    assert.deepEqual([outcome.colour, outcome.admitted, outcome.reason], ['yellow', false, 'colour-not-admitted']);
    assert.equal(outcome.decidedAt, h().clock.now().getTime());
  });

  it('checked online is refused when it is a screenshot two minutes old', async () => {
    const device = await gate(h());
    const { phone, pass } = await zhangWithPass(h());
    const text = phone.present(pass, h().clock.now().getTime());
    h().clock.advance(2 * MINUTE_MS);
    const outcome = await h().services.scans.verifyOnline(device, { scanId: 'east3-pass-3', token: text });
    assert.deepEqual([outcome.admitted, outcome.reason], [false, 'stale-presentation']);
  });

  it("is refused where the venue's policy wants a colour vouched for more recently than its pass's", async () => {
    await h().services.venues.setPolicy('hospital', { allowed: ['green', 'gray', 'yellow', 'red'], overlapMinutes: 60, decidedWithinMinutes: 6 * 60 });
    const device = await gate(h(), 'hospital');
    const { phone, pass } = await zhangWithPass(h());
    // The phone stayed offline: its pass, still valid, vouches for a colour seven hours old.
    h().clock.advance(7 * HOUR_MS);
    const at = h().clock.now().getTime();
    const [outcome] = await h().services.scans.recordScans(device, [{ scanId: 'ward-pass-1', token: phone.present(pass, at), scannedAt: new Date(at).toISOString() }], 'offline');
    assert.deepEqual([outcome?.colour, outcome?.admitted, outcome?.reason], ['green', false, 'decided-too-long-ago']);
  });

  it("admits, under that policy, a pass issued a minute ago to a resident whose colour has not changed for ten hours", async () => {
    await h().services.venues.setPolicy('hospital', { allowed: ['green', 'gray', 'yellow', 'red'], overlapMinutes: 60, decidedWithinMinutes: 6 * 60 });
    const device = await gate(h(), 'hospital');
    const { id, phone } = await zhangWithPass(h());
    h().clock.advance(10 * HOUR_MS);
    const { pass } = await h().services.offlinePasses.issue(id, { publicKey: phone.publicKey });
    h().clock.advance(MINUTE_MS);
    const at = h().clock.now().getTime();
    const [outcome] = await h().services.scans.recordScans(device, [{ scanId: 'ward-pass-2', token: phone.present(pass, at), scannedAt: new Date(at).toISOString() }], 'offline');
    assert.deepEqual([outcome?.colour, outcome?.admitted, outcome?.reason], ['green', true, 'allowed']);
  });

  it('refuses an entry policy whose decided-within bound is not a whole number of minutes from 1 to 1440, naming the field', async () => {
    await assert.rejects(h().services.venues.setPolicy('hospital', { allowed: ['green'], overlapMinutes: 60, decidedWithinMinutes: 0 }), (e: unknown) => JSON.stringify(e).includes('decidedWithinMinutes'));
  });
});

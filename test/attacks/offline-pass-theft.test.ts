import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeOnEachEngine } from '../support/harness.js';
import { LIU_FANG, ZHANG_WEI } from '../support/people.js';
import { newPhone } from '../support/phone-key.js';
import { signedUpThroughApi } from '../support/sign-in.js';
import { NON_CANONICAL_KEYS, SMALL_ORDER_KEYS } from '../support/weak-keys.js';

/** A stranger after someone else's offline pass, and a pass copied off its phone, over the API. */
describeOnEachEngine('an offline pass attacked over the API', (h) => {
  it("refuses a stranger's session a pass for another resident, as if there were none", async () => {
    const app = await h().app();
    const [zhang, liu] = [await signedUpThroughApi(h(), ZHANG_WEI), await signedUpThroughApi(h(), LIU_FANG)];
    const asked = await app.inject({ method: 'POST', url: `/api/v1/residents/${zhang.id}/offline-pass`, headers: liu.auth, payload: { publicKey: newPhone().publicKey } });
    assert.equal(asked.statusCode, 404);
    assert.equal(asked.json().pass, undefined);
  });

  it('refuses at a checkpoint a pass copied to another phone, which signs it with its own key', async () => {
    const app = await h().app();
    const zhang = await signedUpThroughApi(h(), ZHANG_WEI);
    const [owner, thief] = [newPhone(), newPhone()];
    const issued = await app.inject({ method: 'POST', url: `/api/v1/residents/${zhang.id}/offline-pass`, headers: zhang.auth, payload: { publicKey: owner.publicKey } });
    assert.equal(issued.statusCode, 200);
    const venue = await h().services.venues.registerVenue({ name: '杭州东站', type: 'hospital', region: '330102', address: '天城路 1 号', latitude: 30.29, longitude: 120.21, operator: '杭州地铁' });
    const { token } = await h().services.venues.registerCheckpointDevice(venue.id, '东广场 3 号闸机');
    const now = h().clock.now().getTime();
    const checked = await app.inject({ method: 'POST', url: '/api/v1/checkpoint/verify', headers: { authorization: `Bearer ${token}` }, payload: { scanId: 'copied-1', token: thief.present(issued.json().pass, now) } });
    assert.deepEqual([checked.json().admitted, checked.json().reason, checked.json().colour], [false, 'device-signature', null]);
    const genuine = await app.inject({ method: 'POST', url: '/api/v1/checkpoint/verify', headers: { authorization: `Bearer ${token}` }, payload: { scanId: 'genuine-1', token: owner.present(issued.json().pass, now) } });
    assert.equal(genuine.json().admitted, true);
  });

  it('refuses a public key that is not one, naming the field', async () => {
    const app = await h().app();
    const zhang = await signedUpThroughApi(h(), ZHANG_WEI);
    const asked = await app.inject({ method: 'POST', url: `/api/v1/residents/${zhang.id}/offline-pass`, headers: zhang.auth, payload: { publicKey: 'MCowBQYDK2VwAyEA' } });
    assert.equal(asked.statusCode, 422);
    assert.match(asked.body, /publicKey/);
  });
  it('refuses a pass bound to a small-order or non-canonical key, which would verify forged presentations', async () => {
    const app = await h().app();
    const zhang = await signedUpThroughApi(h(), ZHANG_WEI);
    for (const key of [...SMALL_ORDER_KEYS, ...NON_CANONICAL_KEYS]) {
      const asked = await app.inject({ method: 'POST', url: `/api/v1/residents/${zhang.id}/offline-pass`, headers: zhang.auth, payload: { publicKey: Buffer.from(key, 'hex').toString('base64url') } });
      assert.equal(asked.statusCode, 422, key);
      assert.equal(asked.json().errors?.[0]?.field ?? asked.json().field, 'publicKey', key);
      assert.equal(asked.json().pass, undefined);
    }
  });

  it('refuses, with a verdict and not a 404, a pass whose resident has since deleted the account', async () => {
    const app = await h().app();
    const zhang = await signedUpThroughApi(h(), ZHANG_WEI);
    const owner = newPhone();
    const issued = await app.inject({ method: 'POST', url: `/api/v1/residents/${zhang.id}/offline-pass`, headers: zhang.auth, payload: { publicKey: owner.publicKey } });
    assert.equal(issued.statusCode, 200);
    const venue = await h().services.venues.registerVenue({ name: '杭州东站', type: 'hospital', region: '330102', address: '天城路 1 号', latitude: 30.29, longitude: 120.21, operator: '杭州地铁' });
    const { token } = await h().services.venues.registerCheckpointDevice(venue.id, '东广场 3 号闸机');
    const deleted = await app.inject({ method: 'DELETE', url: `/api/v1/residents/${zhang.id}`, headers: zhang.auth });
    assert.ok(deleted.statusCode < 300, deleted.body);
    const now = h().clock.now().getTime();
    const checked = await app.inject({ method: 'POST', url: '/api/v1/checkpoint/verify', headers: { authorization: `Bearer ${token}` }, payload: { scanId: 'gone-1', token: owner.present(issued.json().pass, now) } });
    assert.equal(checked.statusCode, 200);
    assert.deepEqual([checked.json().admitted, checked.json().reason, checked.json().colour], [false, 'holder-gone', null]);
  });

  it('stores as refused an offline upload of a pass whose resident has since deleted the account', async () => {
    const app = await h().app();
    const zhang = await signedUpThroughApi(h(), ZHANG_WEI);
    const owner = newPhone();
    const issued = await app.inject({ method: 'POST', url: `/api/v1/residents/${zhang.id}/offline-pass`, headers: zhang.auth, payload: { publicKey: owner.publicKey } });
    const venue = await h().services.venues.registerVenue({ name: '杭州东站', type: 'hospital', region: '330102', address: '天城路 1 号', latitude: 30.29, longitude: 120.21, operator: '杭州地铁' });
    const { token } = await h().services.venues.registerCheckpointDevice(venue.id, '东广场 3 号闸机');
    await app.inject({ method: 'DELETE', url: `/api/v1/residents/${zhang.id}`, headers: zhang.auth });
    const now = h().clock.now();
    const upload = await app.inject({ method: 'POST', url: '/api/v1/checkpoint/scans', headers: { authorization: `Bearer ${token}` }, payload: { scans: [{ scanId: 'gone-2', token: owner.present(issued.json().pass, now.getTime()), scannedAt: now.toISOString() }] } });
    const [result] = upload.json().results;
    assert.deepEqual([result.status, result.admitted, result.reason, result.colour], ['stored', false, 'holder-gone', null]);
  });
});

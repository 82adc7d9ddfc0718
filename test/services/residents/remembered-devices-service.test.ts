import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DAY_MS } from '../../../src/domain/clock.js';
import { REMEMBERED_DEVICE_LIMITS } from '../../../src/services/residents/remembered-devices-service.js';
import { describeOnEachEngine, type Harness } from '../../support/harness.js';
import { LIU_FANG, ZHANG_WEI } from '../../support/people.js';
import { registerVerified } from '../../support/sign-in.js';

const REFUSED = /this device is no longer signed in/;

/** Zhang Wei just signed in with an SMS code on his phone, and asked to stay signed in on it. */
async function rememberedPhone(h: Harness, person = ZHANG_WEI) {
  const id = await registerVerified(h, person);
  const session = await h.services.signIn.sessionFor(id, h.clock.now().getTime());
  const caller = await h.services.signIn.authenticate(session.token);
  const device = await h.services.rememberedDevices.remember(caller, 'Safari on iPhone');
  return { id, caller, session, device };
}

describeOnEachEngine('staying signed in on one’s own device', (h) => {
  it('opens a new session from the remembered device, with no SMS code, once the last one has ended', async () => {
    const { id, device } = await rememberedPhone(h());
    h().clock.advance(13 * 3_600_000);
    const { session } = await h().services.rememberedDevices.refresh(device.refreshToken);
    assert.equal((await h().services.signIn.authenticate(session.token)).residentId, id);
  });

  it('replaces the credential each time it is used, so the one just used opens nothing more', async () => {
    const { device } = await rememberedPhone(h());
    const first = await h().services.rememberedDevices.refresh(device.refreshToken);
    assert.notEqual(first.device.refreshToken, device.refreshToken);
    const second = await h().services.rememberedDevices.refresh(first.device.refreshToken);
    assert.notEqual(second.device.refreshToken, first.device.refreshToken);
    await assert.rejects(h().services.rememberedDevices.refresh(device.refreshToken), REFUSED);
  });

  it('signs the device out when a replaced credential is shown again: someone copied it', async () => {
    const { device } = await rememberedPhone(h());
    const next = await h().services.rememberedDevices.refresh(device.refreshToken);
    await assert.rejects(h().services.rememberedDevices.refresh(device.refreshToken), REFUSED);
    await assert.rejects(h().services.rememberedDevices.refresh(next.device.refreshToken), REFUSED);
    await assert.rejects(h().services.signIn.authenticate(next.session.token), /the session has ended/);
  });

  it('catches a thief who refreshed twice with a copied credential when the phone shows its own', async () => {
    const { device } = await rememberedPhone(h());
    const thief1 = await h().services.rememberedDevices.refresh(device.refreshToken);
    h().clock.advance(60_000);
    const thief2 = await h().services.rememberedDevices.refresh(thief1.device.refreshToken);
    h().clock.advance(120_000);
    await assert.rejects(h().services.rememberedDevices.refresh(device.refreshToken), REFUSED, 'the phone’s own credential, two replacements old');
    await assert.rejects(h().services.rememberedDevices.refresh(thief2.device.refreshToken), REFUSED, 'the thief’s newest credential');
    await assert.rejects(h().services.signIn.authenticate(thief2.session.token), /the session has ended/);
  });

  it('catches a thief even when the phone comes back within seconds of the thief’s refresh', async () => {
    const { device } = await rememberedPhone(h());
    const thief = await h().services.rememberedDevices.refresh(device.refreshToken);
    h().clock.advance(2_000);
    await assert.rejects(h().services.rememberedDevices.refresh(device.refreshToken), REFUSED);
    await assert.rejects(h().services.rememberedDevices.refresh(thief.device.refreshToken), REFUSED);
    await assert.rejects(h().services.signIn.authenticate(thief.session.token), /the session has ended/);
  });

  it('ends the device when two refreshes race with one credential: the same copy shown twice', async () => {
    const { device } = await rememberedPhone(h());
    const results = await Promise.allSettled([h().services.rememberedDevices.refresh(device.refreshToken), h().services.rememberedDevices.refresh(device.refreshToken)]);
    const won = results.filter((r) => r.status === 'fulfilled');
    assert.ok(won.length <= 1, 'at most one of two uses of one credential opens a session');
    for (const r of won) {
      await assert.rejects(h().services.rememberedDevices.refresh(r.value.device.refreshToken), REFUSED);
      await assert.rejects(h().services.signIn.authenticate(r.value.session.token), /the session has ended/);
    }
  });

  it('ends in memory too a session the device opened just as its revocation began', async () => {
    const { device } = await rememberedPhone(h());
    const feed = h().ctx.database.changes;
    const commit = feed.commit.bind(feed);
    let racing: Promise<{ session: { token: string } }> | undefined;
    // The other use of the copied credential wins its refresh after the revocation was asked for and
    // before it writes: the session it opens is kept as active in memory from its first moment.
    feed.commit = async (db, change, work) => {
      feed.commit = commit;
      racing = h().services.rememberedDevices.refresh(device.refreshToken);
      await racing;
      return commit(db, change, work);
    };
    try {
      await h().ctx.stores.rememberedDevices.revoke(device.id, h().clock.now().getTime());
    } finally {
      feed.commit = commit;
    }
    const { session } = await racing!;
    await assert.rejects(h().services.signIn.authenticate(session.token), /the session has ended/);
  });

  it('remembers one device per SMS sign-in: a session cannot seed a row of devices', async () => {
    const { caller } = await rememberedPhone(h());
    await assert.rejects(h().services.rememberedDevices.remember(caller, 'Chrome on Android'), (error: Error & { errors?: { field: string }[] }) => error.errors?.[0]?.field === 'label');
    assert.equal((await h().services.rememberedDevices.list(caller)).length, 1);
  });

  it('lets only one of twenty racing requests from one SMS session remember a device', async () => {
    const id = await registerVerified(h(), ZHANG_WEI);
    const caller = await h().services.signIn.authenticate((await h().services.signIn.sessionFor(id, h().clock.now().getTime())).token);
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => h().services.rememberedDevices.remember(caller, `Phone ${i}`)));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    assert.equal((await h().services.rememberedDevices.list(caller)).length, 1);
  });

  it('signing out the SMS session signs its remembered device out too', async () => {
    const { caller, device } = await rememberedPhone(h());
    await h().services.signIn.signOut(caller.sessionId);
    await assert.rejects(h().services.rememberedDevices.refresh(device.refreshToken), REFUSED);
  });

  it('signing out a session the device opened signs the device out, not only that session', async () => {
    const { device } = await rememberedPhone(h());
    const opened = await h().services.rememberedDevices.refresh(device.refreshToken);
    const onDevice = await h().services.signIn.authenticate(opened.session.token);
    await h().services.signIn.signOut(onDevice.sessionId);
    await assert.rejects(h().services.rememberedDevices.refresh(opened.device.refreshToken), REFUSED);
  });

  it('remembers a device only right after an SMS sign-in, not from a session hours old', async () => {
    const id = await registerVerified(h(), ZHANG_WEI);
    const session = await h().services.signIn.sessionFor(id, h().clock.now().getTime());
    h().clock.advance((REMEMBERED_DEVICE_LIMITS.rememberWithinMinutes + 1) * 60_000);
    await assert.rejects(h().services.rememberedDevices.remember(await h().services.signIn.authenticate(session.token), 'Safari on iPhone'), /only right after signing in/);
  });

  it('forgets a device left unused for 30 days', async () => {
    const { device } = await rememberedPhone(h());
    h().clock.advance(REMEMBERED_DEVICE_LIMITS.idleDays * DAY_MS);
    await assert.rejects(h().services.rememberedDevices.refresh(device.refreshToken), REFUSED);
  });

  it('asks for the phone again after 180 days, however often the device was used', async () => {
    let { device } = await rememberedPhone(h());
    for (let day = 0; day < REMEMBERED_DEVICE_LIMITS.mostDays; day += 20) {
      h().clock.advance(20 * DAY_MS);
      if (day + 20 >= REMEMBERED_DEVICE_LIMITS.mostDays) break;
      device = (await h().services.rememberedDevices.refresh(device.refreshToken)).device;
    }
    await assert.rejects(h().services.rememberedDevices.refresh(device.refreshToken), REFUSED);
  });

  it('lists the devices, this one marked, and signing one out ends its sessions at once', async () => {
    const { caller, device } = await rememberedPhone(h());
    const { session } = await h().services.rememberedDevices.refresh(device.refreshToken);
    const onDevice = await h().services.signIn.authenticate(session.token);
    assert.deepEqual((await h().services.rememberedDevices.list(onDevice)).map((d) => [d.label, d.current]), [['Safari on iPhone', true]]);
    await h().services.rememberedDevices.signOut(caller, device.id);
    await assert.rejects(h().services.signIn.authenticate(session.token), /the session has ended/);
    assert.deepEqual(await h().services.rememberedDevices.list(caller), []);
  });

  it('does not let another resident sign my device out, nor tell them it exists', async () => {
    const { device } = await rememberedPhone(h());
    const other = await rememberedPhone(h(), LIU_FANG);
    await assert.rejects(h().services.rememberedDevices.signOut(other.caller, device.id), /not found/i);
    await h().services.rememberedDevices.refresh(device.refreshToken);
  });

  it('refuses a malformed or made-up credential as it refuses a wrong one', async () => {
    const { device } = await rememberedPhone(h());
    for (const token of ['', 'x', `${device.id}.short`, `${device.id}.${'A'.repeat(43)}`, `00000000-0000-0000-0000-000000000000.${'A'.repeat(43)}`]) {
      await assert.rejects(h().services.rememberedDevices.refresh(token), REFUSED, token);
    }
    await h().services.rememberedDevices.refresh(device.refreshToken);
  });

  it('names the field when the device has no usable name', async () => {
    const id = await registerVerified(h(), ZHANG_WEI);
    const caller = await h().services.signIn.authenticate((await h().services.signIn.sessionFor(id, h().clock.now().getTime())).token);
    await assert.rejects(h().services.rememberedDevices.remember(caller, '   '), (error: Error & { errors?: { field: string }[] }) => error.errors?.[0]?.field === 'label');
  });

  it('speaks HTTP: remember, refresh, list and sign out, each refusal a problem naming why', async () => {
    const app = await h().app();
    const id = await registerVerified(h(), ZHANG_WEI);
    const session = await h().services.signIn.sessionFor(id, h().clock.now().getTime());
    const auth = { authorization: `Bearer ${session.token}` };
    const remembered = await app.inject({ method: 'POST', url: '/api/v1/devices', headers: auth, payload: { label: 'Chrome on Android' } });
    assert.equal(remembered.statusCode, 201, remembered.body);
    const refreshed = await app.inject({ method: 'POST', url: '/api/v1/sign-in/refresh', payload: { refreshToken: remembered.json().refreshToken } });
    assert.equal(refreshed.statusCode, 201, refreshed.body);
    const onDevice = { authorization: `Bearer ${refreshed.json().session.token}` };
    const listed = await app.inject({ method: 'GET', url: '/api/v1/devices', headers: onDevice });
    assert.deepEqual(listed.json().map((d: { label: string; current: boolean }) => [d.label, d.current]), [['Chrome on Android', true]]);
    const signedOut = await app.inject({ method: 'DELETE', url: `/api/v1/devices/${remembered.json().id}`, headers: onDevice });
    assert.equal(signedOut.statusCode, 204);
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/devices', headers: onDevice })).statusCode, 401);
    const again = await app.inject({ method: 'POST', url: '/api/v1/sign-in/refresh', payload: { refreshToken: refreshed.json().device.refreshToken } });
    assert.deepEqual([again.statusCode, again.headers['content-type']], [401, 'application/problem+json; charset=utf-8']);
    assert.equal((await app.inject({ method: 'POST', url: '/api/v1/devices', payload: { label: 'x' } })).statusCode, 401);
  });
});

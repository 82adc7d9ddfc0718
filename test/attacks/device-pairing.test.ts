import assert from 'node:assert/strict';
import { it } from 'node:test';
import { PAIRING_MINUTES } from '../../src/services/checkpoints/venues-service.js';
import { describeOnEachEngine, type Harness } from '../support/harness.js';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const SCHOOL = { name: '仓前中学', type: 'school', region: '330110', address: '余杭区仓前街道余杭塘路 2111 号', latitude: 30.2899, longitude: 119.9953, operator: '余杭区教育局' };

/** The school's gatekeeper registers its venue and a gate device; the venue app shows a pairing QR. */
async function schoolGate(h: Harness) {
  const app = await h.app();
  const staff = await h.services.staff.create('仓前中学 门卫室', 'venue');
  const school = (await app.inject({ method: 'POST', url: '/api/v1/venues', headers: bearer(staff.token), payload: SCHOOL })).json();
  const device = (await app.inject({ method: 'POST', url: `/api/v1/venues/${school.id}/devices`, headers: bearer(staff.token), payload: { name: '东门 1 号' } })).json();
  return { app, staff, school, device };
}

const pair = (h: Harness, code: string) => h.app().then((app) => app.inject({ method: 'POST', url: '/api/v1/checkpoint/pair', payload: { code } }));
const me = (h: Harness, token: string) => h.app().then((app) => app.inject({ method: 'GET', url: '/api/v1/checkpoint/me', headers: bearer(token) }));

describeOnEachEngine('pairing a gate scanner by a scanned code', (h) => {
  it('gives the scanner a credential that works at the gate', async () => {
    const { device } = await schoolGate(h());
    assert.match(device.pairing.code, /^HCPAIR1:[0-9A-F]{40}$/);
    const paired = await pair(h(), device.pairing.code);
    assert.equal(paired.statusCode, 201, paired.body);
    assert.equal((await me(h(), paired.json().token)).statusCode, 200);
  });

  it('works once: of two scanners presenting the same code at once, one is paired', async () => {
    const { device } = await schoolGate(h());
    const answers = await Promise.all([pair(h(), device.pairing.code), pair(h(), device.pairing.code)]);
    assert.deepEqual(answers.map((a) => a.statusCode).sort(), [201, 401]);
    assert.equal((await pair(h(), device.pairing.code)).statusCode, 401);
  });

  it(`stops working ${PAIRING_MINUTES} minutes after it is shown`, async () => {
    const { device } = await schoolGate(h());
    h().clock.advance(PAIRING_MINUTES * 60_000);
    const late = await pair(h(), device.pairing.code);
    assert.equal(late.statusCode, 401);
    assert.match(late.json().detail, /used or has expired/);
  });

  it('replaces the credential shown for copying: a photo of the screen taken before is worth nothing after', async () => {
    const { device } = await schoolGate(h());
    await pair(h(), device.pairing.code);
    assert.equal((await me(h(), device.token)).statusCode, 401);
  });

  it('makes the code shown before stop working when a new one is shown', async () => {
    const { app, staff, school, device } = await schoolGate(h());
    const fresh = await app.inject({ method: 'POST', url: `/api/v1/venues/${school.id}/devices/${device.deviceId}/pairing`, headers: bearer(staff.token) });
    assert.equal(fresh.statusCode, 201);
    assert.equal((await pair(h(), device.pairing.code)).statusCode, 401);
    assert.equal((await pair(h(), fresh.json().code)).statusCode, 201);
  });

  it("refuses a pairing code for another operator's device", async () => {
    const { app, school, device } = await schoolGate(h());
    const other = await h().services.staff.create('印象城 物业', 'venue');
    const response = await app.inject({ method: 'POST', url: `/api/v1/venues/${school.id}/devices/${device.deviceId}/pairing`, headers: bearer(other.token) });
    assert.equal(response.statusCode, 403);
  });

  it('refuses what is not a pairing code, a guessed one alike', async () => {
    await schoolGate(h());
    for (const code of ['', 'hello', 'HCPAIR1:', `HCPAIR1:${'0'.repeat(40)}`, `HCPAIR1:${'g'.repeat(40)}`]) assert.equal((await pair(h(), code)).statusCode, 401, code);
  });
});

import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { TokenVerifier } from '../../src/codes/token-verifier.js';
import { nodeVerify } from '../../src/codes/token-signer.js';
import { DAY_MS } from '../../src/domain/clock.js';
import { describeOnEachEngine, type Harness } from '../support/harness.js';
import { ZHANG_WEI } from '../support/people.js';
import { signedUpThroughApi } from '../support/sign-in.js';

async function signedIn(h: Harness, app: FastifyInstance) {
  return signedUpThroughApi(h, ZHANG_WEI, app);
}

const wuhanTrip = {
  stays: [{ region: '420106', arrival: '2026-11-12T08:00:00+08:00', departure: '2026-11-15T18:30:00+08:00' }],
  contacts: [],
  symptoms: [],
  temperature: 36.5,
};

describeOnEachEngine('a code through a high-risk listing and a quarantine', (h) => {
  it('goes green, red when the region is listed, and green again after the check-ins', async () => {
    const app = await h().app();
    const { id, auth } = await signedIn(h(), app);
    const staff = await h().services.staff.create('疾控中心 值班员', 'authority');
    const authority = { authorization: `Bearer ${staff.token}` };

    assert.equal((await app.inject({ method: 'POST', url: `/api/v1/residents/${id}/declarations`, headers: auth, payload: wuhanTrip })).statusCode, 201);
    const green = (await app.inject({ method: 'GET', url: `/api/v1/residents/${id}/code`, headers: auth })).json();
    assert.equal(green.colour, 'green');

    // The token verifies offline against the published trust list.
    const trustList = (await app.inject({ method: 'GET', url: '/api/v1/trust-list' })).json();
    const verified = await new TokenVerifier(trustList, nodeVerify()).verify(green.token, h().clock.now().getTime());
    assert.ok(verified.valid);
    assert.deepEqual([verified.claims.colour, verified.claims.maskedName, verified.claims.issuer], ['green', '张*', 'CN-330000']);

    h().clock.advance(60_000);
    const listed = await app.inject({ method: 'POST', url: '/api/v1/risk-areas', headers: authority, payload: { region: '420100', level: 'high', from: '2026-11-10T00:00:00+08:00' } });
    assert.equal(listed.statusCode, 200);
    // The one resident re-decided is shown as a range: an exact 1 would name him.
    assert.deepEqual([listed.json().counted, listed.json().redecided, listed.json().colourChanges], ['CN', { atLeast: 1, atMost: 4 }, { atLeast: 0, atMost: 4 }]);

    const red = (await app.inject({ method: 'GET', url: `/api/v1/residents/${id}/code`, headers: auth })).json();
    assert.equal(red.colour, 'red');
    assert.equal(red.rules[0].id, 'red-high-risk-area');
    assert.equal(red.rules[0].evidence[0].detail.regionName, '湖北省 武汉市 武昌区');
    assert.equal(red.greenOn, '2026-11-29T10:30:00.000Z');
    const history = (await app.inject({ method: 'GET', url: `/api/v1/residents/${id}/decisions`, headers: auth })).json();
    assert.deepEqual(
      history.map((d: { colour: string; cause: string; ruleSet: { version: number } }) => [d.colour, d.cause, d.ruleSet.version]),
      [
        ['red', 'risk area 420100 high', 1],
        ['green', 'declaration', 1],
      ],
    );

    // Daily check-ins until the 14 days after leaving Wuhan are over: today's through the API, the
    // rest through the service, as the one-hour session would have ended.
    const first = await app.inject({ method: 'POST', url: `/api/v1/residents/${id}/check-ins`, headers: auth, payload: { temperature: 36.5, symptoms: [] } });
    assert.equal(first.statusCode, 201, first.body);
    for (let day = 1; day < 10; day++) {
      h().clock.advance(DAY_MS);
      assert.equal((await h().services.checkIns.checkIn(id, { temperature: 36.6, symptoms: [] })).decision.colour, 'red');
    }
    h().clock.set('2026-11-29T19:00:00+08:00');
    const after = await h().services.healthCodes.issue(id);
    assert.equal(after.decision.colour, 'green');
  });

  it('stays red past the 14 days when the check-ins were missed', async () => {
    const app = await h().app();
    const { id, auth } = await signedIn(h(), app);
    await app.inject({ method: 'POST', url: `/api/v1/residents/${id}/declarations`, headers: auth, payload: wuhanTrip });
    await h().services.authority.setRiskArea({ region: '420100', level: 'high', from: '2026-11-10T00:00:00+08:00' });
    h().clock.set('2026-11-29T19:00:00+08:00');
    await h().services.declarations.declare(id, { stays: [], contacts: [], symptoms: [], temperature: 36.4 });
    // The session has long expired by now; the service answers what the resident would see.
    const code = await h().services.decisions.decide(id, 'code shown');
    assert.equal(code.colour, 'red');
    assert.deepEqual([code.rules[0]?.status, code.rules[0]?.checkIns], ['awaiting-check-ins', { required: 3, onSymptoms: 'reset', streak: 0 }]);
  });

  it('refuses check-ins for a green code, and takes a second one the same day as a reading beside the first', async () => {
    const app = await h().app();
    const { id, auth } = await signedIn(h(), app);
    await app.inject({ method: 'POST', url: `/api/v1/residents/${id}/declarations`, headers: auth, payload: wuhanTrip });
    const green = await app.inject({ method: 'POST', url: `/api/v1/residents/${id}/check-ins`, headers: auth, payload: { temperature: 36.5, symptoms: [] } });
    assert.equal(green.statusCode, 409);
    assert.equal(green.json().reason, 'not-in-quarantine');
    await h().services.authority.setRiskArea({ region: '420106', level: 'high', from: '2026-11-10T00:00:00+08:00' });
    assert.equal((await app.inject({ method: 'POST', url: `/api/v1/residents/${id}/check-ins`, headers: auth, payload: { temperature: 36.5, symptoms: [] } })).statusCode, 201);
    const twice = await app.inject({ method: 'POST', url: `/api/v1/residents/${id}/check-ins`, headers: auth, payload: { temperature: 36.5, symptoms: [] } });
    assert.equal(twice.statusCode, 201);
    assert.deepEqual(twice.json().today.readings.map((r: { temperature: number }) => r.temperature), [36.5, 36.5]);
  });

  it('serves the QR code as SVG and PNG', async () => {
    const app = await h().app();
    const { id, auth } = await signedIn(h(), app);
    const svg = await app.inject({ method: 'GET', url: `/api/v1/residents/${id}/code.svg`, headers: auth });
    assert.match(svg.headers['content-type'] as string, /^image\/svg\+xml/);
    assert.match(svg.body, /<svg/);
    const png = await app.inject({ method: 'GET', url: `/api/v1/residents/${id}/code.png`, headers: auth });
    assert.deepEqual([...png.rawPayload.subarray(1, 4)], [0x50, 0x4e, 0x47]);
  });
});

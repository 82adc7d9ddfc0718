import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeOnEachEngine, type Harness } from '../support/harness.js';
import { ZHANG_WEI } from '../support/people.js';
import { lastCodeSentTo, registerVerified } from '../support/sign-in.js';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const ZHANG_PHONE = '+8613912345678';

/**
 * Zhang is yellow from a stay in a medium-risk district of Hangzhou and appeals, asking for green.
 * Before anyone answers, he declares a trip to Wuchang, listed high-risk: he turns red. An officer
 * then tries to close the appeal as "corrected", which Zhang would read while his code is red.
 */
async function yellowAppealTurnedRed(h: Harness) {
  const app = await h.app();
  const id = await registerVerified(h, ZHANG_WEI);
  h.clock.advance(61_000);
  await h.services.signIn.requestSignInCode(ZHANG_WEI.phone!);
  const zhang = bearer((await h.services.signIn.verifySignInCode(ZHANG_WEI.phone!, await lastCodeSentTo(h, ZHANG_PHONE))).token);
  const code = async () => (await app.inject({ method: 'GET', url: `/api/v1/residents/${id}/code`, headers: zhang })).json<{ colour: string }>().colour;
  await h.services.authority.setRiskArea({ region: '330106', level: 'medium', from: '2026-11-10T00:00:00+08:00' });
  await h.services.declarations.declare(id, { stays: [{ region: '330106', arrival: '2026-11-12T08:00:00+08:00', departure: '2026-11-13T18:30:00+08:00' }], contacts: [], symptoms: [], temperature: 36.5 });
  assert.equal(await code(), 'yellow');
  const filed = await app.inject({ method: 'POST', url: `/api/v1/residents/${id}/appeals`, headers: zhang, payload: { message: '我在西湖区只是路过，不到四小时。', colourAsked: 'green' } });
  assert.equal(filed.statusCode, 201, filed.body);
  await h.services.authority.setRiskArea({ region: '420100', level: 'high', from: '2026-11-10T00:00:00+08:00' });
  await h.services.declarations.declare(id, { stays: [{ region: '420106', arrival: '2026-11-14T08:00:00+08:00', departure: '2026-11-15T18:30:00+08:00' }], contacts: [], symptoms: [], temperature: 36.5 });
  assert.equal(await code(), 'red');
  const wang = await h.services.staff.create('余杭区疾控中心 王主任', 'authority');
  const mine = async () => (await app.inject({ method: 'GET', url: `/api/v1/residents/${id}/appeals`, headers: zhang })).json<{ status: string }[]>()[0]!;
  return { app, appealId: filed.json<{ id: string }>().id, wang, mine };
}

describeOnEachEngine('an officer answering "corrected" when the colour got worse', (h) => {
  it('is refused with the reason: red is no milder than the yellow appealed, and the appeal stays open', async () => {
    const { app, appealId, wang, mine } = await yellowAppealTurnedRed(h());
    const answered = await app.inject({ method: 'POST', url: `/api/v1/appeals/${appealId}/answer`, headers: bearer(wang.token), payload: { outcome: 'corrected', response: '您的健康码已更正。' } });
    assert.equal(answered.statusCode, 409, answered.body);
    assert.match(answered.json().detail, /now red, no milder than the yellow appealed: that is no correction/);
    assert.equal((await mine()).status, 'open', 'Zhang does not read "corrected" while red');
  });
});

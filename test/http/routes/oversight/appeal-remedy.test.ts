import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DAY_MS } from '../../../../src/domain/clock.js';
import { describeOnEachEngine, type Harness } from '../../../support/harness.js';
import { ZHANG_WEI } from '../../../support/people.js';
import { lastCodeSentTo, registerVerified } from '../../../support/sign-in.js';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const ZHANG_PHONE = '+8613912345678';
const wuhanTrip = {
  stays: [{ region: '420106', arrival: '2026-11-12T08:00:00+08:00', departure: '2026-11-15T18:30:00+08:00' }],
  contacts: [],
  symptoms: [],
  temperature: 36.5,
};

/**
 * Zhang is red from a Wuchang listing; he appeals, asking for green. Two officers of the health
 * authority, Wang and Li, answer.
 */
async function appealed(h: Harness) {
  const app = await h.app();
  const id = await registerVerified(h, ZHANG_WEI);
  h.clock.advance(61_000);
  await h.services.signIn.requestSignInCode(ZHANG_WEI.phone!);
  const session = await h.services.signIn.verifySignInCode(ZHANG_WEI.phone!, await lastCodeSentTo(h, ZHANG_PHONE));
  const zhang = { id, auth: bearer(session.token) };
  await h.services.declarations.declare(id, wuhanTrip);
  await h.services.authority.setRiskArea({ region: '420100', level: 'high', from: '2026-11-10T00:00:00+08:00' });
  const filed = await app.inject({ method: 'POST', url: `/api/v1/residents/${id}/appeals`, headers: zhang.auth, payload: { message: '我 11 月 15 日已离开武昌，那时尚未列为高风险地区。', colourAsked: 'green' } });
  assert.equal(filed.statusCode, 201, filed.body);
  const [wang, li] = [await h.services.staff.create('余杭区疾控中心 王主任', 'authority'), await h.services.staff.create('余杭区疾控中心 李医生', 'authority')];
  const code = async () => (await app.inject({ method: 'GET', url: `/api/v1/residents/${id}/code`, headers: zhang.auth })).json<{ colour: string }>().colour;
  const mine = async () => (await app.inject({ method: 'GET', url: `/api/v1/residents/${id}/appeals`, headers: zhang.auth })).json<{ status: string; response: string; correction: { colour: string; status: string } | null }[]>()[0]!;
  // What Zhang's phone receives from the appeal on: the red it turned before is not part of it.
  const sentBefore = new Set((await h.ctx.stores.outbox.list(50, ZHANG_PHONE)).map((m) => m.id));
  const texts = async () => (await h.ctx.stores.outbox.list(20, ZHANG_PHONE)).filter((m) => !sentBefore.has(m.id)).map((m) => m.body);
  const upholdWithCorrection = () =>
    app.inject({
      method: 'POST',
      url: `/api/v1/appeals/${filed.json<{ id: string }>().id}/correction`,
      headers: bearer(wang.token),
      payload: { colour: 'green', reason: 'record-error', note: '核实铁路记录，您于 11 月 15 日离开武昌，早于列为高风险地区。', expiresAt: new Date(h.clock.now().getTime() + 7 * DAY_MS).toISOString(), response: '申诉成立：您离开武昌早于列为高风险地区。' },
    });
  return { app, zhang, appealId: filed.json<{ id: string }>().id, wang, li, code, mine, texts, upholdWithCorrection };
}

describeOnEachEngine('an appeal upheld leads to a real remedy', (h) => {
  it("refuses to answer 'corrected' while the colour is still the one appealed, and says what to do instead", async () => {
    const { app, appealId, wang, mine, texts } = await appealed(h());
    const answered = await app.inject({ method: 'POST', url: `/api/v1/appeals/${appealId}/answer`, headers: bearer(wang.token), payload: { outcome: 'corrected', response: '已为您更正为绿码。' } });
    assert.equal(answered.statusCode, 409);
    assert.match(answered.json().detail, /still red: nothing has been corrected\. Propose a correction from this appeal, or fix the record/);
    assert.equal((await mine()).status, 'open');
    assert.deepEqual(await texts(), [], 'the resident was told nothing');
  });

  it('refuses to propose a correction from an appeal whose colour has changed since it was filed, so no officer corrects a colour they have not seen', async () => {
    const { zhang, upholdWithCorrection, code, mine, texts } = await appealed(h());
    // After the appeal, two other officers set Zhang yellow while a test result is awaited: his colour is no longer the red he appealed.
    const s = h().services;
    const [zhao, sun] = [await s.staff.create('余杭区疾控中心 赵医生', 'authority'), await s.staff.create('余杭区疾控中心 孙医生', 'authority')];
    const awaited = await s.corrections.propose(zhao, zhang.id, { colour: 'yellow', reason: 'test-awaited', note: '请于 11 月 21 日前到五常街道社区卫生服务中心做核酸检测。', expiresAt: new Date(h().clock.now().getTime() + 3 * DAY_MS).toISOString() });
    await s.corrections.approve(sun, awaited.id);
    const now = await code();
    assert.notEqual(now, 'red', 'the colour moved on since the appeal');
    const textsBefore = await texts();
    const proposed = await upholdWithCorrection();
    assert.equal(proposed.statusCode, 409, proposed.body);
    assert.match(proposed.json().detail, new RegExp(`changed since the appeal was filed \\(red then, ${now} now\\)`));
    assert.equal((await mine()).status, 'open', 'the appeal waits for an answer on the current decision');
    assert.deepEqual(await texts(), textsBefore, 'no text about a correction');
  });

  it('answers an upheld appeal with a correction awaiting a second officer: the colour stays, and the resident is told just that', async () => {
    const { upholdWithCorrection, code, mine, texts } = await appealed(h());
    const upheld = await upholdWithCorrection();
    assert.equal(upheld.statusCode, 201, upheld.body);
    assert.equal(await code(), 'red', 'nothing changes on one officer’s word');
    const appeal = await mine();
    assert.equal(appeal.status, 'correction-pending');
    assert.deepEqual({ colour: appeal.correction?.colour, status: appeal.correction?.status }, { colour: 'green', status: 'pending' });
    assert.deepEqual(await texts(), ["【健康码】您的申诉成立，更正已提出，须另一位工作人员批准后生效，生效时将另行短信通知。Your appeal was upheld; a correction awaits a second officer's approval, and you will be texted when it takes effect."]);
  });

  it("puts the colour right once a second officer approves: the appeal reads corrected, the code is green, and Zhang's phone is texted the change", async () => {
    const { app, upholdWithCorrection, li, code, mine, texts } = await appealed(h());
    const correctionId = (await upholdWithCorrection()).json<{ correction: { id: string } }>().correction.id;
    const approved = await app.inject({ method: 'POST', url: `/api/v1/corrections/${correctionId}/approve`, headers: bearer(li.token) });
    assert.equal(approved.statusCode, 200, approved.body);
    assert.equal(await code(), 'green');
    assert.equal((await mine()).status, 'corrected');
    const changed = (await texts()).filter((t) => t.includes('健康码已变为'));
    assert.equal(changed.length, 1);
    assert.match(changed[0]!, /^【健康码】您的健康码已变为绿码。原因：您的记录有误，卫生部门已更正您的颜色。详情：/);
  });

  it('tells the resident truthfully when the correction is rejected: the appeal says so and the colour is unchanged', async () => {
    const { app, upholdWithCorrection, li, code, mine, texts } = await appealed(h());
    const correctionId = (await upholdWithCorrection()).json<{ correction: { id: string } }>().correction.id;
    assert.equal((await app.inject({ method: 'POST', url: `/api/v1/corrections/${correctionId}/reject`, headers: bearer(li.token) })).statusCode, 200);
    assert.equal(await code(), 'red');
    assert.equal((await mine()).status, 'correction-rejected');
    assert.ok((await texts()).some((t) => t.startsWith('【健康码】您申诉后提出的更正未获批准，健康码未改变')));
    assert.ok(!(await texts()).some((t) => t.includes('健康码已变为')), 'no change of colour was told: none happened');
  });

  it('refuses a second appeal while the correction the first led to waits for approval', async () => {
    const { app, zhang, upholdWithCorrection } = await appealed(h());
    await upholdWithCorrection();
    const again = await app.inject({ method: 'POST', url: `/api/v1/residents/${zhang.id}/appeals`, headers: zhang.auth, payload: { message: '请尽快批准我的更正。' } });
    assert.equal(again.statusCode, 409);
    assert.match(again.json().detail, /waiting for an answer, or for the correction it led to/);
  });

  it('lets one officer answer an appeal once: a second proposal from it is refused and leaves no correction behind', async () => {
    const { upholdWithCorrection } = await appealed(h());
    const [first, second] = await Promise.all([upholdWithCorrection(), upholdWithCorrection()]);
    assert.deepEqual([first.statusCode, second.statusCode].sort(), [201, 409]);
    const pending = await h().ctx.stores.corrections.list('pending', 10, '');
    assert.equal(pending.length, 1);
  });

  it('refuses a colour asked that is no colour, naming the field', async () => {
    const app = await h().app();
    const { zhang } = await appealed(h());
    await h().services.appeals.resolve((await h().services.staff.create('王主任', 'authority')) as never, (await h().services.appeals.ofResident(zhang.id))[0]!.id, { outcome: 'upheld', response: '维持原判定，请继续打卡。' });
    const bad = await app.inject({ method: 'POST', url: `/api/v1/residents/${zhang.id}/appeals`, headers: zhang.auth, payload: { message: '我认为应当是紫码。', colourAsked: 'purple' } });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /colourAsked/);
  });
});

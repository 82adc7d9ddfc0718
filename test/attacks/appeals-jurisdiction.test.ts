import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DAY_MS } from '../../src/domain/clock.js';
import { describeOnEachEngine, type Harness } from '../support/harness.js';
import { ZHANG_WEI } from '../support/people.js';
import { lastCodeSentTo, registerVerified } from '../support/sign-in.js';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const ZHANG_PHONE = '+8613912345678';
const MESSAGE = '我 11 月 15 日已离开武昌，那时尚未列为高风险地区。';

/**
 * Zhang Wei (Yuhang, 330110) is red from a Wuchang listing and appeals. The attacker is an authority
 * officer of Xihu (330106), another district of the same city, with a real credential.
 */
async function yuhangAppeal(h: Harness) {
  const app = await h.app();
  const id = await registerVerified(h, ZHANG_WEI);
  h.clock.advance(61_000);
  await h.services.signIn.requestSignInCode(ZHANG_WEI.phone!);
  const session = await h.services.signIn.verifySignInCode(ZHANG_WEI.phone!, await lastCodeSentTo(h, ZHANG_PHONE));
  await h.services.declarations.declare(id, { stays: [{ region: '420106', arrival: '2026-11-12T08:00:00+08:00', departure: '2026-11-15T18:30:00+08:00' }], contacts: [], symptoms: [], temperature: 36.5 });
  await h.services.authority.setRiskArea({ region: '420100', level: 'high', from: '2026-11-10T00:00:00+08:00' });
  const filed = await app.inject({ method: 'POST', url: `/api/v1/residents/${id}/appeals`, headers: bearer(session.token), payload: { message: MESSAGE, colourAsked: 'green' } });
  assert.equal(filed.statusCode, 201, filed.body);
  const xihu = await h.services.staff.create('西湖区疾控中心 赵主任', 'authority', '330106');
  const yuhang = await h.services.staff.create('余杭区疾控中心 王主任', 'authority', '330110');
  const sentBefore = new Set((await h.ctx.stores.outbox.list(50, ZHANG_PHONE)).map((m) => m.id));
  const texts = async () => (await h.ctx.stores.outbox.list(20, ZHANG_PHONE)).filter((m) => !sentBefore.has(m.id)).map((m) => m.body);
  return { app, residentId: id, appealId: filed.json<{ id: string }>().id, xihu, yuhang, texts };
}

describeOnEachEngine("another district's authority and a resident's appeal", (h) => {
  it("lists none of another district's appeals to an officer, open or answered", async () => {
    const { app, appealId, xihu, yuhang } = await yuhangAppeal(h());
    const open = await app.inject({ method: 'GET', url: '/api/v1/appeals', headers: bearer(xihu.token) });
    assert.equal(open.statusCode, 200);
    assert.deepEqual(open.json(), []);
    assert.ok(!open.body.includes('武昌') && !open.body.includes('张'), 'nothing Zhang wrote, nor his name');
    await app.inject({ method: 'POST', url: `/api/v1/appeals/${appealId}/answer`, headers: bearer(yuhang.token), payload: { outcome: 'upheld', response: '经核实，武昌在您停留期间已列为高风险地区。' } });
    const resolved = await app.inject({ method: 'GET', url: '/api/v1/appeals?status=resolved', headers: bearer(xihu.token) });
    assert.deepEqual(resolved.json(), []);
  });

  it("lists it to an officer of the resident's district, and to one of the whole city", async () => {
    const { app, appealId, yuhang } = await yuhangAppeal(h());
    const city = await h().services.staff.create('杭州市疾控中心 孙主任', 'authority', '330100');
    for (const officer of [yuhang, city]) {
      const queue = await app.inject({ method: 'GET', url: '/api/v1/appeals', headers: bearer(officer.token) });
      assert.deepEqual(queue.json<{ id: string; message: string }[]>().map((a) => [a.id, a.message]), [[appealId, MESSAGE]], officer.name);
    }
  });

  it("refuses another district's officer who answers the appeal, naming the districts; the resident is texted nothing", async () => {
    const { app, appealId, xihu, texts } = await yuhangAppeal(h());
    const answered = await app.inject({ method: 'POST', url: `/api/v1/appeals/${appealId}/answer`, headers: bearer(xihu.token), payload: { outcome: 'upheld', response: '您的申诉不成立，维持红码。' } });
    assert.equal(answered.statusCode, 403, answered.body);
    assert.match(answered.json().detail, /answers for .*\(330106\); this resident lives in /);
    assert.deepEqual(await texts(), []);
    const [entry] = await h().services.audit.entries({ limit: 1 });
    assert.deepEqual([entry?.action, entry?.actor], ['answer-appeal-refused', '西湖区疾控中心 赵主任 (authority)']);
    const still = await app.inject({ method: 'GET', url: '/api/v1/appeals', headers: bearer((await h().services.staff.create('余杭区疾控中心 李医生', 'authority', '330110')).token) });
    assert.deepEqual(still.json<{ status: string }[]>().map((a) => a.status), ['open'], 'the appeal still waits for its own district');
  });

  it("refuses another district's officer who proposes a correction from the appeal; nothing is proposed", async () => {
    const { app, appealId, residentId, xihu, texts } = await yuhangAppeal(h());
    const proposed = await app.inject({
      method: 'POST',
      url: `/api/v1/appeals/${appealId}/correction`,
      headers: bearer(xihu.token),
      payload: { colour: 'green', reason: 'record-error', note: '核实铁路记录，您于 11 月 15 日离开武昌。', expiresAt: new Date(h().clock.now().getTime() + 7 * DAY_MS).toISOString(), response: '申诉成立，已提出更正。' },
    });
    assert.equal(proposed.statusCode, 403, proposed.body);
    assert.deepEqual(await h().ctx.stores.corrections.ofResident(residentId), []);
    assert.deepEqual(await texts(), []);
  });

  it("lets the resident's own district answer, and texts the resident", async () => {
    const { app, appealId, yuhang, texts } = await yuhangAppeal(h());
    const answered = await app.inject({ method: 'POST', url: `/api/v1/appeals/${appealId}/answer`, headers: bearer(yuhang.token), payload: { outcome: 'upheld', response: '经核实，武昌在您停留期间已列为高风险地区。' } });
    assert.equal(answered.statusCode, 200, answered.body);
    assert.equal((await texts()).length, 1);
  });
});

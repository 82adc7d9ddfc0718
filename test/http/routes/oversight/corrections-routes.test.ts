import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { DAY_MS, HOUR_MS } from '../../../../src/domain/clock.js';
import { describeOnEachEngine } from '../../../support/harness.js';
import { ZHANG_WEI } from '../../../support/people.js';
import { signedUpThroughApi } from '../../../support/sign-in.js';

const healthy = { stays: [], contacts: [], symptoms: [], temperature: 36.5 };
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const isolation = (expiresAt: string) => ({ colour: 'red', reason: 'isolation-order', note: '您于 11 月 19 日在余杭区疾控中心接受流调，须居家隔离至通知结束。', expiresAt });

describeOnEachEngine("an authority correcting one resident's colour", (h) => {
  async function setUp() {
    const app = await h().app();
    const zhang = await signedUpThroughApi(h(), ZHANG_WEI);
    await app.inject({ method: 'POST', url: `/api/v1/residents/${zhang.id}/declarations`, headers: zhang.auth, payload: healthy });
    const staff = async (name: string, role: 'authority' | 'tracer' = 'authority', region: string | null = null) => {
      const made = await h().services.staff.create(name, role, region);
      return { id: made.id, auth: bearer(made.token) };
    };
    const [wang, li] = [await staff('余杭区疾控中心 王主任'), await staff('余杭区疾控中心 李医生')];
    const code = async () => (await app.inject({ method: 'GET', url: `/api/v1/residents/${zhang.id}/code`, headers: zhang.auth })).json();
    const propose = (payload: object, by = wang) => app.inject({ method: 'POST', url: `/api/v1/residents/${zhang.id}/corrections`, headers: by.auth, payload });
    const act = (id: string, action: string, by: { auth: Record<string, string> }) => app.inject({ method: 'POST', url: `/api/v1/corrections/${id}/${action}`, headers: by.auth });
    return { app, zhang, wang, li, staff, code, propose, act };
  }
  const inDays = (n: number) => new Date(h().clock.now().getTime() + n * DAY_MS).toISOString();

  it('changes nothing until a second authority approves; who proposed it may not', async () => {
    const { code, propose, act, wang, li } = await setUp();
    const proposed = await propose(isolation(inDays(7)));
    assert.equal(proposed.statusCode, 201, proposed.body);
    assert.equal(proposed.json().status, 'pending');
    assert.equal((await code()).colour, 'green', 'a proposal alone sets nothing');
    const self = await act(proposed.json().id, 'approve', wang);
    assert.equal(self.statusCode, 403);
    assert.match(self.json().detail, /needs a second authority/);
    assert.equal((await act(proposed.json().id, 'approve', li)).statusCode, 200);
    assert.equal((await code()).colour, 'red');
  });

  it('shows the resident the correction first, with its reason, note and end, and when green comes', async () => {
    const { code, propose, act, li } = await setUp();
    const expiresAt = inDays(7);
    await act((await propose(isolation(expiresAt))).json().id, 'approve', li);
    const shown = await code();
    const [rule] = shown.rules;
    assert.equal(rule.id, 'correction');
    assert.equal(rule.description.en, 'The health authority issued an isolation order to you in person.');
    assert.equal(rule.clears.en, 'This correction ends on 2026-11-27, or sooner if the health authority ends it.');
    assert.equal(rule.evidence[0].fact, 'correction');
    assert.equal(rule.evidence[0].detail.note, isolation(expiresAt).note);
    assert.equal(shown.greenOn, expiresAt, 'green when it ends: the rules alone would be green');
  });

  it('lets the resident appeal a correction like any colour', async () => {
    const { app, zhang, propose, act, li } = await setUp();
    await act((await propose(isolation(inDays(7)))).json().id, 'approve', li);
    const appeal = await app.inject({ method: 'POST', url: `/api/v1/residents/${zhang.id}/appeals`, headers: zhang.auth, payload: { message: '我 11 月 19 日不在余杭，没有接受过流调。' } });
    assert.equal(appeal.statusCode, 201);
    assert.deepEqual([appeal.json().colour, appeal.json().rules[0].id], ['red', 'correction']);
  });

  it('refuses an appeal or its answer that hides a NUL or a U+202E, naming the field', async () => {
    const { app, zhang, wang } = await setUp();
    const hidden = await app.inject({ method: 'POST', url: `/api/v1/residents/${zhang.id}/appeals`, headers: zhang.auth, payload: { message: '我 11 月 19 日不在余杭\u0000，请核实。' } });
    assert.equal(hidden.statusCode, 422, hidden.body);
    assert.deepEqual(hidden.json().errors.map((e: { field: string }) => e.field), ['message']);
    const appeal = await app.inject({ method: 'POST', url: `/api/v1/residents/${zhang.id}/appeals`, headers: zhang.auth, payload: { message: '我 11 月 19 日不在余杭，\n请核实。' } });
    assert.equal(appeal.statusCode, 201, appeal.body);
    const answer = await app.inject({ method: 'POST', url: `/api/v1/appeals/${appeal.json().id}/answer`, headers: wang.auth, payload: { outcome: 'upheld', response: '维持\u202E码红，请继续打卡。' } });
    assert.equal(answer.statusCode, 422, answer.body);
    assert.deepEqual(answer.json().errors.map((e: { field: string }) => e.field), ['response']);
  });

  it('ends by itself at its expiry', async () => {
    const { zhang, propose, act, li } = await setUp();
    await act((await propose(isolation(inDays(2)))).json().id, 'approve', li);
    h().clock.advance(2 * DAY_MS + HOUR_MS);
    // Two days on, the session has ended: the code as the service would serve it.
    assert.equal((await h().services.healthCodes.issue(zhang.id)).decision.colour, 'green');
  });

  it('ends at once when an authority ends it early', async () => {
    const { code, propose, act, li, wang } = await setUp();
    const id = (await propose(isolation(inDays(7)))).json().id;
    await act(id, 'approve', li);
    assert.equal((await act(id, 'end', wang)).json().status, 'ended');
    assert.equal((await code()).colour, 'green');
    assert.equal((await act(id, 'end', wang)).statusCode, 409, 'only once');
  });

  it('refuses a reason off the published list, a colour the reason may not set, no note, and an expiry past 14 days, naming each field', async () => {
    const { propose } = await setUp();
    const response = await propose({ colour: 'green', reason: 'isolation-order', note: '', expiresAt: inDays(30) });
    assert.equal(response.statusCode, 422);
    assert.deepEqual(response.json().errors.map((e: { field: string }) => e.field).sort(), ['colour', 'expiresAt', 'note']);
    const unknown = await propose({ ...isolation(inDays(3)), reason: 'suspicious-travel' });
    assert.deepEqual(unknown.json().errors.map((e: { field: string }) => e.field), ['reason']);
  });

  it('refuses a note that hides a NUL or invisible formatting, or turns its words around with U+202E, naming the note', async () => {
    const { propose } = await setUp();
    for (const note of ['须居家隔离\u0000至通知结束。', '您的颜色为\u202E码绿 not red', '\u2066须居家隔离至通知结束\u2069', '须居家\u200B隔离至通知结束。', '须居家隔离\uFEFF至通知结束。', '须居家隔离\u{E0001}至通知结束。']) {
      const response = await propose({ ...isolation(inDays(3)), note });
      assert.equal(response.statusCode, 422, JSON.stringify(note));
      assert.deepEqual(response.json().errors.map((e: { field: string }) => e.field), ['note']);
    }
    const twoLines = await propose({ ...isolation(inDays(3)), note: '须居家隔离至通知结束。\n请保持电话畅通。' });
    assert.equal(twoLines.statusCode, 201, 'a note may break lines');
  });

  it('is refused to two authorities of another district, who do not see it listed either', async () => {
    const { propose, act, li, staff } = await setUp();
    const [xihu1, xihu2] = [await staff('西湖区疾控中心 周主任', 'authority', '330106'), await staff('西湖区疾控中心 吴医生', 'authority', '330106')];
    const refused = await propose(isolation(inDays(3)), xihu1);
    assert.equal(refused.statusCode, 403, refused.body);
    assert.match(refused.json().detail, /330106/);
    const pending = (await propose(isolation(inDays(3)))).json().id;
    assert.equal((await act(pending, 'approve', xihu2)).statusCode, 403);
    assert.equal((await act(pending, 'reject', xihu2)).statusCode, 403);
    const listed = await (await h().app()).inject({ method: 'GET', url: '/api/v1/corrections?status=pending', headers: xihu2.auth });
    assert.deepEqual(listed.json(), [], listed.body);
    const yuhang = await staff('余杭区疾控中心 孙科长', 'authority', '330110');
    assert.equal((await act(pending, 'approve', yuhang)).statusCode, 200, 'an authority of the resident\'s own district approves');
    assert.equal((await act(pending, 'end', xihu2)).statusCode, 403);
    assert.equal((await act(pending, 'end', li)).statusCode, 200);
  });

  it('is refused to every role but the authority', async () => {
    const { propose, staff, zhang } = await setUp();
    assert.equal((await propose(isolation(inDays(3)), await staff('流调员', 'tracer'))).statusCode, 403);
    assert.equal((await propose(isolation(inDays(3)), { id: zhang.id, auth: zhang.auth })).statusCode, 401);
  });

  it('takes effect once when two authorities approve at the same moment', async () => {
    const { propose, act, li, staff } = await setUp();
    const zhao = await staff('余杭区疾控中心 赵科长');
    const id = (await propose(isolation(inDays(3)))).json().id;
    const answers = await Promise.all([act(id, 'approve', li), act(id, 'approve', zhao)]);
    assert.deepEqual(answers.map((a) => a.statusCode).sort(), [200, 409]);
  });

  it('writes every step to the audit log and counts corrections per staff member on the dashboard', async () => {
    const { app, zhang, propose, act, wang, li } = await setUp();
    const id = (await propose(isolation(inDays(3)))).json().id;
    await act(id, 'approve', li);
    await act(id, 'end', wang);
    const actions = (await h().services.audit.entries({ residentId: zhang.id, limit: 50 })).map((e) => e.action);
    for (const action of ['propose-correction', 'approve-correction', 'end-correction']) assert.ok(actions.includes(action), `${action} in ${actions.join(', ')}`);
    const dashboard = (await app.inject({ method: 'GET', url: '/api/v1/dashboard', headers: wang.auth })).json();
    assert.deepEqual(
      dashboard.correctionsByStaff.map((c: { name: string; proposed: unknown; approved: unknown }) => [c.name, c.proposed, c.approved]).sort(),
      [['余杭区疾控中心 李医生', 0, { atLeast: 1, atMost: 4 }], ['余杭区疾控中心 王主任', { atLeast: 1, atMost: 4 }, 0]],
    );
  });

  it('publishes its reasons to anyone', async () => {
    const { app } = await setUp();
    const reasons = (await app.inject({ method: 'GET', url: '/api/v1/corrections/reasons' })).json();
    assert.deepEqual(reasons.map((r: { id: string }) => r.id), ['isolation-order', 'test-awaited', 'record-error']);
  });
});

describeOnEachEngine('an appeal past its deadline', (h) => {
  async function appealed(app: FastifyInstance) {
    const zhang = await signedUpThroughApi(h(), ZHANG_WEI);
    await app.inject({ method: 'POST', url: `/api/v1/residents/${zhang.id}/declarations`, headers: zhang.auth, payload: healthy });
    const filed = await app.inject({ method: 'POST', url: `/api/v1/residents/${zhang.id}/appeals`, headers: zhang.auth, payload: { message: '我没有去过武汉，行程记录有误。' } });
    return { zhang, appeal: filed.json() };
  }

  it('is due 24 hours after filing', async () => {
    const { appeal } = await appealed(await h().app());
    assert.equal(appeal.dueAt, new Date(h().clock.now().getTime() + 24 * HOUR_MS).toISOString());
    assert.equal(appeal.escalatedAt, null);
  });

  it('is escalated once when unanswered, audited, and counted overdue on the dashboard', async () => {
    const app = await h().app();
    const { zhang } = await appealed(app);
    const authority = bearer((await h().services.staff.create('余杭区疾控中心 王主任', 'authority')).token);
    h().clock.advance(23 * HOUR_MS);
    assert.equal(await h().services.appeals.escalateOverdue(), 0, 'not before its deadline');
    h().clock.advance(2 * HOUR_MS);
    assert.equal(await h().services.appeals.escalateOverdue(), 1);
    assert.equal(await h().services.appeals.escalateOverdue(), 0, 'once');
    assert.ok((await h().services.audit.entries({ residentId: zhang.id, limit: 20 })).some((e) => e.action === 'escalate-appeal'));
    assert.deepEqual((await app.inject({ method: 'GET', url: '/api/v1/dashboard', headers: authority })).json().appealsOverdue, { atLeast: 1, atMost: 4 }, 'one, fewer than five');
    const [queued] = (await app.inject({ method: 'GET', url: '/api/v1/appeals', headers: authority })).json();
    assert.equal(queued.escalatedAt, h().clock.now().toISOString());
  });
});

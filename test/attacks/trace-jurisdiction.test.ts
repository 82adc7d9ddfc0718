import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeOnEachEngine, type Harness } from '../support/harness.js';
import { bearer, CASE_PURPOSE, confirmedCaseAtTheMall, member } from '../support/traced-case.js';

/**
 * Zhang Wei (Yuhang, 330110) is a case; the Hangzhou officer traced him and found Liu Fang, who lives
 * in Xihu (330106), and his grandmother. The attackers: Xihu's authority (AX) and a Xihu tracer (TX)
 * holding a trace grant for no particular resident that AX gave, and a Yuhang authority (A2) holding
 * no grant at all.
 */
async function yuhangTrace(h: Harness) {
  const s = h.services;
  const found = await confirmedCaseAtTheMall(h);
  const trace = await s.tracing.open(member(found.authority), { caseResidentId: found.zhang.id, from: '2026-11-19T00:00:00+08:00', to: '2026-11-20T10:00:00+08:00', grantId: found.grant.id });
  const ax = await s.staff.create('西湖区疾控中心 赵主任', 'authority', '330106');
  const tx = await s.staff.create('西湖区流调员 陈静', 'tracer', '330106');
  const axGrant = await s.audit.grant(member(ax), { staffId: ax.id, scope: 'trace', purpose: '西湖区确诊病例 2026-0415 流调', residentId: null, hours: 24 });
  const txGrant = await s.audit.grant(member(ax), { staffId: tx.id, scope: 'trace', purpose: '西湖区确诊病例 2026-0415 流调', residentId: null, hours: 24 });
  const a2 = await s.staff.create('余杭区疾控中心 李医生', 'authority', '330110');
  const colours = async () => [await h.ctx.stores.decisions.colourOf(found.liu.id), await h.ctx.stores.decisions.colourOf(found.grandma.id)];
  return { ...found, trace, ax, tx, axGrant, txGrant, a2, colours };
}

describeOnEachEngine("a trace of another district's case", (h) => {
  it("refuses a tracer of another district reading it, even under a grant for anyone, though a contact lives in the tracer's district; audited as refused", async () => {
    const app = await h().app();
    const { trace, tx, txGrant, liu } = await yuhangTrace(h());
    assert.ok(trace.contacts.some((c) => c.residentId === liu.id), 'the trace found Liu, of Xihu');
    for (const url of [`/api/v1/traces/${trace.id}?grantId=${txGrant.id}`, `/api/v1/traces/${trace.id}`, `/api/v1/traces/${trace.id}/preview?grantId=${txGrant.id}`, `/api/v1/traces/${trace.id}/preview`]) {
      const response = await app.inject({ method: 'GET', url, headers: bearer(tx.token) });
      assert.equal(response.statusCode, 403, `${url}: ${response.body}`);
      assert.match(response.json().detail, /answers for .*\(330106\); this resident lives in /);
      assert.ok(!response.body.includes(liu.id) && !response.body.includes('刘'), 'no contact leaks in the refusal');
      const [entry] = await h().services.audit.entries({ limit: 1 });
      assert.deepEqual([entry?.action, entry?.actor, entry?.detail.traceId], ['read-trace-refused', '西湖区流调员 陈静 (tracer)', trace.id]);
    }
  });

  it("refuses another district's authority confirming it under its own grant: nobody's colour changes, and the attempt is audited", async () => {
    const app = await h().app();
    const { trace, ax, axGrant, colours } = await yuhangTrace(h());
    const confirmed = await app.inject({ method: 'POST', url: `/api/v1/traces/${trace.id}/confirm`, headers: bearer(ax.token), payload: { grantId: axGrant.id } });
    assert.equal(confirmed.statusCode, 403, confirmed.body);
    assert.deepEqual(await colours(), ['green', 'green']);
    assert.equal((await h().ctx.stores.traces.findById(trace.id))?.status, 'open');
    const [entry] = await h().services.audit.entries({ limit: 1 });
    assert.deepEqual([entry?.action, entry?.actor], ['confirm-trace-refused', '西湖区疾控中心 赵主任 (authority)']);
  });

  it("refuses the case's own district's authority confirming without a grant, or under another officer's grant", async () => {
    const app = await h().app();
    const { trace, a2, grant, colours } = await yuhangTrace(h());
    const none = await app.inject({ method: 'POST', url: `/api/v1/traces/${trace.id}/confirm`, headers: bearer(a2.token), payload: {} });
    assert.equal(none.statusCode, 400, 'the grant worked under is required');
    assert.match(none.body, /grantId/);
    const borrowed = await app.inject({ method: 'POST', url: `/api/v1/traces/${trace.id}/confirm`, headers: bearer(a2.token), payload: { grantId: grant.id } });
    assert.equal(borrowed.statusCode, 403, borrowed.body);
    assert.deepEqual(await colours(), ['green', 'green']);
    const [entry] = await h().services.audit.entries({ limit: 1 });
    assert.deepEqual([entry?.action, entry?.purpose], ['confirm-trace-refused', 'read of a trace without a live grant that covers it']);
  });

  it("lets the case's district's authority confirm under a live trace grant, turning contacts of any district red, audited under that grant", async () => {
    const app = await h().app();
    const { trace, a2, zhang, colours } = await yuhangTrace(h());
    const own = await h().services.audit.grant(member(a2), { staffId: a2.id, scope: 'trace', purpose: CASE_PURPOSE, residentId: zhang.id, hours: 24 });
    const preview = await app.inject({ method: 'GET', url: `/api/v1/traces/${trace.id}/preview?grantId=${own.id}`, headers: bearer(a2.token) });
    assert.equal(preview.json().wouldChange, 2);
    const confirmed = await app.inject({ method: 'POST', url: `/api/v1/traces/${trace.id}/confirm`, headers: bearer(a2.token), payload: { grantId: own.id } });
    assert.equal(confirmed.statusCode, 200, confirmed.body);
    assert.deepEqual(await colours(), ['red', 'red']);
    const [entry] = await h().services.audit.entries({ residentId: zhang.id, limit: 1 });
    assert.deepEqual([entry?.action, entry?.detail.grantId], ['confirm-trace', own.id]);
  });
});

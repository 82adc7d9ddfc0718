import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeOnEachEngine } from '../support/harness.js';
import { LIU_FANG, ZHANG_WEI } from '../support/people.js';
import { signedUpThroughApi } from '../support/sign-in.js';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const PURPOSE = '确诊病例 2026-0412 流调';

describeOnEachEngine("a resident's access log, read by the resident and by others", (h) => {
  /** A tracer looks Zhang up by phone under a read-personal grant for her: a read of her personal data. */
  async function readByTracer() {
    const app = await h().app();
    const zhang = await signedUpThroughApi(h(), ZHANG_WEI);
    const liu = await signedUpThroughApi(h(), LIU_FANG);
    const tracer = await h().services.staff.create('流调员 陈静', 'tracer');
    const authority = await h().services.staff.create('余杭区疾控中心', 'authority');
    const grant = await h().services.audit.grant(authority, { staffId: tracer.id, scope: 'read-personal', purpose: PURPOSE, residentId: zhang.id, hours: 4 });
    const found = await app.inject({ method: 'POST', url: '/api/v1/residents/find', headers: bearer(tracer.token), payload: { grantId: grant.id, phone: ZHANG_WEI.phone } });
    assert.equal(found.statusCode, 200, found.body);
    return { app, zhang, liu, tracer, grant };
  }

  it("shows the resident a tracer's read of her data under a grant: who, why and under which grant", async () => {
    const { app, zhang, grant } = await readByTracer();
    const log = await app.inject({ method: 'GET', url: `/api/v1/residents/${zhang.id}/access-log`, headers: zhang.auth });
    assert.equal(log.statusCode, 200, log.body);
    const read = (log.json() as { action: string; actor: string; purpose: string; detail: Record<string, unknown> }[]).find((e) => e.action === 'find-resident');
    assert.ok(read, 'the read is in her access log');
    assert.equal(read.actor, '流调员 陈静 (tracer)');
    assert.equal(read.purpose, PURPOSE);
    assert.equal(read.detail.grantId, grant.id);
  });

  it("refuses another resident the access log of someone else, and shows them none of its entries in their own", async () => {
    const { app, zhang, liu } = await readByTracer();
    const theirs = await app.inject({ method: 'GET', url: `/api/v1/residents/${zhang.id}/access-log`, headers: liu.auth });
    assert.ok([403, 404].includes(theirs.statusCode), `${theirs.statusCode} ${theirs.body}`);
    assert.ok(!theirs.body.includes(PURPOSE) && !theirs.body.includes('陈静'), theirs.body);
    const anonymous = await app.inject({ method: 'GET', url: `/api/v1/residents/${zhang.id}/access-log` });
    assert.equal(anonymous.statusCode, 401);
    const own = await app.inject({ method: 'GET', url: `/api/v1/residents/${liu.id}/access-log`, headers: liu.auth });
    assert.equal(own.statusCode, 200);
    assert.ok(!(own.json() as { action: string }[]).some((e) => e.action === 'find-resident'), own.body);
  });
});

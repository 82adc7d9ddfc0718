import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { StaffMember } from '../../src/services/staff-service.js';
import { describeOnEachEngine, type Harness } from '../support/harness.js';
import { LIU_FANG, ZHANG_WEI } from '../support/people.js';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const PURPOSE = '确诊病例 2026-0412 流调';

/** A case, a tracer who traced it under a 2-hour grant, and the authority who gave it. */
async function tracedCase(h: Harness) {
  const zhang = await h.services.residents.register(ZHANG_WEI);
  const authority = await h.services.staff.create('杭州市疾控中心 王主任', 'authority');
  const tracer = await h.services.staff.create('流调员 陈静', 'tracer');
  const grant = await h.services.audit.grant(authority, { staffId: tracer.id, scope: 'trace', purpose: PURPOSE, residentId: zhang.id, hours: 2 });
  const member = (s: typeof tracer): StaffMember => ({ id: s.id, name: s.name, role: s.role, region: s.region });
  const trace = await h.services.tracing.open(member(tracer), { caseResidentId: zhang.id, from: '2026-11-18T00:00:00+08:00', to: '2026-11-20T09:00:00+08:00', grantId: grant.id });
  return { zhang, authority, tracer, grant, trace };
}

describeOnEachEngine('reading a trace', (h) => {
  it('refuses a tracer who holds no grant, and audits the attempt', async () => {
    const app = await h().app();
    const { trace } = await tracedCase(h());
    const stranger = await h().services.staff.create('流调员 赵强', 'tracer');
    const response = await app.inject({ method: 'GET', url: `/api/v1/traces/${trace.id}`, headers: bearer(stranger.token) });
    assert.equal(response.statusCode, 403);
    assert.ok(!response.body.includes('张'), 'the refusal names no one');
    const [entry] = await h().services.audit.entries({ limit: 1 });
    assert.deepEqual([entry?.action, entry?.actor], ['read-trace-refused', '流调员 赵强 (tracer)']);
  });

  it('refuses the tracer who opened it once their grant has expired', async () => {
    const app = await h().app();
    const { tracer, trace } = await tracedCase(h());
    h().clock.advance(2 * 3_600_000 + 1000);
    const response = await app.inject({ method: 'GET', url: `/api/v1/traces/${trace.id}`, headers: bearer(tracer.token) });
    assert.equal(response.statusCode, 403);
  });

  it('refuses a live grant for another resident', async () => {
    const app = await h().app();
    const { authority, trace } = await tracedCase(h());
    const liu = await h().services.residents.register(LIU_FANG);
    const other = await h().services.staff.create('流调员 赵强', 'tracer');
    await h().services.audit.grant(authority, { staffId: other.id, scope: 'trace', purpose: '确诊病例 2026-0413 流调', residentId: liu.id, hours: 4 });
    const response = await app.inject({ method: 'GET', url: `/api/v1/traces/${trace.id}`, headers: bearer(other.token) });
    assert.equal(response.statusCode, 403);
  });

  it('shows it under a live grant that covers the case, and audits the read under that grant', async () => {
    const app = await h().app();
    const { zhang, tracer, grant, trace } = await tracedCase(h());
    const response = await app.inject({ method: 'GET', url: `/api/v1/traces/${trace.id}`, headers: bearer(tracer.token) });
    assert.equal(response.statusCode, 200);
    const [entry] = await h().services.audit.entries({ residentId: zhang.id, limit: 1 });
    assert.deepEqual([entry?.action, entry?.purpose, entry?.detail.grantId], ['read-trace', PURPOSE, grant.id]);
  });
});

describeOnEachEngine('giving a grant', (h) => {
  it('refuses a grant to a staff id that does not exist, naming the field', async () => {
    const app = await h().app();
    const authority = await h().services.staff.create('杭州市疾控中心 王主任', 'authority');
    const response = await app.inject({ method: 'POST', url: '/api/v1/grants', headers: bearer(authority.token), payload: { staffId: '6f1c2a4e-8a7b-4c1d-9e2f-3a4b5c6d7e8f', scope: 'trace', purpose: PURPOSE, hours: 4 } });
    assert.deepEqual([response.statusCode, response.json().field], [422, 'staffId']);
    assert.equal((await h().opened.store.db.selectFrom('grants').selectAll().execute()).length, 0);
  });
});

import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeOnEachEngine } from '../../../support/harness.js';
import { LIU_FANG, OLIVER_BROWN, ZHANG_WEI } from '../../../support/people.js';
import { bearer, CASE_PURPOSE, confirmedCaseAtTheMall, member } from '../../../support/traced-case.js';

describeOnEachEngine('finding a case and acting on it, without copying ids', (h) => {
  it('finds a case by ID number under a trace grant, shows it masked, and logs the search with the grant’s purpose', async () => {
    const app = await h().app();
    const { authority, zhang, grant } = await confirmedCaseAtTheMall(h());
    const response = await app.inject({ method: 'POST', url: '/api/v1/residents/search', headers: bearer(authority.token), payload: { grantId: grant.id, query: ZHANG_WEI.idNumber } });
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(response.json(), {
      by: 'idNumber',
      results: [{ residentId: zhang.id, maskedName: '张*', maskedIdNumber: `${ZHANG_WEI.idNumber.slice(0, 4)}**********${ZHANG_WEI.idNumber.slice(-4)}`, maskedPhone: '+86139****5678', region: '330110', regionName: { 'zh-CN': '浙江省 杭州市 余杭区', 'zh-Hant': '浙江省 杭州市 餘杭區', en: 'Yuhang District, Hangzhou, Zhejiang' }, colour: 'red', isCase: true, dependent: false }],
    });
    assert.ok(!response.body.includes(ZHANG_WEI.name) && !response.body.includes(ZHANG_WEI.idNumber), 'nothing unmasked');
    const [found] = await h().services.audit.entries({ residentId: zhang.id, limit: 1 });
    assert.deepEqual([found?.action, found?.purpose, found?.detail.grantId], ['found-resident', CASE_PURPOSE, grant.id]);
  });

  it('finds a resident by mobile number, however it is spaced', async () => {
    const app = await h().app();
    const { authority, liu, grant } = await confirmedCaseAtTheMall(h());
    const response = await app.inject({ method: 'POST', url: '/api/v1/residents/search', headers: bearer(authority.token), payload: { grantId: grant.id, query: '150 6789 1234' } });
    assert.deepEqual([response.json().by, response.json().results.map((r: { residentId: string }) => r.residentId)], ['phone', [liu.id]]);
  });

  it('finds a recent case by the masked name a screen shows, and nobody by name who is not a case', async () => {
    const app = await h().app();
    const { authority, zhang, grant } = await confirmedCaseAtTheMall(h());
    const byMasked = await app.inject({ method: 'POST', url: '/api/v1/residents/search', headers: bearer(authority.token), payload: { grantId: grant.id, query: '张*' } });
    assert.deepEqual(byMasked.json().results.map((r: { residentId: string }) => r.residentId), [zhang.id]);
    const notACase = await app.inject({ method: 'POST', url: '/api/v1/residents/search', headers: bearer(authority.token), payload: { grantId: grant.id, query: '刘芳芳' } });
    assert.deepEqual([notACase.statusCode, notACase.json().reason, notACase.json().field], [404, 'no-match', 'query']);
  });

  it('names the search box when an ID number’s last character is wrong', async () => {
    const app = await h().app();
    const { authority, grant } = await confirmedCaseAtTheMall(h());
    const typo = ZHANG_WEI.idNumber.slice(0, 17) + (ZHANG_WEI.idNumber.endsWith('1') ? '2' : '1');
    const response = await app.inject({ method: 'POST', url: '/api/v1/residents/search', headers: bearer(authority.token), payload: { grantId: grant.id, query: typo } });
    assert.deepEqual([response.statusCode, response.json().field], [422, 'query']);
    assert.match(response.json().errors[0].message, /check character/);
  });

  it('finds with a grant naming one resident that resident, and no one else', async () => {
    const app = await h().app();
    const { authority, zhang } = await confirmedCaseAtTheMall(h());
    const tracer = await h().services.staff.create('流调员 陈静', 'tracer', '330110');
    const grant = await h().services.audit.grant(member(authority), { staffId: tracer.id, scope: 'trace', purpose: CASE_PURPOSE, residentId: zhang.id, hours: 4 });
    const search = (query: string) => app.inject({ method: 'POST', url: '/api/v1/residents/search', headers: bearer(tracer.token), payload: { grantId: grant.id, query } });
    assert.equal((await search(ZHANG_WEI.phone!)).statusCode, 200);
    assert.equal((await search(LIU_FANG.phone!)).statusCode, 404);
  });

  it('lists the officer’s live grants to pick from, saying which name one resident but not who', async () => {
    const app = await h().app();
    const { authority, zhang, grant } = await confirmedCaseAtTheMall(h());
    const narrow = await h().services.audit.grant(member(authority), { staffId: authority.id, scope: 'read-personal', purpose: '身份核实 2026-0412', residentId: zhang.id, hours: 2 });
    const mine = (await app.inject({ method: 'GET', url: '/api/v1/grants/mine', headers: bearer(authority.token) })).json();
    assert.deepEqual(mine.map((g: { id: string; forOneResident: boolean }) => [g.id, g.forOneResident]), [[grant.id, false], [narrow.id, true]]);
    assert.ok(!JSON.stringify(mine).includes('张'));
  });

  it('lists whom the authority may give a grant to: tracers and authorities of its region', async () => {
    const app = await h().app();
    const { authority } = await confirmedCaseAtTheMall(h());
    await h().services.staff.create('流调员 陈静', 'tracer', '330110');
    await h().services.staff.create('宁波市海曙区流调员 赵强', 'tracer', '330203');
    await h().services.staff.create('审计员 李明', 'auditor', '330110');
    const grantees = (await app.inject({ method: 'GET', url: '/api/v1/staff/grantees', headers: bearer(authority.token) })).json();
    assert.deepEqual(grantees.map((g: { name: string }) => g.name).sort(), ['杭州市疾控中心 王主任', '流调员 陈静']);
  });

  it('shows the case’s timeline: where they went, and the traces opened for them', async () => {
    const app = await h().app();
    const { authority, zhang, grant } = await confirmedCaseAtTheMall(h());
    const trace = await h().services.tracing.open(member(authority), { caseResidentId: zhang.id, from: '2026-11-19T00:00:00+08:00', to: '2026-11-20T10:00:00+08:00', grantId: grant.id });
    const response = await app.inject({ method: 'GET', url: `/api/v1/residents/${zhang.id}/timeline?grantId=${grant.id}`, headers: bearer(authority.token) });
    assert.equal(response.statusCode, 200, response.body);
    const timeline = response.json();
    assert.deepEqual(timeline.visits.map((v: { venue: string; at: string }) => [v.venue, v.at]), [['西溪印象城', '2026-11-20T00:00:00.000Z']]);
    assert.deepEqual(timeline.traces.map((t: { id: string; status: string }) => [t.id, t.status]), [[trace.id, 'open']]);
    const [read] = await h().services.audit.entries({ residentId: zhang.id, limit: 1 });
    assert.deepEqual([read?.action, read?.purpose], ['read-timeline', CASE_PURPOSE]);
  });

  it('previews how many contacts a confirmation turns which colour, recording nothing; the confirmation then does just that', async () => {
    const app = await h().app();
    const { authority, zhang, liu, grandma, grant } = await confirmedCaseAtTheMall(h());
    const trace = await h().services.tracing.open(member(authority), { caseResidentId: zhang.id, from: '2026-11-19T00:00:00+08:00', to: '2026-11-20T10:00:00+08:00', grantId: grant.id });
    const preview = await app.inject({ method: 'GET', url: `/api/v1/traces/${trace.id}/preview`, headers: bearer(authority.token) });
    assert.deepEqual(preview.json(), { contacts: 2, wouldChange: 2, transitions: [{ from: 'green', to: 'red', residents: 2 }] });
    assert.equal(await h().ctx.stores.decisions.colourOf(liu.id), 'green', 'a preview changes nobody');
    const confirmed = await app.inject({ method: 'POST', url: `/api/v1/traces/${trace.id}/confirm`, headers: bearer(authority.token), payload: { grantId: grant.id } });
    assert.deepEqual({ ...(confirmed.json() as object), notified: undefined }, { contacts: 2, colourChanges: 2, notified: undefined, transitions: [{ from: 'green', to: 'red', residents: 2 }] });
    assert.equal(await h().ctx.stores.decisions.colourOf(grandma.id), 'red');
  });

  it('answers a trace id that does not exist, or is not an id, naming the field', async () => {
    const app = await h().app();
    const { authority } = await confirmedCaseAtTheMall(h());
    const unknown = await app.inject({ method: 'GET', url: '/api/v1/traces/6f1c2a4e-8a7b-4c1d-9e2f-3a4b5c6d7e8f/preview', headers: bearer(authority.token) });
    assert.deepEqual([unknown.statusCode, unknown.json().field, unknown.json().reason], [404, 'traceId', 'unknown-trace']);
    const malformed = await app.inject({ method: 'POST', url: '/api/v1/traces/6f1c2a4e-8a7b-4c1d/confirm', headers: bearer(authority.token), payload: { grantId: '6f1c2a4e-8a7b-4c1d-9e2f-3a4b5c6d7e8f' } });
    assert.deepEqual([malformed.statusCode, malformed.json().field], [400, 'traceId']);
  });

  it('answers a trace opened with a grant id or a case id that is wrong, naming which', async () => {
    const app = await h().app();
    const { authority, grant } = await confirmedCaseAtTheMall(h());
    const oliver = await h().services.residents.register(OLIVER_BROWN);
    const open = (caseResidentId: string, grantId: string) => app.inject({ method: 'POST', url: '/api/v1/traces', headers: bearer(authority.token), payload: { caseResidentId, from: '2026-11-19T00:00:00+08:00', to: '2026-11-20T10:00:00+08:00', grantId } });
    const wrongGrant = await open(oliver.id, '6f1c2a4e-8a7b-4c1d-9e2f-3a4b5c6d7e8f');
    assert.deepEqual([wrongGrant.statusCode, wrongGrant.json().field, wrongGrant.json().reason], [403, 'grantId', 'no-grant']);
    const wrongCase = await open('6f1c2a4e-8a7b-4c1d-9e2f-3a4b5c6d7e8f', grant.id);
    assert.deepEqual([wrongCase.statusCode, wrongCase.json().field, wrongCase.json().reason], [404, 'caseResidentId', 'unknown-resident']);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csvCell, toCsv } from '../../src/domain/csv.js';
import { describeOnEachEngine } from '../support/harness.js';
import { LIU_FANG, OLIVER_BROWN, withCheck, ZHANG_WEI } from '../support/people.js';
import type { RegistrationInput } from '../../src/domain/resident.js';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const csv = (_file: string) => ({ 'content-type': 'text/csv' });

describeOnEachEngine('importing authority records', (h) => {
  async function authority() {
    for (const person of [ZHANG_WEI, LIU_FANG, OLIVER_BROWN]) await h().services.residents.register(person);
    return (await h().services.staff.create('余杭区疾控中心 数据组', 'authority')).token;
  }

  it('imports the same file twice at once without an error, storing each row once', async () => {
    const app = await h().app();
    const token = await authority();
    const file = `phone,result,date\n${ZHANG_WEI.phone},positive,2026-11-19T08:00:00+08:00\n${LIU_FANG.phone},negative,2026-11-19T09:00:00+08:00\n${OLIVER_BROWN.phone},negative,2026-11-19T10:00:00+08:00\n`;
    const answers = await Promise.all([1, 2].map(() => app.inject({ method: 'POST', url: '/api/v1/imports/tests', headers: { ...bearer(token), ...csv(file) }, payload: file })));
    assert.deepEqual(answers.map((a) => a.statusCode), [200, 200], answers.map((a) => a.body).join('\n'));
    const [first, second] = answers.map((a) => a.json() as { accepted: number; unchanged: number });
    assert.equal(first!.accepted + second!.accepted, 3);
    assert.equal(first!.unchanged + second!.unchanged, 3);
    assert.equal((await h().opened.store.db.selectFrom('authority_facts').selectAll().execute()).length, 3);
  });

  it('reports a line with a stray quote by its number and keeps the rows around it', async () => {
    const app = await h().app();
    const token = await authority();
    const file = `phone,result,date\n${ZHANG_WEI.phone},positive,2026-11-19T08:00:00+08:00\n"${LIU_FANG.phone},negative,2026-11-19T09:00:00+08:00\n${OLIVER_BROWN.phone},negative,2026-11-19T10:00:00+08:00\n`;
    const report = (await app.inject({ method: 'POST', url: '/api/v1/imports/tests', headers: { ...bearer(token), ...csv(file) }, payload: file })).json();
    assert.equal(report.accepted, 2);
    assert.deepEqual(report.invalid.map((p: { line: number; field: string }) => [p.line, p.field]), [[3, '(row)']]);
    assert.match(report.invalid[0].message, /^is not a valid CSV row/);
  });

  it('refuses a travel record dated in year 0000, naming the field', async () => {
    const app = await h().app();
    const token = await authority();
    const file = `phone,source,region,arrival,departure,carrierRef\n${ZHANG_WEI.phone},rail,420106,0000-01-01T08:00:00+08:00,2026-11-19T08:00:00+08:00,G1234\n`;
    const report = (await app.inject({ method: 'POST', url: '/api/v1/imports/travel-records', headers: { ...bearer(token), ...csv(file) }, payload: file })).json();
    assert.equal(report.accepted, 0);
    assert.deepEqual(report.invalid.map((p: { field: string; message: string }) => [p.field, p.message]), [['arrival', 'must be after 1900-01-01']]);
  });
});

/** Registered in Wuchang (Wuhan, 420106): no resident of Yuhang's. */
const WANG_QIANG: RegistrationInput = {
  name: '王强',
  idType: 'resident_id',
  idNumber: withCheck('42010619800512003'),
  phone: '13871234567',
  address: { region: '420106', detail: '中南路 7 号 2 栋 1201 室' },
};
/** A well-formed number nobody registered. */
const NOBODY = withCheck('42010619800512101');

describeOnEachEngine("another district's residents in an officer's import", (h) => {
  const caseFile = (...idNumbers: string[]) => `idType,idNumber,status,date\n${idNumbers.map((n) => `resident_id,${n},confirmed,2026-11-19T08:00:00+08:00`).join('\n')}\n`;
  async function yuhangOfficer() {
    const zhang = (await h().services.residents.register(ZHANG_WEI)).id;
    const wang = (await h().services.residents.register(WANG_QIANG)).id;
    const officer = await h().services.staff.create('余杭区疾控中心 数据组', 'authority', '330110');
    return { app: await h().app(), zhang, wang, officer };
  }
  const post = (app: Awaited<ReturnType<typeof yuhangOfficer>>['app'], token: string, file: string) =>
    app.inject({ method: 'POST', url: '/api/v1/imports/cases', headers: { ...bearer(token), ...csv(file) }, payload: file });

  it("reports a Wuchang resident's case unmatched, writes nothing, leaves the colour and texts no one", async () => {
    const { app, wang, officer } = await yuhangOfficer();
    const before = (await h().services.decisions.current(wang)).decision.colour;
    const texted = (await h().ctx.stores.outbox.list(100)).length;
    const report = (await post(app, officer.token, caseFile(WANG_QIANG.idNumber))).json();
    assert.deepEqual([report.accepted, report.unmatched], [0, [{ line: 2 }]]);
    assert.equal((await h().opened.store.db.selectFrom('authority_facts').selectAll().execute()).length, 0);
    assert.equal((await h().services.decisions.current(wang)).decision.colour, before);
    assert.equal((await h().ctx.stores.outbox.list(100)).length, texted);
  });

  it('answers a registered outsider exactly as a number nobody registered', async () => {
    const { app, officer } = await yuhangOfficer();
    const outsider = (await post(app, officer.token, caseFile(WANG_QIANG.idNumber))).json();
    const nobody = (await post(app, officer.token, caseFile(NOBODY))).json();
    assert.deepEqual(outsider, nobody);
  });

  it('still reaches a Wuchang resident for an officer answering for every region', async () => {
    const { app } = await yuhangOfficer();
    const national = await h().services.staff.create('国家疾控中心 数据组', 'authority');
    assert.equal((await post(app, national.token, caseFile(WANG_QIANG.idNumber))).json().accepted, 1);
  });

  it("writes the import to the audit log, and the case to its own resident's access log", async () => {
    const { app, zhang, officer } = await yuhangOfficer();
    const report = (await post(app, officer.token, caseFile(ZHANG_WEI.idNumber, WANG_QIANG.idNumber, NOBODY))).json();
    assert.equal(report.accepted, 1);
    const [last] = await h().services.audit.entries({ limit: 1 });
    assert.equal(last!.action, 'import-records');
    assert.equal(last!.actor, '余杭区疾控中心 数据组 (authority)');
    assert.deepEqual(last!.detail, { kind: 'cases', rows: 3, accepted: 1, unchanged: 0, unmatched: 2, invalid: 0, actorRegion: '330110' });
    const own = await h().services.audit.entries({ residentId: zhang, limit: 10 });
    assert.deepEqual(own.map((e) => [e.action, e.actor, e.detail]), [['imported-record', '余杭区疾控中心 数据组 (authority)', { kind: 'case', line: 2, actorRegion: '330110' }]]);
  });
});

describe('CSV for a spreadsheet', () => {
  it('writes a cell a spreadsheet would run as a formula as text', () => {
    for (const formula of ['=HYPERLINK("http://evil","x")', '+1+1', '-2+3', '@SUM(A1)', '\t=1']) assert.ok(csvCell(formula).replace(/^"/, '').startsWith("'"), formula);
  });
  it('leaves ordinary text, numbers and negative numbers as they are', () => {
    assert.deepEqual([csvCell('张伟'), csvCell(-3), csvCell(12), csvCell(null)], ['张伟', '-3', '12', '']);
  });
  it('quotes commas, quotes and line breaks', () => {
    assert.equal(toCsv(['a', 'b'], [['x,y', 'say "hi"\nthen']]), 'a,b\r\n"x,y","say ""hi""\nthen"\r\n');
  });
});

describeOnEachEngine('the audit log as CSV', (h) => {
  it('writes staff-typed purposes and names that look like formulas as text', async () => {
    const app = await h().app();
    const authority = await h().services.staff.create('=HYPERLINK("http://evil.example","王主任")', 'authority');
    const auditor = await h().services.staff.create('审计员 李明', 'auditor');
    const tracer = await h().services.staff.create('流调员 陈静', 'tracer');
    await h().services.audit.grant(authority, { staffId: tracer.id, scope: 'trace', purpose: '@SUM(1+1)*cmd|calc', residentId: null, hours: 4 });
    const response = await app.inject({ method: 'GET', url: '/api/v1/audit-log.csv', headers: bearer(auditor.token) });
    assert.equal(response.statusCode, 200);
    assert.match(response.headers['content-type'] as string, /^text\/csv/);
    const [header, row] = response.body.split('\r\n');
    assert.equal(header, 'seq,at,actor,action,purpose,residentId,detail,hash');
    assert.ok(row!.includes(`"'=HYPERLINK(""http://evil.example"",""王主任"") (authority)"`), row);
    assert.ok(row!.includes(",'@SUM(1+1)*cmd|calc,"), row);
  });

  it('is for auditors only', async () => {
    const app = await h().app();
    const tracer = await h().services.staff.create('流调员 陈静', 'tracer');
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/audit-log.csv', headers: bearer(tracer.token) })).statusCode, 403);
  });
});

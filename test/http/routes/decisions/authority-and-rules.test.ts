import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DEFAULT_RULES } from '../../../../src/domain/rules/default-rule-set.js';
import { describeOnEachEngine, type Harness } from '../../../support/harness.js';
import { LIU_FANG, ZHANG_WEI } from '../../../support/people.js';
import { cityLowFeverRule } from '../../../support/rules.js';

async function authority(h: Harness, role: 'authority' | 'auditor' = 'authority') {
  return { authorization: `Bearer ${(await h.services.staff.create('杭州市疾控中心', role)).token}` };
}

describeOnEachEngine('rules, risk areas and imports', (h) => {
  it('serves the default rule set to anyone, without signing in', async () => {
    const response = await (await h().app()).inject({ method: 'GET', url: '/api/v1/rules' });
    assert.equal(response.statusCode, 200);
    const [national] = response.json().ruleSets;
    assert.deepEqual([national.region, national.version], ['CN', 1]);
    assert.ok(national.rules.some((r: { id: string }) => r.id === 'red-high-risk-area'));
  });

  it('publishes a new version and keeps the old one readable', async () => {
    const app = await h().app();
    const changed = DEFAULT_RULES.map((r) => (r.id === 'yellow-symptoms' ? { ...r, version: 2 } : r));
    const published = await app.inject({ method: 'POST', url: '/api/v1/rules', headers: await authority(h()), payload: { region: 'CN', rules: changed } });
    assert.equal(published.statusCode, 201, published.body);
    assert.equal(published.json().version, 2);
    const history = (await app.inject({ method: 'GET', url: '/api/v1/rules?region=CN' })).json();
    assert.deepEqual(history.ruleSets.map((s: { version: number }) => s.version), [2, 1]);
  });

  it('refuses a rule reading nationality with 422 naming the rule and the path', async () => {
    const app = await h().app();
    const bad = { ...DEFAULT_RULES[0]!, id: 'red-foreigners', condition: { '==': [{ var: 'resident.nationality' }, 'US'] } };
    const response = await app.inject({ method: 'POST', url: '/api/v1/rules', headers: await authority(h()), payload: { region: 'CN', rules: [bad] } });
    assert.equal(response.statusCode, 422);
    assert.equal(response.json().field, 'rules[0].condition.==[0].var');
    assert.match(response.json().errors[0].message, /^rule red-foreigners: reads 'resident.nationality'/);
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/rules?region=CN' })).json().ruleSets.length, 1);
  });

  it('lets only the authority role publish', async () => {
    const app = await h().app();
    const asAuditor = await app.inject({ method: 'POST', url: '/api/v1/rules', headers: await authority(h(), 'auditor'), payload: { region: 'CN', rules: DEFAULT_RULES } });
    assert.equal(asAuditor.statusCode, 403);
    assert.equal(asAuditor.json().reason, 'wrong-role');
    const anonymous = await app.inject({ method: 'POST', url: '/api/v1/rules', payload: { region: 'CN', rules: DEFAULT_RULES } });
    assert.equal(anonymous.statusCode, 401);
  });

  it("refuses a district's officer the national rules, and a city's above it, on publication and preview, changing nothing", async () => {
    const app = await h().app();
    const officer = await h().services.staff.create('余杭区疾控中心 王主任', 'authority', '330110');
    const headers = { authorization: `Bearer ${officer.token}` };
    const everyoneRed = DEFAULT_RULES.map((r) => (r.id === 'yellow-symptoms' ? { ...r, version: 2, colour: 'red' } : r));
    for (const url of ['/api/v1/rules', '/api/v1/rules/preview']) {
      const national = await app.inject({ method: 'POST', url, headers, payload: { region: 'CN', rules: everyoneRed } });
      assert.equal(national.statusCode, 403, national.body);
      assert.match(national.json().detail, /answers for .*330110.*national rules/);
      assert.equal(national.json().reason, 'national-rules');
      const city = await app.inject({ method: 'POST', url, headers, payload: { region: '330100', rules: [cityLowFeverRule('330100')] } });
      assert.equal(city.statusCode, 403, city.body);
      assert.equal(city.json().reason, 'outside-jurisdiction');
    }
    const sets = (await app.inject({ method: 'GET', url: '/api/v1/rules?region=CN' })).json().ruleSets;
    assert.deepEqual(sets.map((set: { version: number }) => set.version), [1]);
  });

  it("lets a district's officer publish the district's own rules", async () => {
    const app = await h().app();
    const officer = await h().services.staff.create('余杭区疾控中心 王主任', 'authority', '330110');
    const published = await app.inject({ method: 'POST', url: '/api/v1/rules', headers: { authorization: `Bearer ${officer.token}` }, payload: { region: '330110', rules: [cityLowFeverRule('330110')] } });
    assert.equal(published.statusCode, 201, published.body);
    assert.equal(published.json().region, '330110');
  });

  it('imports NDJSON, keeping good rows and naming bad and unmatched lines', async () => {
    const app = await h().app();
    const zhang = await h().services.residents.register(ZHANG_WEI);
    const body = [
      JSON.stringify({ idType: 'resident_id', idNumber: ZHANG_WEI.idNumber, kind: 'close', date: '2026-11-18T15:00:00+08:00' }),
      '{not json',
      JSON.stringify({ phone: LIU_FANG.phone, kind: 'close', date: '2026-11-18T15:00:00+08:00' }),
      JSON.stringify({ phone: ZHANG_WEI.phone, kind: 'distant', date: '2026-11-18T15:00:00+08:00' }),
      '',
    ].join('\n');
    const response = await app.inject({ method: 'POST', url: '/api/v1/imports/contacts', headers: { ...(await authority(h())), 'content-type': 'application/x-ndjson' }, payload: body });
    assert.equal(response.statusCode, 200, response.body);
    const report = response.json();
    assert.deepEqual([report.rows, report.accepted, report.redecided], [4, 1, 1]);
    assert.deepEqual(report.invalid, [
      { line: 2, field: '(row)', message: 'is not valid JSON' },
      { line: 4, field: 'kind', message: 'must be one of close, secondary' },
    ]);
    assert.deepEqual(report.unmatched, [{ line: 3 }]);
    assert.equal((await h().services.decisions.decide(zhang.id, 'test')).colour, 'red');
  });

  it('changes nothing when the same CSV is imported twice', async () => {
    const app = await h().app();
    await h().services.residents.register(ZHANG_WEI);
    const csv = `idType,idNumber,source,region,arrival,departure,carrierRef\nresident_id,${ZHANG_WEI.idNumber},rail,420106,2026-11-13T08:00:00+08:00,2026-11-14T18:00:00+08:00,G1234\n`;
    const headers = { ...(await authority(h())), 'content-type': 'text/csv' };
    const first = (await app.inject({ method: 'POST', url: '/api/v1/imports/travel-records', headers, payload: csv })).json();
    const second = (await app.inject({ method: 'POST', url: '/api/v1/imports/travel-records', headers, payload: csv })).json();
    assert.deepEqual([first.accepted, first.unchanged], [1, 0]);
    assert.deepEqual([second.accepted, second.unchanged, second.redecided], [0, 1, 0]);
    const rows = await h().opened.store.db.selectFrom('travel_records').selectAll().execute();
    assert.equal(rows.length, 1);
  });

  it('re-decides only the residents who were in a newly listed area', async () => {
    const zhang = await h().services.residents.register(ZHANG_WEI);
    const liu = await h().services.residents.register(LIU_FANG);
    await h().services.declarations.declare(zhang.id, { stays: [{ region: '420106', arrival: '2026-11-12T08:00:00+08:00', departure: '2026-11-15T18:30:00+08:00' }], contacts: [], symptoms: [] });
    await h().services.declarations.declare(liu.id, { stays: [{ region: '310104', arrival: '2026-11-12T08:00:00+08:00', departure: '2026-11-15T18:30:00+08:00' }], contacts: [], symptoms: [] });
    h().clock.advance(60_000);
    const result = await h().services.authority.setRiskArea({ region: '420100', level: 'high', from: '2026-11-10T00:00:00+08:00' });
    assert.equal(result.redecided, 1);
    assert.equal((await h().services.decisions.history(zhang.id, 5))[0]?.cause, 'risk area 420100 high');
  });

  it('keeps a rotated key in the trust list while its codes may still be shown or uploaded from offline scans', async () => {
    const first = await h().services.keys.activeKey('330110');
    const { kid } = await h().services.keys.rotate('330110');
    assert.deepEqual((await h().services.keys.trustList()).keys.map((k) => k.kid), [first.kid, kid]);
    h().clock.advance(27 * 86_400_000);
    assert.deepEqual((await h().services.keys.trustList()).keys.map((k) => k.kid), [first.kid, kid]);
    h().clock.advance(86_400_000 + 3_700_000);
    assert.deepEqual((await h().services.keys.trustList()).keys.map((k) => k.kid), [kid]);
  });
});

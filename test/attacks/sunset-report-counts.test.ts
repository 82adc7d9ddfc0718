import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DOCUMENT_TYPES, verifyDocument } from '../../src/codes/signed-document.js';
import { nodeVerify } from '../../src/codes/token-signer.js';
import { describeOnEachEngine, type Harness } from '../support/harness.js';
import { LIU_FANG, ZHANG_WEI } from '../support/people.js';
import { registerThroughApi, registerVerified } from '../support/sign-in.js';
import { auditedCounts } from '../support/sunset-audit.js';

const healthy = { stays: [], contacts: [], symptoms: [], temperature: 36.5 };

/** Every count a report holds, by where it sits: `residents` and each table's rows deleted. */
function countsOf(report: { residents: unknown; deleted: Record<string, unknown> }): [string, unknown][] {
  return [['residents', report.residents], ...Object.entries(report.deleted).map(([table, n]): [string, unknown] => [`deleted.${table}`, n])];
}

describeOnEachEngine("a sunset's public report, read by a stranger", (h) => {
  /**
   * Yuhang (330110) with one resident, Zhang, one identity claim on his document (someone holding it
   * claimed it with an address in Yuhang) and one trace that found him as a contact of Liu's in Xihu:
   * a 1 in either table points at a person. Then Yuhang's sunset runs.
   */
  async function yuhangSunset(harness: Harness) {
    const zhang = await registerVerified(harness, ZHANG_WEI);
    const liu = await registerVerified(harness, LIU_FANG);
    for (const id of [zhang, liu]) await harness.services.declarations.declare(id, healthy);
    assert.equal((await registerThroughApi(harness, { ...ZHANG_WEI, phone: '13800003333' })).statusCode, 409, 'the claim is filed');
    const authority = (name: string) => harness.services.staff.create(name, 'authority');
    const [wang, li] = [await authority('余杭区卫健局 王局长'), await authority('余杭区疾控中心 李主任')];
    const result = { contacts: [{ residentId: zhang, maskedName: '*伟', level: 'close', firstContactAt: '2026-11-19T02:00:00.000Z', evidence: [{ kind: 'same-venue', venue: '余杭区 五常街道 菜市场', minutesApart: 12 }] }], caseVisits: [] };
    await harness.ctx.stores.traces.insert({ id: 'trace-of-liu', case_resident_id: liu, window_from: 0, window_to: 1, opened_by: wang.id, grant_id: 'grant-1', purpose: '流调', status: 'confirmed', result: JSON.stringify(result), created_at: 0, confirmed_at: 1 });
    const asked = await harness.services.sunset.request(wang as never, '330110');
    await harness.services.sunset.approve(li as never, asked.id);
    return harness.services.sunset.run(asked.id);
  }

  it('learns no exact count from 1 to 4 of the district, in the list, the report or its signed payload', async () => {
    const { id } = await yuhangSunset(h());
    const app = await h().app();
    const listed = await app.inject({ method: 'GET', url: '/api/v1/sunset-reports' });
    const one = await app.inject({ method: 'GET', url: `/api/v1/sunset-reports/${id}` });
    assert.equal(listed.statusCode, 200, listed.body);
    assert.equal(one.statusCode, 200, one.body);
    const operator = await h().services.keys.operatorKey();
    const { payload } = await verifyDocument(Buffer.from(one.json().signed, 'base64'), DOCUMENT_TYPES.sunsetReport, (kid) => (kid === operator.kid ? operator.publicKey : undefined), nodeVerify());
    for (const [where, report] of [['list', listed.json()[0].report], ['report', one.json().report], ['signed payload', payload]] as const) {
      for (const [field, n] of countsOf(report as never)) {
        assert.ok(typeof n !== 'number' || n === 0 || n >= 5, `${where} ${field}: ${JSON.stringify(n)} is an exact small count`);
      }
      const shown = report as { residents: unknown; deleted: Record<string, unknown>; smallCount: number };
      assert.equal(shown.smallCount, 5);
      assert.deepEqual(shown.deleted.identity_reclaims, { atLeast: 1, atMost: 4 }, `${where}: the one claim`);
      assert.deepEqual(shown.deleted.traces, { atLeast: 1, atMost: 4 }, `${where}: the one trace`);
      assert.deepEqual(shown.residents, { atLeast: 1, atMost: 4 }, `${where}: the one resident`);
    }
  });

  it('finds the exact counts only in the audit entry of the run, which it cannot read', async () => {
    const { id } = await yuhangSunset(h());
    const audited = await auditedCounts(h().services, id);
    assert.deepEqual([audited.residents, audited.deleted.identity_reclaims, audited.deleted.traces], [1, 1, 1], 'the auditors read what was destroyed');
    const app = await h().app();
    const refused = await app.inject({ method: 'GET', url: '/api/v1/audit-log' });
    assert.equal(refused.statusCode, 401, refused.body);
  });
});

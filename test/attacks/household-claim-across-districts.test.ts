import assert from 'node:assert/strict';
import { it } from 'node:test';
import { checkIdentity } from '../../src/domain/identity/identity-document.js';
import { FieldCipher } from '../../src/privacy/field-cipher.js';
import { RegionKeys } from '../../src/privacy/region-keys.js';
import { INDEX_ID } from '../../src/store/residents/resident-lookups-store.js';
import { describeOnEachEngine } from '../support/harness.js';
import { LIU_FANG, withCheck } from '../support/people.js';
import { signedUpThroughApi } from '../support/sign-in.js';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const healthy = { stays: [], contacts: [], symptoms: [], temperature: 36.5 };

/** Red in Yuhang (a positive test on his number); the attacker gives his number for a "parent" elsewhere. */
const CHEN_ZHIQIANG = { name: '陈志强', idType: 'resident_id', idNumber: withCheck('33011019750228005'), phone: '13700002222', address: { region: '330110', detail: '良渚街道古墩路 1888 号' } };
const asParentIn = (region: string, detail: string) => ({ name: '陈某某', idType: 'resident_id', idNumber: CHEN_ZHIQIANG.idNumber, relationship: 'parent', address: { region, detail } });
const XIHU = asParentIn('330106', '文三路 90 号 5 单元 601 室');
const SHANGCHENG = asParentIn('330102', '湖滨街道延安路 98 号 3 单元 201 室');

describeOnEachEngine('a relative in another district giving a red person’s ID number for a household member', (h) => {
  /** Chen, red in Yuhang; Liu of Xihu adds him under another name with `member`'s address and declares him well. */
  async function claimedAcrossDistricts(memberInput: typeof XIHU) {
    const app = await h().app();
    await h().services.residents.register(CHEN_ZHIQIANG);
    const importer = await h().services.staff.create('余杭区疾控中心 数据组', 'authority', '330110');
    const file = `idType,idNumber,result,date\nresident_id,${CHEN_ZHIQIANG.idNumber},positive,2026-11-19T08:00:00+08:00\n`;
    const imported = await app.inject({ method: 'POST', url: '/api/v1/imports/tests', headers: { ...bearer(importer.token), 'content-type': 'text/csv' }, payload: file });
    assert.equal(imported.json().accepted, 1, imported.body);
    const relative = await signedUpThroughApi(h(), LIU_FANG);
    const added = await app.inject({ method: 'POST', url: `/api/v1/residents/${relative.id}/dependents`, headers: relative.auth, payload: memberInput });
    assert.equal(added.statusCode, 201, added.body);
    const dependentId = added.json().id as string;
    const declared = await app.inject({ method: 'POST', url: `/api/v1/residents/${dependentId}/declarations`, headers: relative.auth, payload: healthy });
    assert.ok(declared.statusCode < 300, declared.body);
    return { app, relative, dependentId };
  }

  it('never gives the member a green code when the relative and the member live in Xihu and the holder, red, in Yuhang', async () => {
    const { app, relative, dependentId } = await claimedAcrossDistricts(XIHU);
    const code = await app.inject({ method: 'GET', url: `/api/v1/residents/${dependentId}/code`, headers: relative.auth });
    assert.equal(code.statusCode, 200, code.body);
    assert.equal(code.json().colour, 'red', code.body);
    assert.ok(!code.body.includes('positive'), 'the holder’s record is not shown to the relative');
  });

  it('never gives the member a green code when the relative lives in Xihu, the member in Shangcheng, and the holder, red, in Yuhang', async () => {
    const { app, relative, dependentId } = await claimedAcrossDistricts(SHANGCHENG);
    const code = await app.inject({ method: 'GET', url: `/api/v1/residents/${dependentId}/code`, headers: relative.auth });
    assert.equal(code.statusCode, 200, code.body);
    assert.equal(code.json().colour, 'red', code.body);
  });

  it('lists the claim to the authority of the holder’s district, who settles it, and not to the claimant’s district', async () => {
    const { app } = await claimedAcrossDistricts(XIHU);
    const [yuhang1, yuhang2] = [await h().services.staff.create('余杭区公安分局 户籍科', 'authority', '330110'), await h().services.staff.create('余杭区疾控中心 身份核验', 'authority', '330110')];
    const xihu = await h().services.staff.create('西湖区疾控中心 周主任', 'authority', '330106');
    const listed = await app.inject({ method: 'GET', url: '/api/v1/identity-reclaims', headers: bearer(yuhang1.token) });
    assert.equal(listed.statusCode, 200, listed.body);
    const claims = listed.json() as { id: string; forHouseholdMember: boolean }[];
    assert.equal(claims.length, 1, listed.body);
    assert.equal(claims[0]!.forHouseholdMember, true);
    assert.deepEqual((await app.inject({ method: 'GET', url: '/api/v1/identity-reclaims', headers: bearer(xihu.token) })).json(), []);
    const evidence = { method: 'authority-record', document: '居民身份证', reference: '公安人口库查询 2026-1120-0042' };
    const rejectedBy = (token: string, step: string) => app.inject({ method: 'POST', url: `/api/v1/identity-reclaims/${claims[0]!.id}/${step}`, headers: bearer(token), payload: step === 'reject' ? { note: '持证人本人仍持有身份证' } : { evidence, note: '核验持证人' } });
    assert.equal((await rejectedBy(xihu.token, 'reject')).statusCode, 403);
    const proposed = await rejectedBy(yuhang1.token, 'propose');
    assert.equal(proposed.statusCode, 200, proposed.body);
    const rejected = await rejectedBy(yuhang2.token, 'reject');
    assert.equal(rejected.statusCode, 200, rejected.body);
    assert.equal(rejected.json().status, 'rejected');
  });

  it('leaves the Xihu claim pointing at nothing readable once Yuhang, the holder’s district, is sunset: its index confirms the number under no key left', async () => {
    const { app } = await claimedAcrossDistricts(XIHU);
    const [asks, approves] = [await h().services.staff.create('余杭区卫健局 王局长', 'authority'), await h().services.staff.create('余杭区疾控中心 主任', 'authority')];
    const asked = await h().services.sunset.request(asks as never, '330110');
    await h().services.sunset.approve(approves as never, asked.id);
    await h().services.sunset.run(asked.id);
    const claims = await h().opened.store.db.selectFrom('identity_reclaims').select(['id', 'id_index']).execute();
    assert.equal(claims.length, 1, 'the claim of Xihu stays with Xihu');
    // The attacker: the master key and the keys the sunset left (Xihu's), guessing the number.
    const attacker = new FieldCipher(h().dataKey, RegionKeys.underMasterKey(h().ctx.regionKeys.backend, h().dataKey));
    const identity = checkIdentity(CHEN_ZHIQIANG, new Date());
    assert.ok(identity.ok);
    const guesses = [...attacker.lookupIndexes(INDEX_ID, identity.value.key), ...attacker.regionIndexes(INDEX_ID, identity.value.key).values()];
    assert.ok(!guesses.includes(claims[0]!.id_index), 'the claim’s index confirms the number');
    // With no holder left, the claimant's district settles what remains of it.
    const xihu = await h().services.staff.create('西湖区疾控中心 周主任', 'authority', '330106');
    assert.deepEqual((await app.inject({ method: 'GET', url: '/api/v1/identity-reclaims', headers: bearer(xihu.token) })).json().map((c: { id: string }) => c.id), [claims[0]!.id]);
  });

  it('keeps the member red after a start moves a claim indexed before district keys: it goes under the holder’s district key, not the member’s', async () => {
    const { app, relative, dependentId } = await claimedAcrossDistricts(XIHU);
    const identity = checkIdentity(CHEN_ZHIQIANG, new Date());
    assert.ok(identity.ok);
    const db = h().opened.store.db;
    // The claim as stored before districts had index keys: under the master key.
    await db.updateTable('identity_reclaims').set({ id_index: h().ctx.cipher.blindIndex(INDEX_ID, identity.value.key) }).execute();
    // What every start runs (cli/server.ts).
    for (let n = await h().ctx.stores.reclaims.indexUnderRegionKeys(500); n > 0; n = await h().ctx.stores.reclaims.indexUnderRegionKeys(500));
    const [claim] = await db.selectFrom('identity_reclaims').select('id_index').execute();
    assert.equal(claim!.id_index, h().ctx.stores.residentLookups.identityIndex('330110', identity.value.key));
    await h().ctx.stores.decisions.invalidate([dependentId]);
    const code = await app.inject({ method: 'GET', url: `/api/v1/residents/${dependentId}/code`, headers: relative.auth });
    assert.equal(code.json().colour, 'red', code.body);
  });
});

import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeOnEachEngine } from '../support/harness.js';
import { LIU_FANG, withCheck, ZHANG_WEI } from '../support/people.js';
import { bearer, CASE_PURPOSE, confirmedCaseAtTheMall, member } from '../support/traced-case.js';

/**
 * Officers who should find nobody: one with no grant, one whose grant is for another person, one
 * from another district who knows the case's ID number, a stranger looking for non-cases by name.
 * Each finds nothing, is told why, and the attempt is in the log.
 */
describeOnEachEngine('searching for residents as an officer who should find no one', (h) => {
  it('finds nothing for an officer without a grant, says the grant is what is missing, and logs the attempt', async () => {
    const app = await h().app();
    await confirmedCaseAtTheMall(h());
    const stranger = await h().services.staff.create('流调员 赵强', 'tracer', '330110');
    const madeUp = '6f1c2a4e-8a7b-4c1d-9e2f-3a4b5c6d7e8f';
    const response = await app.inject({ method: 'POST', url: '/api/v1/residents/search', headers: bearer(stranger.token), payload: { grantId: madeUp, query: ZHANG_WEI.idNumber } });
    assert.deepEqual([response.statusCode, response.json().reason, response.json().field], [403, 'no-grant', 'grantId']);
    assert.ok(!response.body.includes('张'), 'the refusal names no one');
    const [entry] = await h().services.audit.entries({ limit: 1 });
    assert.deepEqual([entry?.action, entry?.actor, entry?.residentId], ['search-residents-refused', '流调员 赵强 (tracer)', null]);
  });

  it('finds nothing for an officer of another district who holds a grant and types the case’s real ID number, and says the search covers only their district', async () => {
    const app = await h().app();
    const { zhang } = await confirmedCaseAtTheMall(h());
    const xihuAuthority = await h().services.staff.create('西湖区疾控中心 周主任', 'authority', '330106');
    const grant = await h().services.audit.grant(member(xihuAuthority), { staffId: xihuAuthority.id, scope: 'trace', purpose: '确诊病例 2026-0415 流调', residentId: null, hours: 4 });
    const nobody = await app.inject({ method: 'POST', url: '/api/v1/residents/search', headers: bearer(xihuAuthority.token), payload: { grantId: grant.id, query: withCheck('33010619720101005') } });
    const byId = await app.inject({ method: 'POST', url: '/api/v1/residents/search', headers: bearer(xihuAuthority.token), payload: { grantId: grant.id, query: ZHANG_WEI.idNumber } });
    assert.deepEqual([byId.statusCode, byId.json().reason, byId.json().field], [404, 'no-match', 'query']);
    assert.match(byId.json().detail, /西湖区.*330106/);
    assert.ok(!byId.body.includes('张') && !byId.body.includes(zhang.id), 'the refusal says nothing of who matched');
    // Whether the number is someone's elsewhere is not told: the same answer as for a number nobody holds.
    assert.deepEqual([nobody.statusCode, nobody.json().detail], [404, byId.json().detail]);
    // The log knows what the officer was not told.
    const search = (await h().services.audit.entries({ limit: 5 })).find((e) => e.action === 'search-residents');
    assert.deepEqual([search?.actor, search?.detail.outcome], ['西湖区疾控中心 周主任 (authority)', 'outside-jurisdiction']);
    const timeline = await app.inject({ method: 'GET', url: `/api/v1/residents/${zhang.id}/timeline?grantId=${grant.id}`, headers: bearer(xihuAuthority.token) });
    assert.equal(timeline.statusCode, 403, 'nor does a copied resident id open the timeline');
  });

  it('finds with a grant for one case no one else, though the number typed is another resident’s', async () => {
    const app = await h().app();
    const { authority, zhang } = await confirmedCaseAtTheMall(h());
    const tracer = await h().services.staff.create('流调员 陈静', 'tracer', '330110');
    const grant = await h().services.audit.grant(member(authority), { staffId: tracer.id, scope: 'read-personal', purpose: CASE_PURPOSE, residentId: zhang.id, hours: 4 });
    const response = await app.inject({ method: 'POST', url: '/api/v1/residents/search', headers: bearer(tracer.token), payload: { grantId: grant.id, query: LIU_FANG.idNumber } });
    assert.deepEqual([response.statusCode, response.json().reason], [404, 'no-match']);
    assert.ok(!response.body.includes('刘'));
  });

  it('finds by name only recent cases: a resident who is no case is not found by her name', async () => {
    const app = await h().app();
    const { authority, grant } = await confirmedCaseAtTheMall(h());
    const response = await app.inject({ method: 'POST', url: '/api/v1/residents/search', headers: bearer(authority.token), payload: { grantId: grant.id, query: '刘*芳' } });
    assert.deepEqual([response.statusCode, response.json().reason], [404, 'no-match']);
  });

  it('gives a grant holder probing by parts of a name no one: 张, 伟, a masked form showing what screens hide; only the whole name or the masked form finds the case', async () => {
    const app = await h().app();
    const { authority, zhang, grant } = await confirmedCaseAtTheMall(h());
    const search = (query: string) => app.inject({ method: 'POST', url: '/api/v1/residents/search', headers: bearer(authority.token), payload: { grantId: grant.id, query } });
    // Each probe that matched would confirm a character of the case's name, one guess at a time.
    for (const probe of ['张', '伟', 'zhang', '张 ', '*伟']) {
      const response = await search(probe);
      assert.deepEqual([probe, response.statusCode, response.json().reason], [probe, 404, 'no-match']);
    }
    const ids = async (query: string) => (await search(query)).json<{ results: { residentId: string }[] }>().results.map((r) => r.residentId);
    assert.deepEqual(await ids('张伟'), [zhang.id], 'the whole name finds the case');
    assert.deepEqual(await ids('张*'), [zhang.id], 'the masked form the console shows finds it too');
  });
});

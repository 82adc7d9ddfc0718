import assert from 'node:assert/strict';
import { it } from 'node:test';
import { InvalidInputError } from '../../src/domain/field-errors.js';
import { SMS_TEXTS } from '../../src/services/sms-texts.js';
import { describeOnEachEngine, type Harness } from '../support/harness.js';
import { GRANDMA_ZHANG, LIU_FANG, ZHANG_WEI } from '../support/people.js';
import { lastCodeSentTo, registerThroughApi, signedUpThroughApi } from '../support/sign-in.js';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const SQUATTER_PHONE = '13700001111';

async function residentCount(h: Harness): Promise<number> {
  return (await h.opened.store.db.selectFrom('residents').select('id').execute()).length;
}

describeOnEachEngine('registering as a stranger probing who is registered', (h) => {
  it('refuses a registration without the code sent to the phone, whether the ID number is taken or not', async () => {
    const app = await h().app();
    await h().services.residents.register(ZHANG_WEI);
    const before = await residentCount(h());
    const taken = await app.inject({ method: 'POST', url: '/api/v1/residents', payload: { ...ZHANG_WEI, phone: SQUATTER_PHONE, code: '123456' } });
    const free = await app.inject({ method: 'POST', url: '/api/v1/residents', payload: { ...LIU_FANG, phone: SQUATTER_PHONE, code: '123456' } });
    assert.deepEqual([taken.statusCode, free.statusCode], [401, 401]);
    assert.equal(taken.json().detail, free.json().detail);
    assert.equal(await residentCount(h()), before);
  });

  it('answers a taken ID number with identity-taken, saying nothing of the account that holds it, and opens a reclaim', async () => {
    await h().services.residents.register(ZHANG_WEI);
    const response = await registerThroughApi(h(), { ...ZHANG_WEI, phone: SQUATTER_PHONE });
    assert.equal(response.statusCode, 409);
    const body = response.json() as { type: string; detail: string };
    assert.equal(body.type, '/problems/identity-taken');
    assert.match(body.detail, /reclaim [0-9a-f-]{36} is open/);
    for (const secret of ['139', '5678', '张*', 'Yuhang', '余杭']) assert.ok(!response.body.includes(secret), `reveals '${secret}'`);
    assert.equal((await h().services.reclaims.pending()).length, 1);
  });

  it('tells the holder of a phone that already has an account to sign in, keeping the code for that', async () => {
    const app = await h().app();
    await h().services.residents.register(ZHANG_WEI);
    const response = await registerThroughApi(h(), { ...LIU_FANG, phone: ZHANG_WEI.phone });
    assert.equal(response.statusCode, 409);
    assert.equal(response.json().field, 'phone');
    const code = await lastCodeSentTo(h(), '+8613912345678');
    assert.equal((await app.inject({ method: 'POST', url: '/api/v1/sign-in/session', payload: { phone: ZHANG_WEI.phone, code } })).statusCode, 201);
  });

  it('registers with the code, signs the resident in and counts the phone as verified', async () => {
    const { id, auth } = await signedUpThroughApi(h(), ZHANG_WEI);
    const me = await (await h().app()).inject({ method: 'GET', url: `/api/v1/residents/${id}`, headers: auth });
    assert.equal(me.json().phoneVerified, true);
  });
});

describeOnEachEngine('reclaiming an identity document someone else registered', (h) => {
  const RECORDS = { method: 'authority-record', document: '居民身份证', reference: '公安人口库查询 2026-1120-0042' };
  const IN_PERSON = { method: 'in-person', document: '居民身份证', reference: '五常街道服务点 2 号窗口' };
  /** The squatter registers the real holder's ID number first; the holder then registers and is refused. */
  async function squatted() {
    const squatter = await signedUpThroughApi(h(), { ...ZHANG_WEI, name: '冒名者', phone: SQUATTER_PHONE });
    const refused = await registerThroughApi(h(), ZHANG_WEI);
    const reclaimId = /reclaim ([0-9a-f-]{36})/.exec(refused.json().detail)![1]!;
    const authority = await h().services.staff.create('余杭区疾控中心 身份核验', 'authority');
    const second = await h().services.staff.create('余杭区公安分局 户籍科', 'authority');
    return { squatter, reclaimId, authority, second };
  }

  it('leaves a reclaim in Yuhang to officers who answer for Yuhang: two Xihu officers neither see nor settle it', async () => {
    const app = await h().app();
    const { reclaimId } = await squatted();
    const [xihu1, xihu2] = [await h().services.staff.create('西湖区疾控中心 周主任', 'authority', '330106'), await h().services.staff.create('西湖区公安分局 吴警官', 'authority', '330106')];
    const listed = await app.inject({ method: 'GET', url: '/api/v1/identity-reclaims', headers: bearer(xihu1.token) });
    assert.deepEqual([listed.statusCode, listed.json()], [200, []]);
    const proposed = await app.inject({ method: 'POST', url: `/api/v1/identity-reclaims/${reclaimId}/propose`, headers: bearer(xihu1.token), payload: { evidence: IN_PERSON, note: '现场核验身份证原件' } });
    assert.equal(proposed.statusCode, 403, proposed.body);
    const yuhang = await h().services.staff.create('余杭区疾控中心 孙科长', 'authority', '330110');
    assert.equal((await app.inject({ method: 'POST', url: `/api/v1/identity-reclaims/${reclaimId}/propose`, headers: bearer(yuhang.token), payload: { evidence: IN_PERSON, note: '现场核验身份证原件' } })).statusCode, 200);
    const approved = await app.inject({ method: 'POST', url: `/api/v1/identity-reclaims/${reclaimId}/approve`, headers: bearer(xihu2.token), payload: { evidence: RECORDS, note: '公安人口库核对一致' } });
    assert.equal(approved.statusCode, 403, approved.body);
  });

  it('takes the number from the squatting account and gives its holder an account, once two authorities have checked', async () => {
    const app = await h().app();
    const { squatter, reclaimId, authority, second } = await squatted();
    const queue = await app.inject({ method: 'GET', url: '/api/v1/identity-reclaims', headers: bearer(authority.token) });
    assert.deepEqual(queue.json().map((r: { id: string; maskedName: string }) => [r.id, r.maskedName]), [[reclaimId, '张*']]);
    const proposed = await app.inject({ method: 'POST', url: `/api/v1/identity-reclaims/${reclaimId}/propose`, headers: bearer(authority.token), payload: { evidence: RECORDS, note: '公安人口库核对一致' } });
    assert.equal(proposed.statusCode, 200, proposed.body);
    assert.equal(proposed.json().status, 'proposed');
    // Nothing changed yet: the squatter still holds it.
    assert.equal((await app.inject({ method: 'GET', url: `/api/v1/residents/${squatter.id}`, headers: squatter.auth })).json().identityRevoked, false);
    const approved = await app.inject({ method: 'POST', url: `/api/v1/identity-reclaims/${reclaimId}/approve`, headers: bearer(second.token), payload: { evidence: IN_PERSON, note: '持证人到服务点核验原件' } });
    assert.equal(approved.statusCode, 200, approved.body);
    const holderId = approved.json().residentId as string;

    assert.equal((await h().services.residents.get(holderId)).identity.number, ZHANG_WEI.idNumber);
    const squatterView = await app.inject({ method: 'GET', url: `/api/v1/residents/${squatter.id}`, headers: squatter.auth });
    assert.equal(squatterView.json().identityRevoked, true);
    // The squatting account stands behind no identity now: its code is gray, with the reason.
    const decision = await h().services.decisions.decide(squatter.id, 'test');
    assert.deepEqual([decision.colour, decision.rules[0]?.id], ['gray', 'gray-unverified']);
    // The holder signs in with the phone they proved.
    h().clock.advance(61_000);
    await app.inject({ method: 'POST', url: '/api/v1/sign-in/code', payload: { phone: ZHANG_WEI.phone } });
    const session = await app.inject({ method: 'POST', url: '/api/v1/sign-in/session', payload: { phone: ZHANG_WEI.phone, code: await lastCodeSentTo(h(), '+8613912345678') } });
    assert.equal(session.json().residentId, holderId);
    // Both accounts see who did it and why; the log names both officers and what each checked.
    const [onHolder] = await h().services.audit.entries({ residentId: holderId, limit: 1 });
    const [onSquatter] = await h().services.audit.entries({ residentId: squatter.id, limit: 1 });
    assert.deepEqual([onHolder?.action, onSquatter?.action], ['approve-identity-reclaim', 'revoke-identity']);
    assert.match(onSquatter!.purpose, /持证人到服务点核验原件/);
    assert.deepEqual(onHolder!.detail, { reclaimId, proposedBy: authority.id, proposalEvidence: RECORDS, evidence: IN_PERSON, method: 'in-person' });
    const proposal = (await h().services.audit.entries({ limit: 20 })).find((e) => e.action === 'propose-identity-reclaim');
    assert.deepEqual(proposal?.detail, { reclaimId, evidence: RECORDS });
  });

  it('tells both the squatting account and the holder by SMS when a reclaim is approved, and neither before', async () => {
    const app = await h().app();
    const { reclaimId, authority, second } = await squatted();
    const texts = async (phone: string) => (await h().ctx.stores.outbox.list(50, phone)).map((m) => m.body);
    const before = { squatter: await texts('+8613700001111'), holder: await texts('+8613912345678') };
    await app.inject({ method: 'POST', url: `/api/v1/identity-reclaims/${reclaimId}/propose`, headers: bearer(authority.token), payload: { evidence: RECORDS, note: '公安人口库核对一致' } });
    assert.deepEqual([await texts('+8613700001111'), await texts('+8613912345678')], [before.squatter, before.holder], 'a proposal alone tells nobody');
    const approved = await app.inject({ method: 'POST', url: `/api/v1/identity-reclaims/${reclaimId}/approve`, headers: bearer(second.token), payload: { evidence: IN_PERSON, note: '持证人到服务点核验原件' } });
    assert.equal(approved.statusCode, 200, approved.body);
    // The clock stands still, so the outbox's order among same-time messages says nothing: compare as sets.
    const squatterNew = (await texts('+8613700001111')).filter((t) => !before.squatter.includes(t));
    const holderNew = (await texts('+8613912345678')).filter((t) => !before.holder.includes(t));
    assert.deepEqual(squatterNew, [SMS_TEXTS.identityRevoked('zh-CN')]);
    assert.deepEqual(holderNew, [SMS_TEXTS.reclaimApproved('zh-CN')]);
  });

  it('refuses to let the officer who proposed a reclaim approve it too', async () => {
    const app = await h().app();
    const { squatter, reclaimId, authority } = await squatted();
    await app.inject({ method: 'POST', url: `/api/v1/identity-reclaims/${reclaimId}/propose`, headers: bearer(authority.token), payload: { evidence: RECORDS, note: '公安人口库核对一致' } });
    const self = await app.inject({ method: 'POST', url: `/api/v1/identity-reclaims/${reclaimId}/approve`, headers: bearer(authority.token), payload: { evidence: RECORDS, note: '公安人口库核对一致' } });
    assert.equal(self.statusCode, 403, self.body);
    assert.equal((await h().services.residents.get(squatter.id)).identityRevokedAt, null);
    assert.equal((await h().services.reclaims.pending())[0]?.status, 'proposed');
  });

  it('refuses an approval with no proposal before it, and either step without the evidence checked, naming the field', async () => {
    const app = await h().app();
    const { reclaimId, authority, second } = await squatted();
    const early = await app.inject({ method: 'POST', url: `/api/v1/identity-reclaims/${reclaimId}/approve`, headers: bearer(second.token), payload: { evidence: RECORDS, note: '公安人口库核对一致' } });
    assert.equal(early.statusCode, 409, early.body);
    const bare = await app.inject({ method: 'POST', url: `/api/v1/identity-reclaims/${reclaimId}/propose`, headers: bearer(authority.token), payload: { note: '公安人口库核对一致' } });
    assert.deepEqual([bare.statusCode, bare.json().field], [400, 'evidence']);
    const noReference = await app.inject({ method: 'POST', url: `/api/v1/identity-reclaims/${reclaimId}/propose`, headers: bearer(authority.token), payload: { evidence: { method: 'in-person', document: '居民身份证' }, note: '现场核验' } });
    assert.deepEqual([noReference.statusCode, noReference.json().field], [400, 'evidence.reference']);
    await app.inject({ method: 'POST', url: `/api/v1/identity-reclaims/${reclaimId}/propose`, headers: bearer(authority.token), payload: { evidence: RECORDS, note: '公安人口库核对一致' } });
    const unproven = await app.inject({ method: 'POST', url: `/api/v1/identity-reclaims/${reclaimId}/approve`, headers: bearer(second.token), payload: { note: '同意' } });
    assert.deepEqual([unproven.statusCode, unproven.json().field], [400, 'evidence']);
    // And in the service, for callers that skip the HTTP schema.
    await assert.rejects(h().services.reclaims.approve({ id: second.id, name: second.name, role: 'authority', region: null }, reclaimId, { evidence: { method: 'in-person', document: ' ', reference: 'x' }, note: '同意' }), (e: unknown) => e instanceof InvalidInputError && e.errors[0]?.field === 'evidence.document');
    assert.equal((await h().services.reclaims.pending())[0]?.status, 'proposed');
  });

  it('refuses to approve a reclaim twice', async () => {
    const app = await h().app();
    const { reclaimId, authority, second } = await squatted();
    const third = await h().services.staff.create('余杭区卫健局 审核', 'authority');
    await app.inject({ method: 'POST', url: `/api/v1/identity-reclaims/${reclaimId}/propose`, headers: bearer(authority.token), payload: { evidence: IN_PERSON, note: '现场核验身份证原件' } });
    const payload = { evidence: IN_PERSON, note: '现场核验身份证原件' };
    const first = app.inject({ method: 'POST', url: `/api/v1/identity-reclaims/${reclaimId}/approve`, headers: bearer(second.token), payload });
    const other = app.inject({ method: 'POST', url: `/api/v1/identity-reclaims/${reclaimId}/approve`, headers: bearer(third.token), payload });
    const statuses = (await Promise.all([first, other])).map((r) => r.statusCode).sort();
    assert.deepEqual(statuses, [200, 409]);
    assert.equal((await h().opened.store.db.selectFrom('residents').select('id').execute()).length, 2);
  });

  it('lets only the authority see and decide reclaims', async () => {
    const app = await h().app();
    const { reclaimId } = await squatted();
    const tracer = await h().services.staff.create('流调员 陈静', 'tracer');
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/identity-reclaims', headers: bearer(tracer.token) })).statusCode, 403);
    for (const step of ['propose', 'approve']) {
      assert.equal((await app.inject({ method: 'POST', url: `/api/v1/identity-reclaims/${reclaimId}/${step}`, headers: bearer(tracer.token), payload: { evidence: IN_PERSON, note: '现场核验身份证原件' } })).statusCode, 403);
    }
  });
});

describeOnEachEngine('looking up a case without a grant', (h) => {
  it('answers a made-up grant the same for a registered and an unknown phone, and audits both attempts', async () => {
    const app = await h().app();
    await h().services.residents.register(ZHANG_WEI);
    const tracer = await h().services.staff.create('流调员 陈静', 'tracer');
    const madeUp = '6f1c2a4e-8a7b-4c1d-9e2f-3a4b5c6d7e8f';
    const known = await app.inject({ method: 'POST', url: '/api/v1/residents/find', headers: bearer(tracer.token), payload: { grantId: madeUp, phone: ZHANG_WEI.phone } });
    const unknown = await app.inject({ method: 'POST', url: '/api/v1/residents/find', headers: bearer(tracer.token), payload: { grantId: madeUp, phone: '13700001111' } });
    assert.deepEqual([known.statusCode, unknown.statusCode], [403, 403]);
    assert.equal(known.json().detail, unknown.json().detail);
    const refusals = (await h().services.audit.entries({ limit: 10 })).filter((e) => e.action === 'find-resident-refused');
    assert.equal(refusals.length, 2);
    assert.deepEqual(refusals.map((e) => e.residentId), [null, null]);
  });

  it('answers a grant for one resident the same for anyone else, registered or not', async () => {
    const app = await h().app();
    const zhang = await h().services.residents.register(ZHANG_WEI);
    await h().services.residents.register(LIU_FANG);
    const tracer = await h().services.staff.create('流调员 陈静', 'tracer');
    const authority = await h().services.staff.create('疾控中心', 'authority');
    const grant = await h().services.audit.grant(authority, { staffId: tracer.id, scope: 'read-personal', purpose: '确诊病例 2026-0412 流调', residentId: zhang.id, hours: 4 });
    const other = await app.inject({ method: 'POST', url: '/api/v1/residents/find', headers: bearer(tracer.token), payload: { grantId: grant.id, phone: LIU_FANG.phone } });
    const nobody = await app.inject({ method: 'POST', url: '/api/v1/residents/find', headers: bearer(tracer.token), payload: { grantId: grant.id, phone: '13700001111' } });
    assert.deepEqual([other.statusCode, nobody.statusCode], [404, 404]);
    assert.equal(other.body.replace(/"instance":"[^"]*"/, ''), nobody.body.replace(/"instance":"[^"]*"/, ''));
  });
});

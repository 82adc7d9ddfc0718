import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeOnEachEngine } from '../support/harness.js';
import { ZHANG_WEI } from '../support/people.js';
import { bearer, confirmedCaseAtTheMall, member } from '../support/traced-case.js';

/**
 * An authority officer tries to make an officer's search read, in the resident's access log, as if
 * the resident had consented: the grant's purpose typed as the very sentence the system writes when
 * a resident allows a host app. Refused when typed; and a purpose that got into the store anyway (a
 * grant given before the refusal) still reads as an officer's typed words.
 */
const SYSTEM_SENTENCE = 'host app access (own consent)';

describeOnEachEngine('an officer typing a purpose that passes for the system’s words', (h) => {
  it('is refused a grant whose purpose is the system’s sentence, however it is cased, spaced or widened, naming purpose', async () => {
    const app = await h().app();
    const { authority, zhang } = await confirmedCaseAtTheMall(h());
    const tracer = await h().services.staff.create('流调员 陈静', 'tracer', '330110');
    for (const purpose of [SYSTEM_SENTENCE, '  Host App Access  (own consent) ', 'ｈｏｓｔ app access （own consent）']) {
      const response = await app.inject({ method: 'POST', url: '/api/v1/grants', headers: bearer(authority.token), payload: { staffId: tracer.id, scope: 'read-personal', purpose, residentId: zhang.id, hours: 4 } });
      assert.equal(response.statusCode, 422, purpose);
      assert.equal(response.json().errors[0].field, 'purpose');
      assert.match(response.json().errors[0].message, /sentences the system itself writes/);
    }
    assert.equal((await h().services.audit.liveGrantsOf(member(tracer))).length, 0, 'no grant was given');
  });

  it('shows a search under a grant stored with that sentence as the officer’s typed purpose in the resident’s log, never as their consent', async () => {
    const app = await h().app();
    const { authority, zhang } = await confirmedCaseAtTheMall(h());
    const tracer = await h().services.staff.create('流调员 陈静', 'tracer', '330110');
    // A grant already in the store with the sentence, as one given before the refusal would be.
    const grantId = '0b9e3c1a-2f4d-4e8a-9c7b-5d6e7f8a9b0c';
    const now = h().clock.now().getTime();
    await h().ctx.stores.audit.insertGrant({ id: grantId, staff_id: tracer.id, scope: 'read-personal', purpose: SYSTEM_SENTENCE, resident_id: zhang.id, granted_by: authority.id, created_at: now, expires_at: now + 4 * 3_600_000 });
    const search = await app.inject({ method: 'POST', url: '/api/v1/residents/search', headers: bearer(tracer.token), payload: { grantId, query: ZHANG_WEI.idNumber } });
    assert.equal(search.statusCode, 200, search.body);
    const entries = (await h().services.audit.entries({ residentId: zhang.id, limit: 5 })).filter((e) => e.action === 'found-resident');
    assert.equal(entries.length, 1);
    assert.deepEqual(entries[0]!.described.why, { kind: 'typed', text: SYSTEM_SENTENCE });
    assert.deepEqual(await h().services.audit.verify().then((v) => v.firstBroken), null, 'the chain still verifies');
  });

  it('is refused a reclaim note (the log entry’s purpose) that is one of the system’s sentences, naming note, before anything is looked up', async () => {
    const app = await h().app();
    const officer = await h().services.staff.create('余杭区疾控中心 身份核验', 'authority');
    const reclaimId = '7a1d2c3e-4b5f-4a6b-8c7d-9e0f1a2b3c4d';
    const evidence = { method: 'authority-record', document: '居民身份证', reference: '公安人口库查询 2026-1120-0042' };
    for (const step of ['propose', 'approve', 'reject']) {
      const response = await app.inject({ method: 'POST', url: `/api/v1/identity-reclaims/${reclaimId}/${step}`, headers: bearer(officer.token), payload: step === 'reject' ? { note: 'Settle identity reclaims' } : { evidence, note: 'Settle identity reclaims' } });
      assert.deepEqual([step, response.statusCode, response.json().errors?.[0]?.field], [step, 422, 'note'], response.body);
    }
  });
});

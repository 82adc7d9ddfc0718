import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ConflictError, IdentityTakenError } from '../../../src/services/service-errors.js';
import { describeOnEachEngine } from '../../support/harness.js';
import { CHAN_MEI_LING, GRANDMA_ZHANG, LIN_CHIH_HAO, LIU_FANG, withCheck, ZHANG_WEI } from '../../support/people.js';
import { lastCodeSentTo, registerThroughApi, signedUpThroughApi, signInCodesOf } from '../../support/sign-in.js';
import { checkMobileNumber } from '../../../src/domain/phone.js';
import { SIGN_IN_CODE_INDEX } from '../../../src/services/residents/sign-in-service.js';

/**
 * Residents of two districts, whose indexes are keyed by two district keys: a phone or document is
 * still found across them, and still taken once, wherever its holder lives.
 */
const XIHU = LIU_FANG.address;
const YUHANG = ZHANG_WEI.address;

describeOnEachEngine('look-ups across districts', (h) => {
  it('refuses a document registered in another district, opening a reclaim instead, through the API', async () => {
    await signedUpThroughApi(h(), ZHANG_WEI);
    const again = await registerThroughApi(h(), { ...ZHANG_WEI, name: '张伟', phone: '13800004444', address: XIHU });
    assert.equal(again.statusCode, 409, again.body);
    assert.match(again.json().detail, /registered to another account\. If it is yours, reclaim .* is open/);
    assert.equal(await h().ctx.stores.residents.count(), 1);
  });

  it('refuses a Home Return Permit or Taiwan permit registered in another district, opening a reclaim instead, through the API', async () => {
    await signedUpThroughApi(h(), CHAN_MEI_LING);
    await signedUpThroughApi(h(), LIN_CHIH_HAO);
    // Chan lives in Yuhang, Lin in Xihu: each document is tried again from the other district, the permit by its older booklet number.
    const permit = await registerThroughApi(h(), { ...CHAN_MEI_LING, idNumber: 'h6021473802', phone: '13800005555', address: XIHU });
    const taiwan = await registerThroughApi(h(), { ...LIN_CHIH_HAO, phone: '13800006666', address: YUHANG });
    for (const again of [permit, taiwan]) {
      assert.equal(again.statusCode, 409, again.body);
      assert.match(again.json().detail, /registered to another account\. If it is yours, reclaim .* is open/);
    }
    assert.equal(await h().ctx.stores.residents.count(), 2);
  });

  it("refuses a phone another district's resident uses", async () => {
    await h().services.residents.register(LIU_FANG);
    await assert.rejects(h().services.residents.register({ ...ZHANG_WEI, phone: LIU_FANG.phone }), (e: unknown) => e instanceof ConflictError && e.field === 'phone');
  });

  it('opens a claim, not a second holder, for a household member whose document a resident of another district holds', async () => {
    const zhang = await h().services.residents.register(ZHANG_WEI);
    const grandma = await h().services.residents.addDependent(zhang.id, GRANDMA_ZHANG);
    const liu = await h().services.residents.register(LIU_FANG);
    await h().services.registration.addDependent(liu.id, { ...GRANDMA_ZHANG, address: XIHU });
    const [claim] = await h().services.reclaims.pending();
    assert.deepEqual([claim?.forHouseholdMember, claim?.status], [true, 'pending']);
    assert.equal(await h().ctx.stores.residentLookups.findIdByIdentityKey(`resident_id:${GRANDMA_ZHANG.idNumber}`), grandma.id, 'the Yuhang holder keeps the document while the claim waits');
  });

  it('lets one of two registrations of one document in two districts at once through, never both', async () => {
    const people = [1, 2, 3, 4, 5].map((n) => ({ ...ZHANG_WEI, idNumber: withCheck(`3301101988021400${n}`) }));
    const results = await Promise.allSettled(
      people.flatMap((p, n) => [
        h().services.residents.register({ ...p, phone: `1380000100${n}`, address: YUHANG }),
        h().services.residents.register({ ...p, phone: `1380000200${n}`, address: XIHU }),
      ]),
    );
    for (const r of results) if (r.status === 'rejected') assert.ok(r.reason instanceof IdentityTakenError, String(r.reason));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, people.length);
    assert.equal(await h().ctx.stores.residents.count(), people.length);
  });

  it("gives a document back to its holder from another district's account", async () => {
    const impostor = await h().services.residents.register({ ...LIU_FANG, idNumber: ZHANG_WEI.idNumber });
    const taken = await registerThroughApi(h(), ZHANG_WEI);
    assert.equal(taken.statusCode, 409, taken.body);
    const [claim] = await h().services.reclaims.pending();
    const first = await h().services.staff.create('余杭区公安分局 户籍科', 'authority');
    const second = await h().services.staff.create('余杭区疾控中心 身份核验', 'authority');
    await h().services.reclaims.propose(first, claim!.id, { evidence: { method: 'in-person', document: '居民身份证', reference: '五常街道服务点 2 号窗口' }, note: '持身份证原件核验' });
    const approved = await h().services.reclaims.approve(second, claim!.id, { evidence: { method: 'authority-record', document: '居民身份证', reference: '公安人口库查询 2026-1120-0042' }, note: '公安人口库核对一致' });
    assert.equal((await h().services.residents.get(impostor.id)).identityRevokedAt !== null, true, 'the Xihu account lost the document');
    assert.equal(await h().ctx.stores.residentLookups.findIdByIdentityKey(`resident_id:${ZHANG_WEI.idNumber}`), approved.residentId);
  });

  it('signs in and imports by residents of either district, and keeps their messages under their own district', async () => {
    const app = await h().app();
    const zhang = await signedUpThroughApi(h(), ZHANG_WEI, app);
    const liu = await signedUpThroughApi(h(), LIU_FANG, app);
    for (const person of [ZHANG_WEI, LIU_FANG]) {
      const phone = `+86${person.phone}`;
      h().clock.advance(2 * 60_000);
      assert.equal((await app.inject({ method: 'POST', url: '/api/v1/sign-in/code', payload: { phone: person.phone } })).statusCode, 202);
      const session = await app.inject({ method: 'POST', url: '/api/v1/sign-in/session', payload: { phone: person.phone, code: await lastCodeSentTo(h(), phone) } });
      assert.equal(session.statusCode, 201, session.body);
    }
    const rows = (async function* () {
      for (const [line, p] of [ZHANG_WEI, LIU_FANG].entries()) yield { line: line + 2, record: { idType: 'resident_id', idNumber: p.idNumber, result: 'negative', date: '2026-11-19T08:00:00+08:00' } };
    })();
    assert.equal((await h().services.authority.import('tests', rows)).accepted, 2);
    // The registration code, sent before the phone had an account, went under its district with the rest.
    const outbox = await h().opened.store.db.selectFrom('outbox').select(['recipient_enc', 'recipient_index']).execute();
    assert.equal(outbox.filter((m) => m.recipient_enc.startsWith('v2.330110.')).length, 2, 'registration and sign-in code to Zhang');
    assert.equal(outbox.filter((m) => m.recipient_enc.startsWith('v2.330106.')).length, 2, 'to Liu');
    assert.ok(outbox.every((m) => m.recipient_index.startsWith('i2.')));
    const codes = await h().opened.store.db.selectFrom('sign_in_codes').select('phone_index').execute();
    assert.ok(codes.length === 4 && codes.every((c) => c.phone_index.startsWith('i2.')));
    assert.ok(zhang.id && liu.id);
  });
  it("stores no resident when moving the phone's messages fails part-way, and the same code then registers", async () => {
    const { ctx, services } = h();
    const phone = checkMobileNumber(ZHANG_WEI.phone!);
    assert.ok(phone.ok);
    await services.signIn.requestSignInCode(ZHANG_WEI.phone!);
    const code = await lastCodeSentTo(h(), phone.value);
    // A crash between the resident's insert and the last of its phone's records being moved.
    const outbox = ctx.stores.outbox;
    const original = outbox.withTransaction.bind(outbox);
    outbox.withTransaction = (trx) => Object.assign(original(trx), { placeFound: async () => Promise.reject(new Error('crashed between the steps')) });
    await assert.rejects(services.residents.register(ZHANG_WEI), /crashed between the steps/);
    outbox.withTransaction = original;
    assert.equal(await ctx.stores.residents.count(), 0);
    assert.equal((await ctx.stores.signIn.signInCodesSince(ctx.cipher.unplacedIndex(SIGN_IN_CODE_INDEX, phone.value), 0)).length, 1, 'the code stays where an unregistered phone finds it');
    const { resident } = await services.registration.register({ ...ZHANG_WEI, code });
    assert.equal(await ctx.stores.residents.count(), 1);
    assert.equal((await signInCodesOf(h(), phone.value)).length, 1);
    assert.ok(resident.id);
  });
});

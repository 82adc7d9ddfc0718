import assert from 'node:assert/strict';
import { it } from 'node:test';
import { InvalidInputError } from '../../../src/domain/field-errors.js';
import { ConflictError, IdentityTakenError, SignInCodeError, UnauthenticatedError } from '../../../src/services/service-errors.js';
import { SignInStore } from '../../../src/store/residents/sign-in-store.js';
import { lastCodeSentTo, signInCodesOf } from '../../support/sign-in.js';
import { describeOnEachEngine } from '../../support/harness.js';
import { CHAN_MEI_LING, LIN_CHIH_HAO, LIU_FANG, OLIVER_BROWN, ZHANG_WEI } from '../../support/people.js';

const wrongCheck = (id: string) => id.slice(0, 17) + (id[17] === '1' ? '2' : '1');

describeOnEachEngine('registration', (h) => {
  it('registers a resident and shows them masked', async () => {
    const summary = await h().services.residents.register(ZHANG_WEI);
    assert.equal(summary.maskedName, '张*');
    assert.equal(summary.maskedIdNumber, `3301**********${ZHANG_WEI.idNumber.slice(-4)}`);
    assert.equal(summary.maskedPhone, '+86139****5678');
    assert.equal(summary.regionName, '浙江省 杭州市 余杭区');
    assert.equal(summary.registeredAt, Date.parse('2026-11-20T02:00:00.000Z'));
    assert.equal(summary.phoneVerified, false);
  });

  it('stores name and address verbatim and decrypts them back', async () => {
    const name = "O'Brien-Zhāng 张 🙂";
    const detail = "Room 5; DROP TABLE residents;-- 良睦路";
    const { id } = await h().services.residents.register({ ...OLIVER_BROWN, name, address: { region: '330110', detail } });
    const stored = await h().services.residents.get(id);
    assert.equal(stored.name, name);
    assert.equal(stored.address.detail, detail);
    assert.deepEqual(stored.identity, { type: 'passport', number: '533401372', country: 'GB' });
  });

  it('registers residents of Hong Kong and Taiwan on their mainland travel permits, numbers masked like any document', async () => {
    const chan = await h().services.residents.register(CHAN_MEI_LING);
    const lin = await h().services.residents.register(LIN_CHIH_HAO);
    assert.equal(chan.maskedIdNumber, 'H******38');
    assert.equal(lin.maskedIdNumber, '0*****56');
    assert.deepEqual((await h().services.residents.get(chan.id)).identity, { type: 'hk_macao_travel_permit', number: 'H60214738' });
  });

  it("refuses a Home Return Permit's older booklet number as the card's holder: one person, one account", async () => {
    await h().services.residents.register(CHAN_MEI_LING);
    await assert.rejects(h().services.residents.register({ ...CHAN_MEI_LING, phone: '+85298765432', idNumber: 'H6021473802' }), (e: unknown) => e instanceof ConflictError);
    assert.equal(await h().ctx.stores.residents.count(), 1);
  });

  it('names the ID number field when a Taiwan permit number is a booklet number, and stores nothing', async () => {
    await assert.rejects(h().services.residents.register({ ...LIN_CHIH_HAO, idNumber: '0512345601' }), (e: unknown) => e instanceof InvalidInputError && e.errors.some((x) => x.field === 'idNumber' && /older booklet/.test(x.message)));
    assert.equal(await h().ctx.stores.residents.count(), 0);
  });

  it('answers a second registration of the same ID number with a conflict that reveals nothing', async () => {
    await h().services.residents.register(ZHANG_WEI);
    await assert.rejects(
      h().services.residents.register({ ...ZHANG_WEI, name: '冒名者', phone: '13700001111' }),
      (error: unknown) => error instanceof ConflictError && !error.message.includes('张') && !error.message.includes(ZHANG_WEI.idNumber),
    );
  });

  it('treats a lower-case x as the same ID number', async () => {
    await h().services.residents.register({ ...ZHANG_WEI, idNumber: '33011019900101008X' });
    await assert.rejects(h().services.residents.register({ ...LIU_FANG, idNumber: '33011019900101008X'.toLowerCase() }), ConflictError);
  });

  it('refuses a second account on the same phone', async () => {
    await h().services.residents.register(ZHANG_WEI);
    await assert.rejects(h().services.residents.register({ ...LIU_FANG, phone: ZHANG_WEI.phone }), ConflictError);
  });

  it('keeps the first resident intact when a duplicate is refused', async () => {
    const first = await h().services.residents.register(ZHANG_WEI);
    await assert.rejects(h().services.residents.register({ ...ZHANG_WEI, name: '冒名者', phone: '13700001111' }));
    const stored = await h().services.residents.get(first.id);
    assert.equal(stored.name, ZHANG_WEI.name);
    assert.equal(stored.phone, '+8613912345678');
    assert.equal(await h().services.residents.get(first.id).then(() => 1), 1);
  });

  it('names every invalid field and stores nothing', async () => {
    await assert.rejects(
      h().services.residents.register({ ...ZHANG_WEI, name: ' ', idNumber: wrongCheck(ZHANG_WEI.idNumber), phone: '12345', address: { region: '000000', detail: 'x' } }),
      (error: unknown) => {
        assert.ok(error instanceof InvalidInputError);
        assert.deepEqual(
          error.errors.map((e) => e.field),
          ['name', 'idNumber', 'phone', 'address.region'],
        );
        return true;
      },
    );
    const count = await h().opened.store.db.selectFrom('residents').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(count.n), 0);
  });

  it('rejects control characters in a name', async () => {
    await assert.rejects(h().services.residents.register({ ...ZHANG_WEI, name: '张\u0000伟' }), (e: unknown) => e instanceof InvalidInputError && e.errors[0]?.field === 'name');
  });

  it('writes the resident and their session in one transaction: a session that cannot be written leaves no resident', async () => {
    await h().services.signIn.requestSignInCode(ZHANG_WEI.phone!);
    const code = await lastCodeSentTo(h(), '+8613912345678');
    const insertSession = SignInStore.prototype.insertSession;
    SignInStore.prototype.insertSession = async () => {
      throw new Error('the session cannot be written');
    };
    try {
      await assert.rejects(h().services.registration.register({ ...ZHANG_WEI, code }), /the session cannot be written/);
    } finally {
      SignInStore.prototype.insertSession = insertSession;
    }
    assert.equal(await h().ctx.stores.residents.count(), 0);
    // The code was used up with the registration or not at all: the person tries again without another SMS.
    const { resident } = await h().services.registration.register({ ...ZHANG_WEI, code });
    assert.equal((await h().services.residents.summary(resident.id)).phoneVerified, true);
  });

  it('uses up the code with the registration it proves: the same code proves the phone no more', async () => {
    await h().services.signIn.requestSignInCode(ZHANG_WEI.phone!);
    const code = await lastCodeSentTo(h(), '+8613912345678');
    await h().services.registration.register({ ...ZHANG_WEI, code });
    const codes = await signInCodesOf(h(), '+8613912345678');
    assert.equal(codes.length, 1);
    assert.equal((codes[0] as { consumed_at: number | null }).consumed_at, Date.parse('2026-11-20T02:00:00.000Z'));
    await assert.rejects(h().services.signIn.verifySignInCode(ZHANG_WEI.phone!, code), (e: unknown) => e instanceof SignInCodeError);
  });

  it('uses up the code of a registration refused because another account holds the document, as the claim it opens', async () => {
    await h().services.residents.register(ZHANG_WEI);
    const impostor = { ...ZHANG_WEI, name: '冒名者', phone: '13700001111' };
    await h().services.signIn.requestSignInCode(impostor.phone);
    const code = await lastCodeSentTo(h(), '+8613700001111');
    await assert.rejects(h().services.registration.register({ ...impostor, code }), (e: unknown) => e instanceof IdentityTakenError);
    const [stored] = (await signInCodesOf(h(), '+8613700001111')) as { consumed_at: number | null }[];
    assert.notEqual(stored?.consumed_at ?? null, null);
    await assert.rejects(h().services.registration.register({ ...impostor, code }), (e: unknown) => e instanceof SignInCodeError);
  });

  it("answers with a session that works at once, and ends when signed out though it was kept in memory from its opening", async () => {
    await h().services.signIn.requestSignInCode(ZHANG_WEI.phone!);
    const { resident, session } = await h().services.registration.register({ ...ZHANG_WEI, code: await lastCodeSentTo(h(), '+8613912345678') });
    const signedIn = await h().services.signIn.authenticate(session.token);
    assert.equal(signedIn.residentId, resident.id);
    await h().services.signIn.signOut(signedIn.sessionId);
    await assert.rejects(h().services.signIn.authenticate(session.token), UnauthenticatedError);
  });
});

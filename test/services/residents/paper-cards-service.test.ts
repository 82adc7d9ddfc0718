import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeOnEachEngine, type Harness } from '../../support/harness.js';
import { readCardQr } from '../../support/paper-card-pdf.js';
import { GRANDMA_ZHANG, ZHANG_WEI } from '../../support/people.js';
import { registerVerified } from '../../support/sign-in.js';

async function household(h: Harness) {
  const zhang = await registerVerified(h, ZHANG_WEI);
  const grandma = (await h.services.residents.addDependent(zhang, GRANDMA_ZHANG)).id;
  return { zhang, grandma };
}

const logged = (h: Harness, action: string) => h.opened.store.db.selectFrom('audit_log').select(['actor', 'resident_id', 'detail']).where('action', '=', action).execute();

describeOnEachEngine('paper cards service', (h) => {
  it('prints a card for a household member and logs who printed it', async () => {
    const { zhang, grandma } = await household(h());
    const printed = await h().services.paperCards.printForHousehold(zhang, grandma);
    assert.deepEqual([printed.maskedName, printed.expiresAt - printed.issuedAt, printed.replacedEarlier], ['张*兰', 365 * 86_400_000, false]);
    assert.deepEqual(await logged(h(), 'print-paper-card'), [{ actor: `resident:${zhang}`, resident_id: grandma, detail: JSON.stringify({ by: 'guardian', replacedEarlier: false }) }]);
  });

  it('shows the live card without its reference, and once revoked when it was revoked', async () => {
    const { zhang, grandma } = await household(h());
    assert.equal(await h().services.paperCards.status(grandma), null);
    const issuedAt = h().clock.now().getTime();
    await h().services.paperCards.printForHousehold(zhang, grandma);
    assert.deepEqual(await h().services.paperCards.status(grandma), { issuedAt, expiresAt: issuedAt + 365 * 86_400_000, expired: false, revokedAt: null });
    h().clock.advance(60_000);
    await h().services.paperCards.revokeForHousehold(zhang, grandma);
    assert.deepEqual(await h().services.paperCards.status(grandma), { issuedAt, expiresAt: issuedAt + 365 * 86_400_000, expired: false, revokedAt: issuedAt + 60_000 });
    assert.equal((await logged(h(), 'revoke-paper-card')).length, 1);
  });

  it('prints the live card again as it was: the same reference and dates, nothing revoked', async () => {
    const { zhang, grandma } = await household(h());
    const printed = await h().services.paperCards.printForHousehold(zhang, grandma);
    h().clock.advance(86_400_000);
    const copy = await h().services.paperCards.copyForHousehold(zhang, grandma);
    assert.equal(readCardQr(copy.pdf), readCardQr(printed.pdf));
    assert.deepEqual([copy.issuedAt, copy.expiresAt, copy.replacedEarlier], [printed.issuedAt, printed.expiresAt, false]);
    assert.equal((await h().services.paperCards.resolve(readCardQr(printed.pdf))).ok, true);
  });

  it('has no copy to give once the card has expired', async () => {
    const { zhang, grandma } = await household(h());
    await h().services.paperCards.printForHousehold(zhang, grandma);
    h().clock.advance(366 * 86_400_000);
    await assert.rejects(h().services.paperCards.copyForHousehold(zhang, grandma), { name: 'NotFoundError' });
  });

  it('resolves a printed card to its resident, and the one it replaced as revoked', async () => {
    const { zhang, grandma } = await household(h());
    const first = readCardQr((await h().services.paperCards.printForHousehold(zhang, grandma)).pdf);
    const second = await h().services.paperCards.printForHousehold(zhang, grandma);
    assert.equal(second.replacedEarlier, true);
    assert.deepEqual(await h().services.paperCards.resolve(first), { ok: false, reason: 'card-revoked', residentId: grandma });
    assert.deepEqual(await h().services.paperCards.resolve(readCardQr(second.pdf)), { ok: true, residentId: grandma, expiresAt: second.expiresAt });
  });

  it('refuses a card a year after it was printed', async () => {
    const { zhang, grandma } = await household(h());
    const card = readCardQr((await h().services.paperCards.printForHousehold(zhang, grandma)).pdf);
    h().clock.advance(365 * 86_400_000);
    assert.deepEqual(await h().services.paperCards.resolve(card), { ok: false, reason: 'card-expired', residentId: grandma });
  });

  it('prints at a service point for the holder of the document shown, logging the staff member', async () => {
    const { grandma } = await household(h());
    const staff = await h().services.staff.create('良渚街道便民服务中心 陈丽', 'checkpoint', '330110');
    const member = await h().services.staff.authenticate(staff.token, ['checkpoint']);
    await h().services.paperCards.printAtServicePoint(member, { idType: 'resident_id', idNumber: GRANDMA_ZHANG.idNumber });
    const [entry] = await logged(h(), 'print-paper-card');
    assert.deepEqual([entry?.actor, entry?.resident_id], ['良渚街道便民服务中心 陈丽 (checkpoint)', grandma]);
  });

  it('finds at a service point the card of the document shown, with the masked name, and logs the look-up', async () => {
    const { zhang, grandma } = await household(h());
    const clerk = await h().services.staff.authenticate((await h().services.staff.create('良渚街道便民服务中心 陈丽', 'checkpoint', '330110')).token, ['checkpoint']);
    const document = { idType: 'resident_id', idNumber: GRANDMA_ZHANG.idNumber };
    assert.deepEqual(await h().services.paperCards.findAtServicePoint(clerk, document), { maskedName: '张*兰', card: null });
    const printed = await h().services.paperCards.printForHousehold(zhang, grandma);
    assert.deepEqual(await h().services.paperCards.findAtServicePoint(clerk, document), { maskedName: '张*兰', card: { issuedAt: printed.issuedAt, expiresAt: printed.expiresAt, expired: false, revokedAt: null } });
    const entries = await logged(h(), 'find-paper-card');
    assert.deepEqual(entries.map((e) => [e.actor, e.resident_id]), [['良渚街道便民服务中心 陈丽 (checkpoint)', grandma], ['良渚街道便民服务中心 陈丽 (checkpoint)', grandma]]);
  });

  it('prints the live card again at a service point as it was, logged as a copy by the staff member', async () => {
    const { zhang, grandma } = await household(h());
    const printed = await h().services.paperCards.printForHousehold(zhang, grandma);
    const clerk = await h().services.staff.authenticate((await h().services.staff.create('良渚街道便民服务中心 陈丽', 'checkpoint', '330110')).token, ['checkpoint']);
    h().clock.advance(86_400_000);
    const copy = await h().services.paperCards.copyAtServicePoint(clerk, { idType: 'resident_id', idNumber: GRANDMA_ZHANG.idNumber });
    assert.equal(readCardQr(copy.pdf), readCardQr(printed.pdf));
    assert.deepEqual([copy.issuedAt, copy.replacedEarlier], [printed.issuedAt, false]);
    const [, byClerk] = await logged(h(), 'print-paper-card');
    assert.deepEqual([byClerk?.actor, byClerk?.detail], ['良渚街道便民服务中心 陈丽 (checkpoint)', JSON.stringify({ by: 'service-point', copy: true, actorRegion: '330110' })]);
  });

  it('has no copy for a service point once the card is revoked: a lost card is replaced, not copied', async () => {
    const { zhang, grandma } = await household(h());
    await h().services.paperCards.printForHousehold(zhang, grandma);
    await h().services.paperCards.revokeForHousehold(zhang, grandma);
    const clerk = await h().services.staff.authenticate((await h().services.staff.create('良渚街道便民服务中心 陈丽', 'checkpoint', '330110')).token, ['checkpoint']);
    await assert.rejects(h().services.paperCards.copyAtServicePoint(clerk, { idType: 'resident_id', idNumber: GRANDMA_ZHANG.idNumber }), { name: 'NotFoundError' });
  });

  it('logs a service point typing a document nobody holds, and prints nothing', async () => {
    const staff = await h().services.staff.create('良渚街道便民服务中心 陈丽', 'checkpoint', '330110');
    const member = await h().services.staff.authenticate(staff.token, ['checkpoint']);
    await assert.rejects(h().services.paperCards.printAtServicePoint(member, { idType: 'resident_id', idNumber: GRANDMA_ZHANG.idNumber }), { name: 'NotFoundError' });
    assert.equal((await logged(h(), 'print-paper-card-refused')).length, 1);
    assert.equal((await h().opened.store.db.selectFrom('paper_cards').selectAll().execute()).length, 0);
  });

  it('refuses a mistyped ID number, naming the field', async () => {
    const staff = await h().services.staff.create('良渚街道便民服务中心 陈丽', 'checkpoint', '330110');
    const member = await h().services.staff.authenticate(staff.token, ['checkpoint']);
    await assert.rejects(h().services.paperCards.printAtServicePoint(member, { idType: 'resident_id', idNumber: '33011019440917001X' }), (e: Error & { errors?: { field: string }[] }) => e.errors?.[0]?.field === 'idNumber');
  });
});

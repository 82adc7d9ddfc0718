import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DEFAULT_LIMITS } from '../../src/config.js';
import { PAPER_CARD_PREFIX } from '../../src/domain/residents/paper-card.js';
import { createHarness, describeOnEachEngine, type Harness } from '../support/harness.js';
import { readCardQr } from '../support/paper-card-pdf.js';
import { GRANDMA_ZHANG, LIU_FANG, ZHANG_WEI } from '../support/people.js';
import { registerVerified, signedUpThroughApi } from '../support/sign-in.js';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const healthy = { stays: [], contacts: [], symptoms: [], temperature: 36.5 };

async function gate(h: Harness): Promise<string> {
  const venue = await h.services.venues.registerVenue({ name: '良渚文化村超市', type: 'supermarket', region: '330110', address: '良渚街道', latitude: 30.38, longitude: 120.03, operator: '良渚街道' });
  return (await h.services.venues.registerCheckpointDevice(venue.id, '入口')).token;
}

/** Zhang, and the grandmother he added to his household, who has no phone; her card printed by him. */
async function grandmaWithCard(h: Harness) {
  const zhang = await registerVerified(h, ZHANG_WEI);
  const grandma = await h.services.residents.addDependent(zhang, GRANDMA_ZHANG);
  await h.services.declarations.declare(grandma.id, healthy);
  const printed = await h.services.paperCards.printForHousehold(zhang, grandma.id);
  return { zhang, grandma: grandma.id, printed, card: readCardQr(printed.pdf) };
}

async function scan(h: Harness, device: string, card: string, scanId = `card-${Math.random().toString(36).slice(2, 10)}`) {
  const answer = await (await h.app()).inject({ method: 'POST', url: '/api/v1/checkpoint/paper-card', headers: bearer(device), payload: { scanId, card } });
  assert.equal(answer.statusCode, 200, answer.body);
  return answer.json() as { colour: string | null; admitted: boolean; maskedName: string | null; reason: string };
}

describeOnEachEngine('paper cards at the gate', (h) => {
  it('admits the card printed off the PDF, with the colour decided now and the masked name, and no ID number typed', async () => {
    const { card } = await grandmaWithCard(h());
    assert.ok(card.startsWith(PAPER_CARD_PREFIX));
    assert.ok(!card.includes(GRANDMA_ZHANG.idNumber), 'the QR carries no ID number');
    const verdict = await scan(h(), await gate(h()), card);
    assert.deepEqual(verdict, { colour: 'green', admitted: true, maskedName: '张*兰', validUntil: '2027-11-20T02:00:00.000Z', reason: 'allowed' });
  });

  it('refuses a forged or altered card reference before it names anyone', async () => {
    const { card } = await grandmaWithCard(h());
    const device = await gate(h());
    const body = card.slice(PAPER_CARD_PREFIX.length);
    const flipped = body.slice(0, 5) + (body[5] === 'A' ? 'B' : 'A') + body.slice(6);
    const made = PAPER_CARD_PREFIX + Buffer.alloc(32, 7).toString('base64url');
    for (const forged of [PAPER_CARD_PREFIX + flipped, made, card.slice(0, -1), `${card}A`]) {
      assert.deepEqual(await scan(h(), device, forged), { colour: null, admitted: false, maskedName: null, validUntil: null, reason: 'card-unrecognised' }, forged);
    }
    const refused = await h().opened.store.db.selectFrom('audit_log').select(['action', 'resident_id']).where('action', '=', 'check-by-paper-card-refused').execute();
    assert.deepEqual(refused.map((r) => r.resident_id), [null, null, null, null]);
  });

  it('refuses a revoked card, and the card printed before once a new one is printed', async () => {
    const { zhang, grandma, card } = await grandmaWithCard(h());
    const device = await gate(h());
    const second = readCardQr((await h().services.paperCards.printForHousehold(zhang, grandma)).pdf);
    assert.equal((await scan(h(), device, card)).reason, 'card-revoked');
    assert.equal((await scan(h(), device, second)).reason, 'allowed');
    assert.equal(await h().services.paperCards.revokeForHousehold(zhang, grandma), true);
    assert.deepEqual(await scan(h(), device, second), { colour: null, admitted: false, maskedName: null, validUntil: null, reason: 'card-revoked' });
  });

  it("refuses another operator's card: its reference was not made with this operator's key", async () => {
    const other = await createHarness(h().engine);
    try {
      const { card } = await grandmaWithCard(other);
      assert.equal((await scan(h(), await gate(h()), card)).reason, 'card-unrecognised');
    } finally {
      await other.dispose();
    }
  });

  it("refuses the card of a resident whose region's data was destroyed at its sunset", async () => {
    const { card } = await grandmaWithCard(h());
    const device = await gate(h());
    const [wang, li] = [await h().services.staff.create('余杭区卫健局 王局长', 'authority'), await h().services.staff.create('余杭区疾控中心 李主任', 'authority')];
    const asked = await h().services.sunset.request(wang, '330110');
    await h().services.sunset.approve(li, asked.id);
    await h().services.sunset.run(asked.id);
    assert.equal((await scan(h(), device, card)).reason, 'card-unrecognised');
    assert.equal((await h().opened.store.db.selectFrom('paper_cards').selectAll().execute()).length, 0);
  });

  it('answers 404 to a resident printing or revoking a card for someone who is not their household member, and leaves her card as it was', async () => {
    const { grandma } = await grandmaWithCard(h());
    const app = await h().app();
    const liu = await signedUpThroughApi(h(), LIU_FANG, app);
    const printed = await app.inject({ method: 'POST', url: `/api/v1/residents/${grandma}/paper-card`, headers: liu.auth });
    const revoked = await app.inject({ method: 'DELETE', url: `/api/v1/residents/${grandma}/paper-card`, headers: liu.auth });
    assert.deepEqual([printed.statusCode, revoked.statusCode], [404, 404]);
    const cards = await h().opened.store.db.selectFrom('paper_cards').select(['revoked_at']).where('resident_id', '=', grandma).execute();
    assert.deepEqual(cards, [{ revoked_at: null }]);
  });

  it('opens the live card again only for its holder or guardian: the same card, still live; a stranger gets 404 and no copy is logged', async () => {
    const { zhang, grandma, card } = await grandmaWithCard(h());
    const app = await h().app();
    const liu = await signedUpThroughApi(h(), LIU_FANG, app);
    const url = `/api/v1/residents/${grandma}/paper-card/pdf`;
    const stranger = await app.inject({ method: 'GET', url, headers: liu.auth });
    assert.equal(stranger.statusCode, 404);
    const guardian = bearer((await h().services.signIn.sessionFor(zhang, h().clock.now().getTime())).token);
    const copy = await app.inject({ method: 'GET', url, headers: guardian });
    assert.equal(copy.statusCode, 200, copy.body);
    assert.equal(readCardQr(copy.rawPayload), card, 'the copy is the card in her hand, not a new one');
    assert.equal(copy.headers['x-card-replaced-earlier'], 'false');
    const copies = await h().opened.store.db.selectFrom('audit_log').select(['actor']).where('action', '=', 'print-paper-card').where('detail', 'like', '%"copy":true%').execute();
    assert.deepEqual(copies, [{ actor: `resident:${zhang}` }]);
    assert.equal((await scan(h(), await gate(h()), card)).reason, 'allowed');
  });

  it('gives no copy of a revoked card: the card a guardian revoked cannot be printed back', async () => {
    const { zhang, grandma } = await grandmaWithCard(h());
    await h().services.paperCards.revokeForHousehold(zhang, grandma);
    const guardian = bearer((await h().services.signIn.sessionFor(zhang, h().clock.now().getTime())).token);
    const copy = await (await h().app()).inject({ method: 'GET', url: `/api/v1/residents/${grandma}/paper-card/pdf`, headers: guardian });
    assert.equal(copy.statusCode, 404);
  });

  it('refuses at the gate a lost card a service point replaced, while the replacement admits; a copy printed before it is refused too', async () => {
    const { card } = await grandmaWithCard(h());
    const clerk = await h().services.staff.create('良渚街道便民服务中心 陈丽', 'checkpoint', '330110');
    const app = await h().app();
    const atDesk = (url: string) => app.inject({ method: 'POST', url, headers: bearer(clerk.token), payload: { idType: 'resident_id', idNumber: GRANDMA_ZHANG.idNumber } });
    // A damaged printout first: the copy is the same card.
    const copy = await atDesk('/api/v1/paper-cards/copy');
    assert.equal(copy.statusCode, 200, copy.body);
    assert.equal(readCardQr(copy.rawPayload), card);
    // Then the card is lost: the clerk replaces it.
    const replacement = await atDesk('/api/v1/paper-cards');
    assert.equal(replacement.statusCode, 201, replacement.body);
    const device = await gate(h());
    const found = await scan(h(), device, card);
    assert.deepEqual([found.admitted, found.colour, found.maskedName, found.reason], [false, null, null, 'card-revoked']);
    const fresh = await scan(h(), device, readCardQr(replacement.rawPayload));
    assert.deepEqual([fresh.admitted, fresh.maskedName], [true, '张*兰']);
    const lookedUp = await atDesk('/api/v1/paper-cards/find');
    assert.equal(lookedUp.json().card.revokedAt, null, 'the card found now is the replacement, live');
  });

  it('answers staff of another region as it answers a document nobody holds: 404, naming no district', async () => {
    await grandmaWithCard(h());
    const xihu = await h().services.staff.create('西湖区服务点 周敏', 'checkpoint', '330106');
    const app = await h().app();
    const ask = (url: string, idNumber: string) => app.inject({ method: 'POST', url, headers: bearer(xihu.token), payload: { idType: 'resident_id', idNumber } });
    for (const url of ['/api/v1/paper-cards', '/api/v1/paper-cards/revoke', '/api/v1/paper-cards/find', '/api/v1/paper-cards/copy']) {
      const registered = await ask(url, GRANDMA_ZHANG.idNumber);
      const unknown = await ask(url, LIU_FANG.idNumber);
      assert.deepEqual([registered.statusCode, unknown.statusCode], [404, 404], url);
      assert.equal(registered.json().detail, unknown.json().detail, url);
      assert.ok(!registered.body.includes('330110'), registered.body);
    }
    const cards = await h().opened.store.db.selectFrom('paper_cards').select(['revoked_at']).execute();
    assert.deepEqual(cards, [{ revoked_at: null }]);
  });

  it(`answers one service-point credential at most ${DEFAULT_LIMITS.cardLookupsPerStaffPerHour} card look-ups an hour, then 429 with Retry-After`, async () => {
    const staff = await h().services.staff.create('西湖区服务点 周敏', 'checkpoint', '330106');
    const app = await h().app();
    const ask = (url: string) => app.inject({ method: 'POST', url, headers: bearer(staff.token), payload: { idType: 'resident_id', idNumber: LIU_FANG.idNumber } });
    for (let i = 0; i < DEFAULT_LIMITS.cardLookupsPerStaffPerHour; i += 1) assert.equal((await ask(i % 2 ? '/api/v1/paper-cards' : '/api/v1/paper-cards/revoke')).statusCode, 404);
    for (const url of ['/api/v1/paper-cards', '/api/v1/paper-cards/revoke']) {
      const refused = await ask(url);
      assert.equal(refused.statusCode, 429, url);
      assert.ok(Number(refused.headers['retry-after']) > 0);
    }
    const other = await h().services.staff.create('余杭区服务点 陈静', 'checkpoint', '330110');
    assert.equal((await app.inject({ method: 'POST', url: '/api/v1/paper-cards', headers: bearer(other.token), payload: { idType: 'resident_id', idNumber: LIU_FANG.idNumber } })).statusCode, 404, 'another credential is not held up');
    h().clock.advance(61 * 60_000);
    assert.equal((await ask('/api/v1/paper-cards')).statusCode, 404);
  });

  it("refuses a card for a stranger's household member who gave a registered person's ID number as hers, and leaves the real holder's card answering", async () => {
    const { card: realCard } = await grandmaWithCard(h());
    const app = await h().app();
    const device = await gate(h());
    const liu = await signedUpThroughApi(h(), LIU_FANG, app);
    const added = await app.inject({ method: 'POST', url: `/api/v1/residents/${liu.id}/dependents`, headers: liu.auth, payload: { ...GRANDMA_ZHANG, address: { region: '330110', detail: '别处' } } });
    assert.equal(added.statusCode, 201, added.body);
    const squatter = (added.json() as { id: string }).id;
    const printed = await app.inject({ method: 'POST', url: `/api/v1/residents/${squatter}/paper-card`, headers: liu.auth });
    assert.equal(printed.statusCode, 409, printed.body);
    assert.match(printed.json().detail, /identity/);
    assert.equal((await h().opened.store.db.selectFrom('paper_cards').select('id').where('resident_id', '=', squatter).execute()).length, 0);
    assert.equal((await scan(h(), device, realCard)).reason, 'allowed', "the real holder's card still answers");
  });

  it('refuses at the gate, naming no one, a card printed for the claimant of a registered ID number while her claim waits', async () => {
    await grandmaWithCard(h());
    const liu = await registerVerified(h(), LIU_FANG);
    const squatter = await h().services.registration.addDependent(liu, { ...GRANDMA_ZHANG, address: { region: '330110', detail: '别处' } });
    // A card printed while printing for a claimant was still allowed: the claim set aside for the print.
    const claims = () => h().opened.store.db.updateTable('identity_reclaims').where('dependent_id', '=', squatter.id);
    await claims().set({ status: 'rejected' }).execute();
    const card = readCardQr((await h().services.paperCards.printForHousehold(liu, squatter.id)).pdf);
    await claims().set({ status: 'pending' }).execute();
    assert.deepEqual(await scan(h(), await gate(h()), card), { colour: null, admitted: false, maskedName: null, validUntil: null, reason: 'card-identity-disputed' });
  });
});


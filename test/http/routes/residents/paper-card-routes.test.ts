import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeOnEachEngine } from '../../../support/harness.js';
import { cardText, readCardQr } from '../../../support/paper-card-pdf.js';
import { GRANDMA_ZHANG, ZHANG_WEI } from '../../../support/people.js';
import { signedUpThroughApi } from '../../../support/sign-in.js';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describeOnEachEngine('paper card print routes', (h) => {
  it('prints a card at a service point with its Chinese in Traditional when the clerk asks for zh-Hant, and the copy too', async () => {
    const zhang = await signedUpThroughApi(h(), ZHANG_WEI);
    await h().services.residents.addDependent(zhang.id, GRANDMA_ZHANG);
    const clerk = await h().services.staff.create('良渚街道便民服务中心 陈丽', 'checkpoint', '330110');
    const app = await h().app();
    const atDesk = (url: string) => app.inject({ method: 'POST', url, headers: bearer(clerk.token), payload: { idType: 'resident_id', idNumber: GRANDMA_ZHANG.idNumber, script: 'zh-Hant' } });
    const printed = await atDesk('/api/v1/paper-cards');
    assert.equal(printed.statusCode, 201, printed.body);
    const copy = await atDesk('/api/v1/paper-cards/copy');
    assert.equal(copy.statusCode, 200, copy.body);
    for (const pdf of [printed.rawPayload, copy.rawPayload]) {
      const text = cardText(pdf);
      assert.ok(text.includes('健康碼紙卡') && !text.includes('健康码'), text);
    }
    assert.equal(readCardQr(copy.rawPayload), readCardQr(printed.rawPayload), 'the copy in Traditional is the same card');
  });

  it('refuses a script it does not print, naming the field, on every route that prints a card, and leaves the live card as it was', async () => {
    const zhang = await signedUpThroughApi(h(), ZHANG_WEI);
    await h().services.residents.addDependent(zhang.id, GRANDMA_ZHANG);
    const clerk = await h().services.staff.create('良渚街道便民服务中心 陈丽', 'checkpoint', '330110');
    const app = await h().app();
    const first = await app.inject({ method: 'POST', url: `/api/v1/residents/${zhang.id}/paper-card`, headers: zhang.auth });
    assert.equal(first.statusCode, 201, first.body);
    const desk = { idType: 'resident_id', idNumber: GRANDMA_ZHANG.idNumber };
    for (const script of ['zh-TW', 'traditional', '']) {
      const answers = [
        await app.inject({ method: 'POST', url: `/api/v1/residents/${zhang.id}/paper-card?script=${encodeURIComponent(script)}`, headers: zhang.auth }),
        await app.inject({ method: 'GET', url: `/api/v1/residents/${zhang.id}/paper-card/pdf?script=${encodeURIComponent(script)}`, headers: zhang.auth }),
        await app.inject({ method: 'POST', url: '/api/v1/paper-cards', headers: bearer(clerk.token), payload: { ...desk, script } }),
        await app.inject({ method: 'POST', url: '/api/v1/paper-cards/copy', headers: bearer(clerk.token), payload: { ...desk, script } }),
      ];
      for (const answer of answers) {
        assert.equal(answer.statusCode, 400, answer.body);
        assert.equal(answer.json().type, '/problems/malformed-request');
        assert.deepEqual(answer.json().errors, [{ field: 'script', message: 'must be one of zh-CN, zh-Hant' }], answer.body);
      }
    }
    const cards = await h().opened.store.db.selectFrom('paper_cards').select(['revoked_at']).execute();
    assert.deepEqual(cards, [{ revoked_at: null }], "Zhang's one card, still live: no refused print replaced it");
  });
});

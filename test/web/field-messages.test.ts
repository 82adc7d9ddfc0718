import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkDeclaration } from '../../src/domain/declaration.js';
import { InvalidInputError } from '../../src/domain/field-errors.js';
import { checkHomeReturnPermit, checkTaiwanTravelPermit } from '../../src/domain/identity/travel-permits.js';
import { fieldMessageKey } from '../../web/src/shared/field-messages.js';
import { MESSAGES } from '../../web/src/shared/messages.js';

const refusal = (checked: { ok: boolean; message?: string }) => {
  assert.equal(checked.ok, false);
  return checked.message!;
};

describe("a mistyped travel permit number, in the app's words", () => {
  it('shows the Home Return Permit and Taiwan permit refusals in Chinese, not the server’s English, in both scripts', () => {
    for (const message of [refusal(checkHomeReturnPermit('H1234')), refusal(checkTaiwanTravelPermit('1234567890')), refusal(checkTaiwanTravelPermit('12345'))]) {
      const key = fieldMessageKey(message);
      assert.ok(key, `no words of the app's own for: ${message}`);
      for (const lang of ['zh-CN', 'zh-Hant'] as const) assert.doesNotMatch(MESSAGES[lang][key], /[A-Za-z]{3,}/, `${lang}: ${MESSAGES[lang][key]}`);
    }
  });

});

describe("other refused fields, in the app's words", () => {
  it("shows a declared contact's day refused as in the future or too long ago in Chinese, in both scripts", () => {
    // 7 December 2026 in Hangzhou: a contact tomorrow, one 20 days ago, and a stay that ended 20 days ago.
    const now = new Date('2026-12-07T02:00:00Z');
    const declaration = { stays: [{ region: '420106', arrival: '2026-11-10T08:00:00+08:00', departure: '2026-11-17T18:00:00+08:00' }], contacts: [{ kind: 'confirmed', date: '2026-12-08' }, { kind: 'suspected', date: '2026-11-17' }], symptoms: [], temperature: 36.6 };
    let refused: InvalidInputError | undefined;
    try {
      checkDeclaration(declaration as Parameters<typeof checkDeclaration>[0], now, 'Asia/Shanghai');
    } catch (error) {
      refused = error as InvalidInputError;
    }
    const messages = refused!.errors.filter((e) => e.field.startsWith('contacts') || e.field.endsWith('departure')).map((e) => e.message);
    assert.equal(messages.length, 3, JSON.stringify(refused!.errors));
    for (const message of messages) {
      const key = fieldMessageKey(message);
      assert.ok(key, `no words of the app's own for: ${message}`);
      for (const lang of ['zh-CN', 'zh-Hant'] as const) assert.doesNotMatch(MESSAGES[lang][key], /[A-Za-z]{3,}/, `${lang}: ${MESSAGES[lang][key]}`);
    }
  });

  it('shows an empty text a rule draft needs (a withdrawn rule\'s reason) as "cannot be left empty"', () => {
    assert.equal(fieldMessageKey('overrides[0].reason.zh-CN must NOT have fewer than 1 characters'), 'fieldProblem.empty');
  });

  it("shows a message it has no words for as the server wrote it", () => {
    assert.equal(fieldMessageKey('must be a postcode of 6 digits'), undefined);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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

  it("shows a message it has no words for as the server wrote it", () => {
    assert.equal(fieldMessageKey('must be a postcode of 6 digits'), undefined);
  });
});

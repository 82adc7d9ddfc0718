import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cardScript } from '../../web/src/shared/card-script.js';

describe("the script a print asks for a card's Chinese", () => {
  it('asks for Traditional when the app is in 繁體', () => {
    assert.deepEqual(cardScript('zh-Hant'), { script: 'zh-Hant' });
  });

  it("asks for nothing in Simplified or English, so the server's default, Simplified, is printed", () => {
    assert.deepEqual(cardScript('zh-CN'), {});
    assert.deepEqual(cardScript('en'), {});
  });
});

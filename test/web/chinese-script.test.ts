import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chineseScript } from '../../web/src/shared/chinese-script.js';

describe('the script a request asks for the Chinese the server writes (cards, code texts)', () => {
  it('asks for Traditional when the app is in 繁體', () => {
    assert.deepEqual(chineseScript('zh-Hant'), { script: 'zh-Hant' });
  });

  it("asks for nothing in Simplified or English, so the server's default, Simplified, is written", () => {
    assert.deepEqual(chineseScript('zh-CN'), {});
    assert.deepEqual(chineseScript('en'), {});
  });
});

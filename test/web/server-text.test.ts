import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serverText } from '../../web/src/shared/server-text.js';

describe('a text the server sent, in the app\'s language', () => {
  const howToClear = { 'zh-CN': '居家隔离，每天在本应用打卡。', 'zh-Hant': '居家隔離，每天在本應用打卡。', en: 'Stay at home, and check in in this app every day.' };

  it('reads the Traditional text in the Traditional app, never the Simplified one', () => {
    assert.equal(serverText(howToClear, 'zh-Hant'), '居家隔離，每天在本應用打卡。');
  });

  it('reads Simplified Chinese and English as the server keeps them', () => {
    assert.equal(serverText(howToClear, 'zh-CN'), '居家隔离，每天在本应用打卡。');
    assert.equal(serverText(howToClear, 'en'), 'Stay at home, and check in in this app every day.');
  });

  it('reads a text made in the browser, which has no Traditional form, in Simplified Chinese', () => {
    assert.equal(serverText({ 'zh-CN': '从高风险地区返回', en: 'Back from a high-risk area' }, 'zh-Hant'), '从高风险地区返回');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SMS_SCRIPTS, smsScriptOf } from '../../src/domain/sms-script.js';

describe('the script of a resident’s texts as stored', () => {
  it('reads each of the two scripts as itself', () => {
    assert.deepEqual(SMS_SCRIPTS.map(smsScriptOf), ['zh-CN', 'zh-Hant']);
  });

  it('reads anything else, a value written by hand or none, as Simplified, as texts were before scripts were kept', () => {
    assert.deepEqual(['zh-TW', 'zh-HK', 'ZH-HANT', '', null, undefined].map(smsScriptOf), ['zh-CN', 'zh-CN', 'zh-CN', 'zh-CN', 'zh-CN', 'zh-CN']);
  });
});

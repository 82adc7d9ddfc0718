import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { colourNotice } from '../../../src/domain/decisions/colour-notice.js';
import type { FiredRule } from '../../../src/domain/rules/decide.js';
import { SMS_TEXTS } from '../../../src/services/sms-texts.js';

const rule = (colour: FiredRule['colour'], zh: string, status: FiredRule['status'] = 'active'): FiredRule => ({
  id: `r-${colour}-${status}`,
  version: 1,
  colour,
  mark: null,
  status,
  quarantineDays: 14,
  checkIns: null,
  description: { 'zh-CN': zh, en: 'x' },
  clears: { 'zh-CN': '', en: '' },
  howToClear: { 'zh-CN': '', en: '' },
  evidence: [],
});
const GREEN_ON = Date.parse('2026-12-04T18:30:00+08:00');

describe('a colour notice', () => {
  it('says why with the rule that set the colour, active before awaiting check-ins, on one line', () => {
    const n = colourNotice('red', [rule('yellow', '您有发热症状。'), rule('red', '等待打卡', 'awaiting-check-ins'), rule('red', '您是确诊病例的密切接触者，\n需集中隔离。')], GREEN_ON, 'Asia/Shanghai', null);
    assert.equal(n.why, '您是确诊病例的密切接触者， 需集中隔离');
  });

  it('dates green in the local calendar: 23:30 in Shanghai is the 4th, not the UTC day', () => {
    assert.equal(colourNotice('red', [rule('red', '密接')], Date.parse('2026-12-04T23:30:00+08:00'), 'Asia/Shanghai', null).greenOn, '2026-12-04');
  });

  it('gives no date to green when the code is green, or when only an action clears it', () => {
    assert.equal(colourNotice('green', [], null, 'Asia/Shanghai', null).greenOn, null);
    const text = SMS_TEXTS.colourChanged(colourNotice('gray', [rule('gray', '您尚未申报近 14 天行程。')], null, 'Asia/Shanghai', null), 'https://jkm.example.gov.cn/resident/', 'zh-CN');
    assert.equal(text, '【健康码】您的健康码已变为灰码。原因：您尚未申报近 14 天行程。需办理后方可转绿，方式请在应用中查看。详情：https://jkm.example.gov.cn/resident/');
  });

  it('names a household member masked, for the relative who holds the phone', () => {
    const text = SMS_TEXTS.colourChanged(colourNotice('yellow', [rule('yellow', '来自中风险地区。')], GREEN_ON, 'Asia/Shanghai', '张*兰'), 'https://jkm.example.gov.cn/resident/', 'zh-CN');
    assert.equal(text, '【健康码】您的家人张*兰的健康码已变为黄码。原因：来自中风险地区。如无新情况，预计2026-12-04转为绿码。详情：https://jkm.example.gov.cn/resident/');
  });

  it('says the green was earned without naming a rule, when none fires', () => {
    assert.equal(colourNotice('green', [], null, 'Asia/Shanghai', null).why, '此前使健康码变色的情况已解除');
  });
});

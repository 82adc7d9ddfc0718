import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ColourNotice } from '../../src/domain/decisions/colour-notice.js';
import { toTraditional } from '../../src/http/traditional-text.js';
import { SMS_TEXTS } from '../../src/services/sms-texts.js';

const LINK = 'https://hc.example.cn/resident/';
const notice = (n: Partial<ColourNotice>): ColourNotice => ({ colour: 'red', why: '确诊病例的密切接触者', greenOn: '2026-12-04', member: null, ...n });

describe('the text telling a phone holder a code changed colour', () => {
  it('tells the resident of their own code, its colour in words, why, the day it turns green and where to read more', () => {
    assert.equal(
      SMS_TEXTS.colourChanged(notice({}), LINK),
      `【健康码】您的健康码已变为红码。原因：确诊病例的密切接触者。如无新情况，预计2026-12-04转为绿码。详情：${LINK}`,
    );
  });

  it('names a household member by the masked name, so the relative knows whose code changed', () => {
    const text = SMS_TEXTS.colourChanged(notice({ colour: 'yellow', member: '王*明' }), LINK);
    assert.match(text, /^【健康码】您的家人王\*明的健康码已变为黄码。/);
  });

  it("gives a household member's reason as about the member, not about the relative reading it", () => {
    const text = SMS_TEXTS.colourChanged(notice({ member: '老*', why: '您在 14 天内在高风险地区停留 4 小时以上' }), LINK);
    assert.match(text, /原因：其在 14 天内在高风险地区停留 4 小时以上。/);
    assert.equal(SMS_TEXTS.colourChanged(notice({ member: '老*', why: '您的身份尚未核实' }), LINK).includes('原因：其身份尚未核实。'), true);
  });

  it('says an action is needed, and names no date, when the code cannot turn green by waiting', () => {
    const text = SMS_TEXTS.colourChanged(notice({ greenOn: null }), LINK);
    assert.match(text, /需办理后方可转绿/);
    assert.doesNotMatch(text, /预计/);
  });

  it('says nothing of turning green when the code is green', () => {
    const text = SMS_TEXTS.colourChanged(notice({ colour: 'green', why: '此前使健康码变色的情况已解除', greenOn: null }), LINK);
    assert.equal(text, `【健康码】您的健康码已变为绿码。原因：此前使健康码变色的情况已解除。详情：${LINK}`);
  });
});

describe('the one-time code texts', () => {
  it('carry the code and how many minutes it holds, in both languages, and warn never to share it', () => {
    const text = SMS_TEXTS.signInCode('482913', 5);
    assert.match(text, /登录验证码 482913，5 分钟内有效/);
    assert.match(text, /sign-in code is 482913, valid for 5 minutes\. Never share it\./);
  });

  it('read the same for a phone no account uses yet but for the word registration, so the text tells nothing', () => {
    const signIn = SMS_TEXTS.signInCode('482913', 5);
    const registration = SMS_TEXTS.registrationCode('482913', 5);
    assert.equal(registration.replace('注册', '登录').replace('registration', 'sign-in'), signIn);
  });
});

describe('the one-time code texts for a resident who reads Traditional Chinese', () => {
  const SIGNATURE = '【健康码】';
  const chinese = (text: string) => text.slice(SIGNATURE.length, text.indexOf('Your'));
  const english = (text: string) => text.slice(text.indexOf('Your'));

  for (const name of ['signInCode', 'registrationCode'] as const) {
    it(`${name}: writes its Chinese in Traditional, with no Simplified character left, under the registered signature`, () => {
      const text = SMS_TEXTS[name]('482913', 5, 'zh-Hant');
      assert.ok(text.startsWith(SIGNATURE), text);
      assert.equal(toTraditional(chinese(text)), chinese(text), 'a Simplified character is left');
      assert.notEqual(chinese(text), chinese(SMS_TEXTS[name]('482913', 5)));
      assert.match(chinese(text), /482913，5 分鐘內有效，請勿告訴他人。$/);
    });

    it(`${name}: says the same in English as the Simplified text`, () => {
      assert.equal(english(SMS_TEXTS[name]('482913', 5, 'zh-Hant')), english(SMS_TEXTS[name]('482913', 5, 'zh-CN')));
    });
  }

  it('read the same for a phone no account uses yet but for the word registration, as in Simplified', () => {
    const signIn = SMS_TEXTS.signInCode('482913', 5, 'zh-Hant');
    assert.equal(SMS_TEXTS.registrationCode('482913', 5, 'zh-Hant').replace('註冊', '登入').replace('registration', 'sign-in'), signIn);
  });
});

describe('every text the service sends', () => {
  it('begins with the service’s signature, as carriers require of a sender', () => {
    const texts = Object.entries(SMS_TEXTS).map(([name, make]) => [name, (make as (...a: unknown[]) => string)(name === 'colourChanged' ? notice({}) : '000000', name === 'colourChanged' ? LINK : 5)] as const);
    assert.deepEqual(texts.filter(([, text]) => !text.startsWith('【健康码】')).map(([name]) => name), []);
  });
});
